"""What an endpoint handler is given and returns: the request's context (its session, caller,
time, request_id and the running server's Runtime) and the shapes of handlers. The HTTP adapter
that builds the context is gingham.wire.endpoint."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

from sqlalchemy.orm import Session, sessionmaker

from gingham.clock import Clock
from gingham.config import Settings
from gingham.crypto import SecretBox
from gingham.wire.recording import RequestRecorder

if TYPE_CHECKING:
    from gingham.oauth_bank.connector import BankConnector

JSONObject = dict[str, Any]

# Work a handler leaves for after its transaction has committed — waiting on what other
# connections do, which must not hold the transaction open. Awaited on the event loop before the
# response is rendered; it may add to the handler's result.
AfterCommit = Callable[[JSONObject], Awaitable[None]]


class Authenticator(Protocol):
    """Checks API credentials (gingham.clients.authentication implements it)."""

    def recently_verified(self, client_id: str, secret: str) -> bool:
        """Whether the pair was verified lately, known without a query."""
        ...

    def forget_secrets(self, client_id: str) -> None:
        """Stop trusting the client's recently verified secrets (they were rotated)."""
        ...

    def authenticate(
        self, session: Session, client_id: str, secret: str, address: str | None
    ) -> str:
        """The environment the secret belongs to, or the Plaid error to answer: INVALID_API_KEYS,
        or RATE_LIMIT_EXCEEDED for an address or client_id that failed too often."""
        ...

    def authenticate_public_key(
        self, session: Session, public_key: str, path: str, address: str | None
    ) -> tuple[str, str]:
        """The (client_id, environment) a legacy public key stands for on the endpoint `path`,
        or the Plaid error to answer: an unknown key, a key switched off for the API there, or
        RATE_LIMIT_EXCEEDED for an address that failed too often."""
        ...


class ClientTime(Protocol):
    """Each client's time: real time moved by its sandbox clock (gingham.sandbox_clock)."""

    def now(self, session: Session, client_id: str, real_now: datetime) -> datetime: ...


@dataclass(frozen=True, slots=True)
class Runtime:
    """What handlers need from the running server, built once by create_app."""

    settings: Settings
    session_factory: sessionmaker[Session]
    # Real time; a client's time is this plus its sandbox clock's offset (client_clocks).
    clock: Clock
    secrets: SecretBox
    authenticator: Authenticator
    client_clocks: ClientTime
    # Gingham's connector to the sandbox OAuth bank (None where no bank is served).
    bank: BankConnector | None = None
    # SQLite answers in microseconds from inside the process, so its work runs on the event loop;
    # a network database's round trips run in worker threads so requests overlap while waiting.
    database_in_threads: bool = False
    # Where credentialed requests are recorded for the request log (None: not recorded).
    request_recorder: RequestRecorder | None = None
    # The request log's own database (a SQLite file beside the data's, gingham.request_log.store);
    # None where the log lives with the data.
    request_log_sessions: sessionmaker[Session] | None = None


@dataclass(frozen=True, slots=True)
class Caller:
    client_id: str
    environment: str


@dataclass(frozen=True, slots=True)
class RequestContext:
    session: Session
    caller: Caller
    now: datetime
    request_id: str
    runtime: Runtime
    after_commit_hooks: list[AfterCommit] = field(default_factory=list)

    def after_commit(self, hook: AfterCommit) -> None:
        """Await `hook(result)` once the transaction has committed (never if it rolls back)."""
        self.after_commit_hooks.append(hook)


Handler = Callable[[RequestContext, JSONObject], JSONObject]


@dataclass(frozen=True, slots=True)
class FileBody:
    """What an endpoint that answers with a file (a PDF) returns instead of JSON. Plaid sends
    such files as the whole response body, with the request id in a header."""

    content: bytes
    media_type: str
    filename: str


FileHandler = Callable[[RequestContext, JSONObject], FileBody]
# Either kind: a JSON endpoint or a file endpoint.
AnyHandler = Callable[[RequestContext, JSONObject], JSONObject | FileBody]
