"""Gingham's start page, which is also the demo app's page (or says the demo is off)."""

from __future__ import annotations

import html
from functools import cache
from importlib import resources

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from gingham import __version__
from gingham.demo.guard import keep_csrf_token, new_csrf_token
from gingham.link.pages import gingham_origin
from gingham.wire.context import Runtime
from gingham.wire.page_headers import page_headers

_PACKAGE = resources.files("gingham.demo")


@cache
def _template(name: str = "index.html") -> str:
    return _PACKAGE.joinpath("templates", name).read_text(encoding="utf-8")


def routes(runtime: Runtime) -> list[BaseRoute]:
    secure_cookie = runtime.settings.base_url.startswith("https://")

    async def demo_off_page(request: Request) -> Response:
        page = _template("off.html").replace("__VERSION__", html.escape(__version__))
        page = page.replace("__BASE_URL__", html.escape(gingham_origin(request, runtime)))
        return HTMLResponse(page, headers=page_headers())

    async def start_page(request: Request) -> Response:
        csrf_token = new_csrf_token()
        page = _template().replace("__VERSION__", html.escape(__version__))
        page = page.replace("__BASE_URL__", html.escape(gingham_origin(request, runtime)))
        page = page.replace("__CSRF_TOKEN__", csrf_token)
        response = HTMLResponse(page, headers=page_headers())
        keep_csrf_token(response, csrf_token, secure=secure_cookie)
        return response

    return [
        Route("/", start_page if runtime.settings.demo_enabled else demo_off_page, methods=["GET"]),
        Mount(
            "/_gingham/demo/static",
            app=StaticFiles(directory=str(_PACKAGE.joinpath("static"))),
            name="demo-static",
        ),
    ]
