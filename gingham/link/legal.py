"""The end-user privacy policy Link's consent pane links to, as Plaid's links its own.

Gingham's says what Gingham is (a sandbox that runs offline) and what it keeps of what the user
types, in the same words whoever runs it would have to answer questions with.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import BaseRoute, Route

from gingham.wire.page_headers import page_headers

PRIVACY_POLICY_PATH = "/link/v2/stable/privacy"


@cache
def _privacy_page() -> str:
    return resources.files("gingham.link").joinpath("templates/privacy.html").read_text("utf-8")


async def privacy_policy(request: Request) -> Response:
    return HTMLResponse(
        _privacy_page(), headers={"Cache-Control": "public, max-age=3600", **page_headers()}
    )


def routes() -> list[BaseRoute]:
    return [Route(PRIVACY_POLICY_PATH, privacy_policy, methods=["GET"])]
