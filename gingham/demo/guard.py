"""The demo's endpoints act for its own page only.

They act for the default API client without credentials, so anything that can make a browser
post to them must be kept out: a request must come from the demo page's origin (Origin header),
carry the CSRF token the page was served with (a header matching the HttpOnly cookie set with
the page: other sites can neither read the page nor set the cookie), and be sent as JSON (which
no HTML form can send). Anything else is refused with a Plaid-shaped 403 before its body is read.
"""

from __future__ import annotations

import secrets

from starlette.requests import Request
from starlette.responses import Response

from gingham import errors
from gingham.crypto import same_secret
from gingham.demo.item_cookie import COOKIE_PATH
from gingham.link.pages import gingham_origin
from gingham.wire.context import Runtime
from gingham.wire.json_route import BeforeBody

CSRF_COOKIE = "gingham_demo_csrf"
CSRF_HEADER = "X-Gingham-Demo-CSRF"


def new_csrf_token() -> str:
    return secrets.token_urlsafe(32)


def keep_csrf_token(response: Response, token: str, *, secure: bool) -> None:
    response.set_cookie(
        CSRF_COOKIE, token, path=COOKIE_PATH, httponly=True, samesite="strict", secure=secure
    )


def _refused(message: str) -> errors.InvalidRequest:
    return errors.InvalidRequest("DEMO_REQUEST_REFUSED", message, status=403)


def from_the_demo_page(runtime: Runtime) -> BeforeBody:
    async def check(request: Request) -> None:
        expected = gingham_origin(request, runtime)
        origin = request.headers.get("origin")
        if origin != expected:
            raise _refused(
                f"the demo's endpoints answer only its own page at {expected}/ "
                f"(this request's Origin is {origin or 'missing'})"
            )
        content_type = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
        if content_type != "application/json":
            raise _refused(
                "the demo's endpoints take JSON sent with Content-Type: application/json"
            )
        sent = request.headers.get(CSRF_HEADER, "")
        kept = request.cookies.get(CSRF_COOKIE, "")
        if not sent or not kept or not same_secret(sent, kept):
            raise _refused(
                f"missing or wrong {CSRF_HEADER} header: reload the demo page at {expected}/"
            )

    return check
