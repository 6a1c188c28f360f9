"""Routing by exact path first.

Starlette's router tries the routes one after another, each with a regular expression, until
one matches. Gingham has about 150, nearly all fixed paths (every Plaid endpoint is one), so a
request to one late in the list paid for a hundred failed matches or more: a third of the bare
`/_gingham/health`'s CPU (docs/PERFORMANCE.md, "Routing"). ExactPathRouter finds a fixed path
in a dict instead, and answers exactly as the scan would: a path goes in the dict only when no
earlier route's pattern matches it (the scan reaches its route first), and anything the found
route does not fully match (another method, a trailing slash, a parameter) is left to the scan.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from starlette._utils import get_route_path
from starlette.routing import BaseRoute, Match, Mount, Route, Router
from starlette.types import Receive, Scope, Send


def first_fixed_routes(routes: Sequence[BaseRoute]) -> dict[str, Route]:
    """Each route of a fixed path (no parameters) that a scan of `routes` in order reaches
    before any other route whose pattern matches its path, by its path."""
    found: dict[str, Route] = {}
    # A fixed path's pattern matches that path alone; the others (parameters, mounts) are few.
    fixed_earlier: set[str] = set()
    patterned_earlier: list[BaseRoute] = []
    for route in routes:
        if isinstance(route, Route) and not route.param_convertors:
            if route.path not in fixed_earlier and not any(
                _may_match(other, route.path) for other in patterned_earlier
            ):
                found[route.path] = route
            fixed_earlier.add(route.path)
        else:
            patterned_earlier.append(route)
    return found


def _may_match(route: BaseRoute, path: str) -> bool:
    if isinstance(route, Route | Mount):
        return route.path_regex.match(path) is not None
    # A kind of route whose matching is not known here (a Host): assume it may.
    return True


class ExactPathRouter(Router):
    """Starlette's Router, finding a fixed path's route in a dict before it scans. Routes added
    after it is made are found by the scan."""

    def __init__(self, routes: Sequence[BaseRoute] | None = None, **options: Any) -> None:
        super().__init__(routes, **options)
        self.fixed = first_fixed_routes(self.routes)

    async def app(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            route = self.fixed.get(get_route_path(scope))
            if route is not None:
                match, child_scope = route.matches(scope)
                if match is Match.FULL:
                    scope.setdefault("router", self)
                    scope["route"] = route
                    scope.update(child_scope)
                    await route.handle(scope, receive, send)
                    return
        await super().app(scope, receive, send)
