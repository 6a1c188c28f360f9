"""What every bank endpoint shares: the runtime, the unit of work, the institution in the path."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from gingham.clock import Clock
from gingham.crypto import SecretBox
from gingham.institutions.catalogue import SandboxInstitution
from gingham.institutions.state import effective_institution, effective_institutions
from gingham.oauth_bank import views
from gingham.oauth_bank.authorization import BankContext, Lifetimes


@dataclass(frozen=True, slots=True)
class BankRuntime:
    session_factory: sessionmaker[Session]
    clock: Clock
    # Held for the wiring's sake: the bank stores only hashes and needs no key today.
    secrets: SecretBox
    public_url: str
    lifetimes: Lifetimes

    def run(
        self, institution: SandboxInstitution, work: Callable[[BankContext], Response]
    ) -> Response:
        """One unit of work: committed unless the answer is an error (or the work asks)."""
        with self.session_factory() as session:
            context = BankContext(session, institution, self.clock.now(), self.lifetimes)
            response = work(context)
            if response.status_code < 400 or context.commit_despite_error:
                session.commit()
            else:
                session.rollback()
            return response

    async def run_in_thread(
        self, institution: SandboxInstitution, work: Callable[[BankContext], Response]
    ) -> Response:
        # Authlib and the database calls are synchronous: keep them off the event loop.
        return await run_in_threadpool(self.run, institution, work)

    async def institution(self, institution_id: str) -> SandboxInstitution | None:
        """The OAuth institution this bank serves under `institution_id`, or None."""

        def read() -> SandboxInstitution | None:
            with self.session_factory() as session:
                return oauth_institution(session, institution_id)

        return await run_in_threadpool(read)

    async def institutions(self) -> list[SandboxInstitution]:
        """Every institution this bank serves, in catalogue order."""

        def read() -> list[SandboxInstitution]:
            with self.session_factory() as session:
                return [i for i in effective_institutions(session) if i.oauth]

        return await run_in_threadpool(read)


def oauth_institution(session: Session, institution_id: str) -> SandboxInstitution | None:
    """The institution, if its users sign in here: the catalogue's OAuth institutions and those
    the bank simulation migrated to OAuth."""
    institution = effective_institution(session, institution_id)
    return institution if institution is not None and institution.oauth else None


def json_error(
    status: int,
    error: str,
    description: str,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> JSONResponse:
    return JSONResponse(
        {"error": error, "error_description": description, **extra},
        status_code=status,
        headers={"Cache-Control": "no-store", **(headers or {})},
    )


Handler = Callable[[Request, SandboxInstitution], Awaitable[Response]]


def at_institution(handler: Handler, *, page: bool) -> Callable[[Request], Awaitable[Response]]:
    """An endpoint under /{institution_id}/: unknown and non-OAuth institutions are not found,
    as a page for browsers or as JSON for clients."""

    async def endpoint(request: Request) -> Response:
        institution_id = request.path_params["institution_id"]
        # create_bank_app keeps its runtime on the app: the institutions it serves are in its
        # database (the bank simulation migrates credential banks to OAuth).
        runtime: BankRuntime = request.app.state.bank
        institution = await runtime.institution(institution_id)
        if institution is not None:
            return await handler(request, institution)
        if not page:
            return json_error(404, "not_found", f"There is no OAuth bank {institution_id!r} here.")
        return views.message_page(
            None,
            "Bank not found",
            f"There is no OAuth bank {institution_id!r} here. OAuth sandbox institutions include "
            "ins_127287 (Platypus OAuth Bank), ins_132241, ins_117181 and ins_3 (Chase).",
            status=404,
        )

    return endpoint
