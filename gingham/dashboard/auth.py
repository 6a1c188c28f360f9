"""Who is signed in to the dashboard, and the CSRF token every form carries.

A developer signs in with their client's `client_id` and one of its secrets, checked by the
authenticator the API itself uses (so wrong secrets count towards the same rate limit). The
dashboard then keeps, in one cookie sealed with Gingham's key (gingham.crypto), who signed in,
with which secret, until when, and the CSRF token of their forms. The cookie is HttpOnly (page
scripts cannot read it) and SameSite=Strict (other sites cannot make the browser send it); a
browser that has not signed in gets one too, holding only a CSRF token, so that the sign-in form
itself cannot be posted from elsewhere.

A session is bound to the secret it was opened with: rotating that secret out ends every
session opened with it except the one that rotated it, which moves to the new secret.
"""

from __future__ import annotations

import secrets
from dataclasses import asdict, dataclass, replace
from datetime import datetime, timedelta

import orjson
from cryptography.exceptions import InvalidTag
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import Response

from gingham.clients.models import ClientSecret
from gingham.crypto import SecretBox, same_secret
from gingham.wire.context import Caller
from gingham.wire.ids import token_hash

COOKIE = "gingham_dashboard"
COOKIE_PATH = "/dashboard"
CSRF_FIELD = "csrf_token"
# A working day: long enough not to interrupt, short enough that a forgotten tab closes itself.
SESSION_LIFETIME = timedelta(hours=12)
_CONTEXT = "dashboard session"


@dataclass(frozen=True, slots=True)
class DashboardSession:
    csrf_token: str
    expires_at: float  # POSIX seconds, real time
    client_id: str | None = None
    environment: str | None = None
    # The ClientSecret row the session was opened with.
    secret_id: str | None = None
    # What the last action did, shown once by the page it redirected to: [text, kind, code].
    flash: list[str | None] | None = None
    # A new secret, [environment, secret], for the one page view after its rotation: carried
    # here (sealed, HttpOnly) so that the rotation can redirect, and reloading cannot rotate again.
    shown_once: list[str] | None = None

    @property
    def caller(self) -> Caller | None:
        if self.client_id is None or self.environment is None:
            return None
        return Caller(self.client_id, self.environment)


def anonymous(now: datetime) -> DashboardSession:
    return DashboardSession(
        csrf_token=secrets.token_urlsafe(32),
        expires_at=(now + SESSION_LIFETIME).timestamp(),
    )


def signed_in(now: datetime, client_id: str, environment: str, secret_id: str) -> DashboardSession:
    # A fresh CSRF token as well: one seen before signing in is not trusted after.
    return replace(
        anonymous(now), client_id=client_id, environment=environment, secret_id=secret_id
    )


def read(request: Request, box: SecretBox, now: datetime) -> DashboardSession | None:
    """The browser's session, or None when it has none that is valid and unexpired."""
    sealed = request.cookies.get(COOKIE)
    if not sealed:
        return None
    try:
        fields = orjson.loads(box.open(sealed, context=_CONTEXT))
        session = DashboardSession(**fields)
    except (InvalidTag, ValueError, TypeError, orjson.JSONDecodeError):
        # Sealed under another key (a reset data directory) or not by Gingham at all.
        return None
    if session.expires_at <= now.timestamp():
        return None
    return session


def keep(response: Response, session: DashboardSession, box: SecretBox, *, secure: bool) -> None:
    sealed = box.seal(orjson.dumps(asdict(session)).decode(), context=_CONTEXT)
    response.set_cookie(
        COOKIE,
        sealed,
        path=COOKIE_PATH,
        httponly=True,
        samesite="strict",
        secure=secure,
    )


def forget(response: Response, *, secure: bool) -> None:
    response.delete_cookie(
        COOKIE, path=COOKIE_PATH, httponly=True, samesite="strict", secure=secure
    )


def csrf_ok(session: DashboardSession | None, sent: object) -> bool:
    return (
        session is not None
        and isinstance(sent, str)
        and bool(sent)
        and same_secret(sent, session.csrf_token)
    )


def secret_id_of(session: Session, client_id: str, secret: str) -> str | None:
    """The live ClientSecret row a plaintext secret of the client is, if any."""
    return session.scalar(
        select(ClientSecret.id).where(
            ClientSecret.client_id == client_id,
            ClientSecret.secret_hash == token_hash(secret),
            ClientSecret.revoked_at.is_(None),
        )
    )


def still_valid(session: Session, dashboard: DashboardSession) -> bool:
    """Whether the secret the session was opened with still works."""
    if dashboard.secret_id is None:
        return False
    return (
        session.scalar(
            select(ClientSecret.id).where(
                ClientSecret.id == dashboard.secret_id,
                ClientSecret.client_id == dashboard.client_id,
                ClientSecret.revoked_at.is_(None),
            )
        )
        is not None
    )
