"""Routing by exact path first (gingham.wire.routing): every request reaches the route
Starlette's scan in order would have chosen, and answers as it would."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import BaseRoute, Match, Mount, Route, Router
from starlette.testclient import TestClient

from gingham.wire.routing import ExactPathRouter, first_fixed_routes


def _named(name: str) -> Any:
    async def endpoint(request: Request) -> Response:
        return PlainTextResponse(f"{name} {request.path_params}")

    return endpoint


ROUTES: list[BaseRoute] = [
    Route("/items/get", _named("items-get"), methods=["POST"]),
    Route("/things/{name}", _named("thing"), methods=["GET"]),
    # Shadowed for GET by the pattern above: the scan gives /things/new to it.
    Route("/things/new", _named("things-new"), methods=["GET", "POST"]),
    Route("/twice", _named("twice-get"), methods=["GET"]),
    Route("/twice", _named("twice-post"), methods=["POST"]),
    Mount("/static", routes=[Route("/file", _named("static-file"))]),
    Route("/static/file", _named("behind-the-mount")),
    Route("/slash/", _named("slash"), methods=["GET"]),
    Route("/health", _named("health"), methods=["GET", "POST"]),
]
REQUESTS = [
    (method, path)
    for method in ("GET", "POST", "PUT")
    for path in (
        "/items/get",
        "/things/new",
        "/things/other",
        "/twice",
        "/static/file",
        "/slash",
        "/slash/",
        "/health",
        "/health/",
        "/nowhere",
    )
]


def _answer(app: Starlette, method: str, path: str) -> tuple[int, str, str | None]:
    with TestClient(app) as client:
        response = client.request(method, path, follow_redirects=False)
        return response.status_code, response.text, response.headers.get("location")


@pytest.mark.parametrize(("method", "path"), REQUESTS)
def test_every_request_is_answered_as_the_scan_answers_it(method: str, path: str) -> None:
    scanning = Starlette(routes=ROUTES)
    finding = Starlette(routes=ROUTES)
    finding.router = ExactPathRouter(ROUTES)
    assert _answer(finding, method, path) == _answer(scanning, method, path)


def test_only_paths_the_scan_reaches_first_are_found_in_the_dict() -> None:
    assert set(first_fixed_routes(ROUTES)) == {"/items/get", "/twice", "/slash/", "/health"}


def _scanned(router: Router, scope: dict[str, Any]) -> BaseRoute | None:
    partial = None
    for route in router.routes:
        match, _ = route.matches(scope)
        if match is Match.FULL:
            return route
        if match is Match.PARTIAL and partial is None:
            partial = route
    return partial


def test_gingham_s_own_routes_are_found_as_the_scan_finds_them(settings: Any) -> None:
    from gingham.app import create_app

    router = create_app(settings, session_factory=None).router
    assert isinstance(router, ExactPathRouter)
    # Every fixed path is found in the dict: none is shadowed by an earlier pattern.
    fixed = {r.path for r in router.routes if isinstance(r, Route) and not r.param_convertors}
    assert set(router.fixed) == fixed and len(fixed) > 100
    for path, route in router.fixed.items():
        for method in ("GET", "POST", "DELETE"):
            scope = {"type": "http", "path": path, "root_path": "", "method": method}
            match, _ = route.matches(scope)
            if match is Match.FULL:
                assert _scanned(router, scope) is route, (method, path)
