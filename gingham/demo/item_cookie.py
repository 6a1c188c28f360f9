"""Where the demo's backend keeps the access token: sealed, in a cookie the page cannot read.

A real app keeps an access token on its server, never in the browser. The demo has no table of
its own, so it seals the token with Gingham's key (AES-GCM, bound to the API client it belongs
to) and hands it back in an HttpOnly, SameSite=Strict cookie scoped to the demo's endpoints:
page scripts cannot read it, other sites cannot send it, and without the key it is noise. Each
browser keeps its own Item, and nothing is left behind in the database when it is gone.
"""

from __future__ import annotations

from cryptography.exceptions import InvalidTag
from starlette.requests import Request
from starlette.responses import Response

from gingham import errors
from gingham.crypto import SecretBox
from gingham.wire.endpoint import Caller

COOKIE_NAME = "gingham_demo_item"
COOKIE_PATH = "/_gingham/demo"


def _context(caller: Caller) -> str:
    return f"demo access token of {caller.client_id} in {caller.environment}"


def seal(box: SecretBox, caller: Caller, access_token: str) -> str:
    return box.seal(access_token, context=_context(caller))


def open_sealed(box: SecretBox, caller: Caller, request: Request) -> str:
    """The access token this browser's cookie holds, or a Plaid error saying to link first."""
    sealed = request.cookies.get(COOKIE_NAME)
    if sealed:
        try:
            return box.open(sealed, context=_context(caller))
        except (InvalidTag, ValueError):
            # Sealed for another client or under another key (a reset data directory): the
            # Item is out of reach, exactly as if nothing had been linked.
            pass
    raise errors.InvalidRequest(
        "NO_LINKED_ITEM", "the demo has no linked Item in this browser: link an account first"
    )


def keep(response: Response, sealed: str, *, secure: bool) -> None:
    response.set_cookie(
        COOKIE_NAME, sealed, path=COOKIE_PATH, httponly=True, samesite="strict", secure=secure
    )
