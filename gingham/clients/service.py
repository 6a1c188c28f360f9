"""API clients and their secrets."""

from __future__ import annotations

import time
import uuid
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from gingham import driver_queries, errors
from gingham.clients import profile, public_keys
from gingham.clients.models import ENVIRONMENTS, ApiClient, ClientSecret
from gingham.wire.ids import new_client_id, new_secret, token_hash


@dataclass(frozen=True, slots=True)
class IssuedCredentials:
    """A client's credentials as shown once, at creation; only hashes are kept."""

    client_id: str
    name: str
    environment: str
    secret: str
    # Not a secret in Plaid's model; shown here beside the keys it stood with on the dashboard.
    public_key: str


def create_client(
    session: Session, name: str, now: datetime, *, environment: str = "sandbox"
) -> IssuedCredentials:
    client = ApiClient(id=new_client_id(), name=name, created_at=now)
    session.add(client)
    session.flush()
    profile.profile_row(session, client.id, now)
    secret = add_secret(session, client.id, environment, now)
    public_key = public_keys.public_key_of(session, client.id, now=now)
    return IssuedCredentials(client.id, name, environment, secret, public_key)


def add_secret(session: Session, client_id: str, environment: str, now: datetime) -> str:
    if environment not in ENVIRONMENTS:
        raise ValueError(f"unknown environment {environment!r}")
    secret = new_secret()
    session.add(
        ClientSecret(
            id=uuid.uuid4().hex,
            client_id=client_id,
            environment=environment,
            secret_hash=token_hash(secret),
            created_at=now,
        )
    )
    session.flush()
    return secret


def rotate_secret(session: Session, client_id: str, environment: str, now: datetime) -> str:
    """A new secret for the environment, shown once; the client's other secrets there stop
    working at once (Plaid's dashboard rotation: the old secret is deleted, not kept alive)."""
    session.execute(
        update(ClientSecret)
        .where(
            ClientSecret.client_id == client_id,
            ClientSecret.environment == environment,
            ClientSecret.revoked_at.is_(None),
        )
        .values(revoked_at=now),
        execution_options={"synchronize_session": False},
    )
    return add_secret(session, client_id, environment, now)


def has_any_client(session: Session) -> bool:
    return session.scalar(select(ApiClient.id).limit(1)) is not None


def client_exists(session: Session, client_id: str) -> bool:
    return session.get(ApiClient, client_id) is not None


class VerifiedSecrets:
    """Secrets this process verified recently, so that a busy client's requests skip the early
    credentials check before their body is read. Never what admits a request: that is always
    `authenticate`, against the database (gingham.clients.authentication says why).

    Entries live for `ttl` seconds of real (monotonic) time. Only hashes are held, as in the
    database.
    """

    def __init__(
        self,
        ttl: float = 30.0,
        capacity: int = 4096,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._ttl = ttl
        self._capacity = capacity
        self._monotonic = monotonic
        self._entries: OrderedDict[tuple[str, str], tuple[float, str]] = OrderedDict()

    def get(self, client_id: str, secret_hash: str) -> str | None:
        entry = self._entries.get((client_id, secret_hash))
        if entry is None:
            return None
        verified_at, environment = entry
        if self._monotonic() - verified_at > self._ttl:
            del self._entries[(client_id, secret_hash)]
            return None
        return environment

    def forget(self, client_id: str) -> None:
        """Drop the client's entries: its secrets changed in this process."""
        for key in [key for key in self._entries if key[0] == client_id]:
            del self._entries[key]

    def discard(self, client_id: str, secret_hash: str) -> None:
        self._entries.pop((client_id, secret_hash), None)

    def put(self, client_id: str, secret_hash: str, environment: str) -> None:
        self._entries[(client_id, secret_hash)] = (self._monotonic(), environment)
        self._entries.move_to_end((client_id, secret_hash))
        if len(self._entries) > self._capacity:
            self._entries.popitem(last=False)


def authenticate(session: Session, client_id: str, secret_hash: str) -> str:
    """The environment of the secret whose hash is `secret_hash`, or INVALID_API_KEYS: one read
    by the secrets' unique index, in the caller's unit of work."""
    environment = driver_queries.SECRET_ENVIRONMENT.first(
        session, secret_hash=secret_hash, client_id=client_id
    )
    if environment is None:
        raise errors.invalid_api_keys()
    return str(environment)
