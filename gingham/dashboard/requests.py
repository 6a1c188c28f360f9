"""API requests: the client's request log (gingham.request_log), newest first, searched by
endpoint, status, request_id or any text, each with its request and response bodies as they were
stored — redacted when recorded. The dashboard's own actions call the API's handlers directly, not
over HTTP, so they are not recorded and never crowd the list."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import orjson
from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from gingham.dashboard.auth import DashboardSession
from gingham.dashboard.listing import filtered_list
from gingham.dashboard.web import Dashboard, Notice
from gingham.dashboard.webhooks import when
from gingham.request_log import store
from gingham.request_log.service import find_request
from gingham.wire.context import Caller, JSONObject

LIST_PATH = "/dashboard/requests"
# The list answers the newest of these; older ones are a search away.
SHOWN = 100
_FIELDS = ("endpoint", "status", "request_id", "search")


def _filters(request: Request) -> dict[str, str]:
    return {
        name: value for name in _FIELDS if (value := request.query_params.get(name, "").strip())
    }


def _body(filters: dict[str, str]) -> JSONObject:
    """The list request for the form's fields; a status that is not a number is passed on as
    text, for the API to refuse in its own words."""
    body: JSONObject = {"limit": SHOWN, **filters}
    if filters.get("status", "").isdigit():
        body["status"] = int(filters["status"])
    return body


def _row(entry: JSONObject) -> dict[str, Any]:
    status = entry["status"]
    kind = "ok" if status < 300 else ("warn" if status < 500 else "error")
    return {"entry": entry, "when": when(entry["created_at"]), "kind": kind}


def _pretty(value: Any) -> str:
    return orjson.dumps(value, option=orjson.OPT_INDENT_2).decode()


def routes(dashboard: Dashboard) -> list[BaseRoute]:
    settings = dashboard.runtime.settings

    async def list_context(caller: Caller, filters: dict[str, str]) -> dict[str, Any]:
        listing = await dashboard.call(caller, "/_gingham/requests/list", _body(filters))
        return {
            "rows": [_row(entry) for entry in listing["requests"]],
            "dropped": listing["dropped"],
            "filters": filters,
            "query": urlencode(filters),
            "shown": SHOWN,
            "retention": settings.request_log_retention,
            "recording": dashboard.runtime.request_recorder is not None,
        }

    requests_page, requests_table = filtered_list(
        dashboard, "requests.html", "_requests_table.html", list_context, _filters
    )

    async def request_page(request: Request, session: DashboardSession, caller: Caller) -> Response:
        logged_id = request.path_params["logged_id"]

        def read(db: Session) -> JSONObject | None:
            with store.reading(dashboard.runtime, db) as log_session:
                return find_request(
                    log_session,
                    client_id=caller.client_id,
                    environment=caller.environment,
                    logged_id=logged_id,
                )

        entry = await dashboard.in_transaction(read, read_only=True)
        if entry is None:
            notice = Notice(
                f"There is no request {logged_id} in your log: it may be older than the "
                f"newest {settings.request_log_retention} it keeps.",
                "error",
            )
            context = await list_context(caller, {})
            return dashboard.render(
                request, "requests.html", session, status=404, notice=notice, **context
            )
        return dashboard.render(
            request,
            "request.html",
            session,
            **_row(entry),
            request_body=None if entry["request_body"] is None else _pretty(entry["request_body"]),
            response_body=(
                None if entry["response_body"] is None else _pretty(entry["response_body"])
            ),
        )

    page = dashboard.page
    return [
        Route(LIST_PATH, page(requests_page), methods=["GET"]),
        Route(f"{LIST_PATH}/table", page(requests_table), methods=["GET"]),
        Route(LIST_PATH + "/{logged_id}", page(request_page), methods=["GET"]),
    ]
