"""One short line per request on the `gingham.access` log: method, path, status, milliseconds and,
for API calls, the `request_id` the response carries — the id a developer finds in their app's
logs and in Plaid-shaped error bodies.

Link's static files are left out: a Link open fetches a dozen of them, and they say nothing; so
are the dashboard's, and its live refreshes."""

from __future__ import annotations

import logging
import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

logger = logging.getLogger("gingham.access")

QUIET_PREFIXES = (
    "/link/static/",
    "/link/v2/stable/institutions/logos/",
    # The dashboard's assets, and the parts of its pages that refresh themselves every few seconds.
    "/dashboard/static/",
    "/dashboard/items/table",
    "/dashboard/clock/status",
)
# Where JSON endpoints leave the request id for this line (gingham.wire.endpoint).
REQUEST_ID_STATE_KEY = "request_id"


def format_line(
    method: str, path: str, status: int, milliseconds: float, request_id: str | None
) -> str:
    line = f"{method} {path} {status} {milliseconds:.1f} ms"
    return f"{line} {request_id}" if request_id else line


class AccessLog:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(QUIET_PREFIXES):
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500  # what the client sees if the app fails before it starts a response

        async def send_noting_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_noting_status)
        finally:
            elapsed = (time.perf_counter() - started) * 1000
            request_id = scope.get("state", {}).get(REQUEST_ID_STATE_KEY)
            logger.info(format_line(scope["method"], scope["path"], status, elapsed, request_id))
