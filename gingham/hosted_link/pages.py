"""Hosted Link's pages: the URL /link/token/create hands out, which runs Link on a page of its
own (the Link frame's page and link.js, told by the JSON in the page that they are hosted), the
bank's return leg for OAuth institutions, and plain notices when the URL cannot run Link."""

from __future__ import annotations

import html
import json
from collections.abc import Callable
from functools import cache
from importlib import resources
from string import Template
from typing import Any

from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import BaseRoute, Route

from gingham.hosted_link import service
from gingham.link.oauth import HOSTED_LINK_RETURN_PATH
from gingham.link.pages import gingham_origin
from gingham.wire.context import Runtime
from gingham.wire.page_headers import page_headers

_LINK_PAGE = resources.files("gingham.link").joinpath("templates/link.html")
_NOTICE = resources.files("gingham.hosted_link").joinpath("templates/notice.html")
# The element link.js reads its hosted configuration from (gingham/link/static/link.js).
CONFIG_ELEMENT_ID = "gingham-hosted-link"
# The page carries a link token: nothing may keep a copy of it.
_NO_STORE = {"Cache-Control": "no-store"}


@cache
def _link_page() -> str:
    return _LINK_PAGE.read_text(encoding="utf-8")


@cache
def _notice_template() -> Template:
    return Template(_NOTICE.read_text(encoding="utf-8"))


def _hosted_page(config: dict[str, Any]) -> HTMLResponse:
    # A JSON data block, never run as script (so the page's CSP allows it); "<" is escaped so
    # that no value can close the element.
    data = json.dumps(config).replace("<", "\\u003c")
    block = f'<script type="application/json" id="{CONFIG_ELEMENT_ID}">{data}</script>\n'
    page = _link_page().replace("</head>", block + "</head>", 1)
    return HTMLResponse(page, headers={**page_headers(), **_NO_STORE})


def notice(view: str, title: str, text: str, next_step: str, *, status: int) -> HTMLResponse:
    body = _notice_template().substitute(
        view=view,
        testid=view.lower().replace("_", "-"),
        title=html.escape(title),
        text=html.escape(text),
        next=html.escape(next_step),
    )
    return HTMLResponse(body, status_code=status, headers={**page_headers(), **_NO_STORE})


NOT_FOUND = (
    "HOSTED_LINK_NOT_FOUND",
    "This link isn't valid",
    "Check that you opened the whole link you were sent.",
)
EXPIRED = (
    "HOSTED_LINK_EXPIRED",
    "This link has expired",
    "Links to connect your account only work for a limited time.",
)
COMPLETED = (
    "HOSTED_LINK_COMPLETED",
    "Your account is already connected",
    "This link has been used to connect an account, so it can't be used again.",
)
_ASK_AGAIN = "Go back to the app that sent it and ask for a new link."
_DONE_NEXT = "You can close this page and go back to the app."

PageFinder = Callable[[Session], service.OpenedPage | None]


def routes(runtime: Runtime) -> list[BaseRoute]:
    def answer(find: PageFinder, received_redirect_uri: str | None = None) -> Response:
        with runtime.session_factory() as session, session.begin():
            page = find(session)
            if page is None:
                return notice(*NOT_FOUND, _ASK_AGAIN, status=404)
            if page.hosted_link.completed_at is not None:
                return notice(*COMPLETED, _DONE_NEXT, status=200)
            # The URL expires on its client's sandbox clock, as its link token does.
            now = runtime.client_clocks.now(session, page.token.client_id, runtime.clock.now())
            if not service.is_usable(page, now):
                return notice(*EXPIRED, _ASK_AGAIN, status=410)
            return _hosted_page(
                {
                    "link_token": page.link_token,
                    "completion_redirect_uri": page.hosted_link.completion_redirect_uri,
                    "received_redirect_uri": received_redirect_uri,
                    "is_mobile_app": page.hosted_link.is_mobile_app,
                }
            )

    async def hosted_link_page(request: Request) -> Response:
        url_key = request.path_params["url_key"]

        def find(session: Session) -> service.OpenedPage | None:
            return service.page_for_key(session, url_key, runtime.secrets)

        return await run_in_threadpool(answer, find)

    async def oauth_return(request: Request) -> Response:
        """The bank sent the browser back with oauth_state_id: open the same page again, for
        Link to resume its session there (link.js's receivedRedirectUri)."""
        state_id = request.query_params.get("oauth_state_id", "")

        def find(session: Session) -> service.OpenedPage | None:
            return service.page_for_oauth_state(session, state_id, runtime.secrets)

        received = (
            f"{gingham_origin(request, runtime)}{HOSTED_LINK_RETURN_PATH}?{request.url.query}"
        )
        return await run_in_threadpool(answer, find, received)

    return [
        # Before the page's route, which would take "oauth-return" for a URL key.
        Route(HOSTED_LINK_RETURN_PATH, oauth_return, methods=["GET"]),
        Route(service.PAGE_PATH, hosted_link_page, methods=["GET"]),
    ]
