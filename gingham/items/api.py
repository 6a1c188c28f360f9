"""Plaid's /item/* endpoints."""

from __future__ import annotations

from gingham.items import service
from gingham.items.schemas import item_json
from gingham.items.service import ItemRecord
from gingham.transactions import timers as transactions_timers
from gingham.webhooks.log import last_sent_webhook
from gingham.webhooks.outbox import enqueue_webhook
from gingham.wire.context import JSONObject, RequestContext
from gingham.wire.endpoint import Endpoint
from gingham.wire.json import format_datetime
from gingham.wire.validation import check_url


def exchange_public_token(ctx: RequestContext, body: JSONObject) -> JSONObject:
    access_token, item_id = service.exchange_public_token(
        ctx.session, ctx.caller, body["public_token"], ctx.now
    )
    item = service.item_by_id(ctx.session, item_id)
    if item is not None and "transactions" in item.billed_products:
        # Linked with Transactions: its initial pull starts (once, whichever token is exchanged).
        transactions_timers.start_after_link(
            ctx.session,
            item,
            ctx.now,
            pull_delay=ctx.runtime.settings.transactions_pull_seconds,
        )
    return {"access_token": access_token, "item_id": item_id}


def create_public_token(ctx: RequestContext, body: JSONObject) -> JSONObject:
    """A public token for an Item the caller already holds (deprecated by Plaid in favour of
    update-mode link tokens, kept for legacy integrations): Link opens update mode with it, and
    exchanging it yields the same Item."""
    item = service.item_for_access_token(ctx.session, ctx.caller, body["access_token"])
    public_token = service.issue_public_token(ctx.session, ctx.caller, item.id, ctx.now)
    return {
        "public_token": public_token,
        "expiration": format_datetime(ctx.now + service.PUBLIC_TOKEN_LIFETIME),
    }


def get_item(ctx: RequestContext, body: JSONObject) -> JSONObject:
    item = service.item_for_access_token(ctx.session, ctx.caller, body["access_token"])
    last = last_sent_webhook(ctx.session, item.id)
    last_webhook = (
        None
        if last is None
        else {"sent_at": format_datetime(last.sent_at), "code_sent": last.code_sent}
    )
    return {
        "item": item_json(item, with_consent_fields=True),
        "status": {"investments": None, "transactions": None, "last_webhook": last_webhook},
    }


def remove_item(ctx: RequestContext, body: JSONObject) -> JSONObject:
    item = service.item_for_access_token(ctx.session, ctx.caller, body["access_token"])
    service.remove_item(ctx.session, item, ctx.now)
    return {}


def update_item_webhook(ctx: RequestContext, body: JSONObject) -> JSONObject:
    item = service.item_for_access_token(ctx.session, ctx.caller, body["access_token"])
    return {"item": item_json(change_webhook(ctx, item, body.get("webhook")))}


def change_webhook(ctx: RequestContext, item: ItemRecord, webhook: str | None) -> ItemRecord:
    """What /item/webhook/update does to the Item (the dashboard does it too, by Item id)."""
    item = service.update_webhook(
        ctx.session, item, check_url(webhook, "webhook") if webhook else None
    )
    # Sent to the new URL; clearing the webhook sends nothing.
    enqueue_webhook(
        ctx.session,
        item=item,
        webhook_type="ITEM",
        webhook_code="WEBHOOK_UPDATE_ACKNOWLEDGED",
        fields={"item_id": item.id, "new_webhook_url": item.webhook, "error": None},
        now=ctx.now,
    )
    return item


def invalidate_access_token(ctx: RequestContext, body: JSONObject) -> JSONObject:
    item = service.item_for_access_token(ctx.session, ctx.caller, body["access_token"])
    return {"new_access_token": service.rotate_access_token(ctx.session, item, ctx.now)}


# The endpoints this package serves, wired by gingham.app.
ENDPOINTS: list[Endpoint] = [
    Endpoint("/item/public_token/exchange", exchange_public_token),
    Endpoint("/item/public_token/create", create_public_token),
    Endpoint("/item/get", get_item, read_only=True),
    Endpoint("/item/remove", remove_item),
    Endpoint("/item/webhook/update", update_item_webhook),
    Endpoint("/item/access_token/invalidate", invalidate_access_token),
]
