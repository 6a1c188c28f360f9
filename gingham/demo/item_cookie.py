"""Where the demo's backend keeps its bearer tokens: sealed, in cookies the page cannot read.

A real app keeps an access token on its server, never in the browser, and an asset report token
likewise. The demo has no table of its own, so it seals each token with Gingham's key (AES-GCM,
bound to the API client and to what the token is) and hands it back in an HttpOnly,
SameSite=Strict cookie scoped to the demo's endpoints: page scripts cannot read it, other sites
cannot send it, and without the key it is noise. Each browser keeps its own Item and its latest
asset report, and nothing is left behind in the database when they are gone.
"""

from __future__ import annotations

from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from starlette.requests import Request
from starlette.responses import Response

from gingham import errors
from gingham.crypto import SecretBox
from gingham.wire.context import Caller

COOKIE_PATH = "/_gingham/demo"


@dataclass(frozen=True, slots=True)
class SealedToken:
    cookie: str
    # What the token is, bound into the seal: one kind's cookie never opens as another's.
    kind: str
    # Answered when the cookie is missing or cannot be opened.
    missing_code: str
    missing_message: str

    def _context(self, caller: Caller) -> str:
        return f"demo {self.kind} of {caller.client_id} in {caller.environment}"

    def seal(self, box: SecretBox, caller: Caller, token: str) -> str:
        return box.seal(token, context=self._context(caller))

    def open_sealed(self, box: SecretBox, caller: Caller, request: Request) -> str:
        """The token this browser's cookie holds, or a Plaid error saying what to do first."""
        sealed = request.cookies.get(self.cookie)
        if sealed:
            try:
                return box.open(sealed, context=self._context(caller))
            except (InvalidTag, ValueError):
                # Sealed for another client or under another key (a reset data directory): the
                # token is out of reach, exactly as if there had never been one.
                pass
        raise errors.InvalidRequest(self.missing_code, self.missing_message)

    def keep(self, response: Response, sealed: str, *, secure: bool) -> None:
        response.set_cookie(
            self.cookie, sealed, path=COOKIE_PATH, httponly=True, samesite="strict", secure=secure
        )


ACCESS_TOKEN = SealedToken(
    cookie="gingham_demo_item",
    kind="access token",
    missing_code="NO_LINKED_ITEM",
    missing_message="the demo has no linked Item in this browser: link an account first",
)
ASSET_REPORT_TOKEN = SealedToken(
    cookie="gingham_demo_asset_report",
    kind="asset report token",
    missing_code="NO_ASSET_REPORT",
    missing_message="the demo has no asset report in this browser: create one first",
)
COOKIE_NAME = ACCESS_TOKEN.cookie
