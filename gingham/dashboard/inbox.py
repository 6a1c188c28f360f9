"""The webhook inbox: the client's receiver URL on Gingham itself (gingham.webhook_inbox), how to
point webhooks at it — or point an Item's there in one click, as /item/webhook/update does — and
what it received, newest first, each with whether its Plaid-Verification checked out."""

from __future__ import annotations

from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from gingham import errors
from gingham.dashboard.auth import DashboardSession
from gingham.dashboard.items import item_of, live_items
from gingham.dashboard.web import Dashboard, Form, Notice, plaid_notice
from gingham.dashboard.webhooks import when
from gingham.items.api import change_webhook
from gingham.wire.context import Caller, JSONObject, RequestContext

PAGE_PATH = "/dashboard/inbox"
# The page shows the newest messages whole; the inbox keeps more (its list endpoint reads them).
SHOWN = 25


def _body(text: str) -> str:
    """A JSON body pretty-printed; anything else as it came."""
    try:
        return orjson.dumps(orjson.loads(text), option=orjson.OPT_INDENT_2).decode()
    except orjson.JSONDecodeError:
        return text


def _message(message: JSONObject) -> dict[str, Any]:
    return {
        "message": message,
        "when": when(message["received_at"]),
        "body": _body(message["body"]),
    }


def routes(dashboard: Dashboard) -> list[BaseRoute]:
    async def messages_context(caller: Caller) -> dict[str, Any]:
        listing = await dashboard.call(caller, "/_gingham/webhook_inbox/list", {"limit": SHOWN})
        return {"messages": [_message(message) for message in listing["webhooks"]]}

    async def page_context(caller: Caller) -> dict[str, Any]:
        inbox = await dashboard.call(caller, "/_gingham/webhook_inbox/get", {})
        items = await dashboard.in_transaction(lambda session: live_items(session, caller))
        return {
            "inbox_url": inbox["url"],
            "items": items,
            "shown": SHOWN,
            **await messages_context(caller),
        }

    async def inbox_page(request: Request, session: DashboardSession, caller: Caller) -> Response:
        return dashboard.render(request, "inbox.html", session, **await page_context(caller))

    async def messages_part(
        request: Request, session: DashboardSession, caller: Caller
    ) -> Response:
        # htmx refreshes the messages in place while the page is open.
        return dashboard.render(
            request, "_inbox_messages.html", session, **await messages_context(caller)
        )

    async def point_item(
        request: Request, session: DashboardSession, caller: Caller, form: Form
    ) -> Response:
        item_id = form.get("item_id")
        inbox = await dashboard.call(caller, "/_gingham/webhook_inbox/get", {})

        def handler(ctx: RequestContext, body: JSONObject) -> JSONObject:
            item = change_webhook(ctx, item_of(ctx.session, caller, item_id), inbox["url"])
            return {"item_id": item.id}

        try:
            await dashboard.act(caller, handler)
        except errors.PlaidError as error:
            context = await page_context(caller)
            return dashboard.render(
                request, "inbox.html", session, status=400, notice=plaid_notice(error), **context
            )
        notice = Notice(
            f"Item {item_id}'s webhooks now come here; WEBHOOK_UPDATE_ACKNOWLEDGED is on its way."
        )
        return dashboard.redirect(PAGE_PATH, session, notice)

    return [
        Route(PAGE_PATH, dashboard.page(inbox_page), methods=["GET"]),
        Route(f"{PAGE_PATH}/messages", dashboard.page(messages_part), methods=["GET"]),
        Route(f"{PAGE_PATH}/item_webhook", dashboard.form(point_item), methods=["POST"]),
    ]
