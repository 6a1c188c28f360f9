"""Webhooks: every delivery of the client's webhooks, newest first, each with its body, the
headers its attempts were sent with, every attempt's outcome and the next retry, and redelivery
— read and done through /_gingham/webhooks/list and /_gingham/webhooks/redeliver."""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

import orjson
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from gingham import errors
from gingham.dashboard.auth import DashboardSession
from gingham.dashboard.listing import filtered_list
from gingham.dashboard.web import Dashboard, Form, Notice, plaid_notice
from gingham.webhooks.transport import delivery_headers
from gingham.wire import json
from gingham.wire.context import Caller, JSONObject

LIST_PATH = "/dashboard/webhooks"
# The list shows the newest of these that match; older ones are a filter away.
SHOWN = 50
# How each attempt's status reads, and its badge.
STATUS_LABELS = {
    "pending": ("Pending", "neutral"),
    "in_flight": ("Sending", "neutral"),
    "succeeded": ("Delivered", "ok"),
    "failed": ("Failed, will retry", "warn"),
    "exhausted": ("Failed, gave up", "error"),
}


def when(timestamp: str | None) -> str:
    """An API timestamp (`2026-01-02T03:04:05.678Z`, or to the microsecond) as the dashboard
    shows times: to the millisecond, in UTC."""
    if not timestamp:
        return "—"
    moment = datetime.fromisoformat(timestamp.replace("Z", "+00:00"))
    return moment.strftime("%Y-%m-%d %H:%M:%S.%f")[:-3] + " UTC"


def _filters(request: Request) -> dict[str, str]:
    return {
        name: value
        for name in ("item_id", "webhook_code")
        if (value := request.query_params.get(name, "").strip())
    }


def _row(event: JSONObject) -> dict[str, Any]:
    attempts = event["attempts"]
    last = attempts[-1] if attempts else None
    label, kind = STATUS_LABELS.get(last["status"] if last else "pending", ("—", "neutral"))
    return {"event": event, "created": when(event["created_at"]), "label": label, "kind": kind}


def _detail(event: JSONObject) -> dict[str, Any]:
    body = json.dumps(event["payload"])
    attempts = []
    for attempt in event["attempts"]:
        label, kind = STATUS_LABELS.get(attempt["status"], ("—", "neutral"))
        sent = attempt["started_at"] is not None
        attempts.append(
            {
                "attempt": attempt,
                "label": label,
                "kind": kind,
                "started": when(attempt["started_at"]),
                "finished": when(attempt["finished_at"]),
                "due": when(attempt["due_at"]) if attempt["due_at"] else "now",
                "headers": (
                    delivery_headers(
                        event["event_id"], attempt["attempt"], attempt["verification"] or ""
                    )
                    if sent
                    else None
                ),
            }
        )
    pending = [row for row in attempts if row["attempt"]["status"] == "pending"]
    return {
        **_row(event),
        "body": orjson.dumps(event["payload"], option=orjson.OPT_INDENT_2).decode(),
        "body_bytes": len(body),
        "body_sha256": hashlib.sha256(body).hexdigest(),
        "attempts": attempts,
        "next_attempt": pending[0]["due"] if pending else None,
    }


def routes(dashboard: Dashboard) -> list[BaseRoute]:
    async def list_context(caller: Caller, filters: dict[str, str]) -> dict[str, Any]:
        listing = await dashboard.call(
            caller, "/_gingham/webhooks/list", {**filters, "limit": SHOWN}
        )
        return {
            "shown": SHOWN,
            "rows": [_row(event) for event in listing["events"]],
            "filters": filters,
            "query": urlencode(filters),
        }

    webhooks_page, webhooks_table = filtered_list(
        dashboard, "webhooks.html", "_webhooks_table.html", list_context, _filters
    )

    async def detail_context(caller: Caller, event_id: str) -> dict[str, Any] | None:
        listing = await dashboard.call(
            caller, "/_gingham/webhooks/list", {"event_id": event_id, "limit": 1}
        )
        if not listing["events"]:
            return None
        return _detail(listing["events"][0])

    async def not_found(request: Request, session: DashboardSession, caller: Caller) -> Response:
        notice = Notice(
            f"There is no webhook {request.path_params['event_id']} of this client.", "error"
        )
        context = await list_context(caller, {})
        return dashboard.render(
            request, "webhooks.html", session, status=404, notice=notice, **context
        )

    async def delivery_page(
        request: Request, session: DashboardSession, caller: Caller
    ) -> Response:
        context = await detail_context(caller, request.path_params["event_id"])
        if context is None:
            return await not_found(request, session, caller)
        return dashboard.render(request, "webhook.html", session, **context)

    async def attempts_part(
        request: Request, session: DashboardSession, caller: Caller
    ) -> Response:
        context = await detail_context(caller, request.path_params["event_id"])
        if context is None:
            return await not_found(request, session, caller)
        return dashboard.render(request, "_webhook_attempts.html", session, **context)

    async def redeliver(
        request: Request, session: DashboardSession, caller: Caller, form: Form
    ) -> Response:
        event_id = request.path_params["event_id"]
        try:
            result = await dashboard.call(
                caller, "/_gingham/webhooks/redeliver", {"event_id": event_id}
            )
        except errors.PlaidError as error:
            return dashboard.redirect(LIST_PATH, session, plaid_notice(error))
        notice = Notice(f"Attempt {result['attempt']['attempt']} is on its way.")
        return dashboard.redirect(f"{LIST_PATH}/{event_id}", session, notice)

    page = dashboard.page
    return [
        Route(LIST_PATH, page(webhooks_page), methods=["GET"]),
        Route(f"{LIST_PATH}/table", page(webhooks_table), methods=["GET"]),
        Route(LIST_PATH + "/{event_id}", page(delivery_page), methods=["GET"]),
        Route(LIST_PATH + "/{event_id}/attempts", page(attempts_part), methods=["GET"]),
        Route(LIST_PATH + "/{event_id}/redeliver", dashboard.form(redeliver), methods=["POST"]),
    ]
