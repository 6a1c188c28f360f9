"""Link's browser assets: the drop-in script at Plaid's path, the frame page, and their static files."""

from __future__ import annotations

from functools import cache
from importlib import resources

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from gingham.wire.context import Runtime
from gingham.wire.page_headers import frame_ancestor, page_headers

ORIGIN_PLACEHOLDER = "__GINGHAM_ORIGIN__"
_PACKAGE = resources.files("gingham.link")


@cache
def _asset(path: str) -> str:
    return _PACKAGE.joinpath(path).read_text(encoding="utf-8")


def gingham_origin(request: Request, runtime: Runtime) -> str:
    """The origin pages should reach Gingham at: the configured public URL, else the one asked."""
    if runtime.settings.public_url:
        return runtime.settings.public_url.rstrip("/")
    return f"{request.url.scheme}://{request.url.netloc}"


def routes(runtime: Runtime) -> list[BaseRoute]:
    async def link_initialize(request: Request) -> Response:
        # The origin is written into the script as it is served, so the script never needs its
        # own src: apps and tests may serve it under Plaid's CDN URL.
        script = _asset("static/link-initialize.js").replace(
            ORIGIN_PLACEHOLDER, gingham_origin(request, runtime)
        )
        return Response(
            script,
            media_type="application/javascript",
            headers={"Cache-Control": "no-cache", "Access-Control-Allow-Origin": "*"},
        )

    async def link_frame(request: Request) -> Response:
        # link-initialize.js names the page that opens the frame; only that page may frame it.
        framer = frame_ancestor(request.query_params.get("parent_origin"))
        return HTMLResponse(
            _asset("templates/link.html"),
            headers={"Cache-Control": "no-cache", **page_headers(frame_ancestors=framer)},
        )

    static_dir = str(_PACKAGE.joinpath("static"))
    return [
        Route("/link/v2/stable/link-initialize.js", link_initialize, methods=["GET"]),
        Route("/link/v2/stable/link.html", link_frame, methods=["GET"]),
        Mount("/link/static", app=StaticFiles(directory=static_dir), name="link-static"),
    ]
