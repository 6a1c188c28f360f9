"""Gingham's start page, which is also the demo app's page."""

from __future__ import annotations

import html
from functools import cache
from importlib import resources

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from gingham import __version__
from gingham.link.pages import gingham_origin
from gingham.wire.endpoint import Runtime

_PACKAGE = resources.files("gingham.demo")


@cache
def _template() -> str:
    return _PACKAGE.joinpath("templates/index.html").read_text(encoding="utf-8")


def routes(runtime: Runtime) -> list[BaseRoute]:
    async def start_page(request: Request) -> Response:
        page = _template().replace("__VERSION__", html.escape(__version__))
        page = page.replace("__BASE_URL__", html.escape(gingham_origin(request, runtime)))
        return HTMLResponse(page)

    return [
        Route("/", start_page, methods=["GET"]),
        Mount(
            "/_gingham/demo/static",
            app=StaticFiles(directory=str(_PACKAGE.joinpath("static"))),
            name="demo-static",
        ),
    ]
