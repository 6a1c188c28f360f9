"""/webhook_verification_key/get (Plaid's), and Gingham's delivery log and redelivery.

The log and redelivery live under /_gingham/webhooks/, authenticated with the client's API
credentials like Plaid's endpoints; each call sees only the caller's events in the environment of
its secret.
"""

from __future__ import annotations

from gingham.webhooks import log, outbox, signing
from gingham.wire.context import JSONObject, RequestContext
from gingham.wire.endpoint import Endpoint
from gingham.wire.validation import Schema


def get_verification_key(ctx: RequestContext, body: JSONObject) -> JSONObject:
    return {"key": signing.verification_key(ctx.session, body["key_id"])}


LIST_SCHEMA: Schema = {
    "type": "object",
    "properties": {
        "item_id": {"type": "string", "minLength": 1},
        "webhook_code": {"type": "string", "minLength": 1, "maxLength": 64},
        "event_id": {"type": "string", "minLength": 1, "maxLength": 36},
        "limit": {"type": "integer", "minimum": 1, "maximum": log.LIST_LIMIT_MAX},
    },
}
REDELIVER_SCHEMA: Schema = {
    "type": "object",
    "required": ["event_id"],
    "properties": {"event_id": {"type": "string", "minLength": 1}},
}


def list_webhooks(ctx: RequestContext, body: JSONObject) -> JSONObject:
    return {
        "events": log.list_events(
            ctx.session,
            client_id=ctx.caller.client_id,
            environment=ctx.caller.environment,
            item_id=body.get("item_id"),
            webhook_code=body.get("webhook_code"),
            event_id=body.get("event_id"),
            limit=body.get("limit", log.LIST_LIMIT_DEFAULT),
        )
    }


def redeliver_webhook(ctx: RequestContext, body: JSONObject) -> JSONObject:
    return {
        "event_id": body["event_id"],
        "attempt": log.attempt_json(
            outbox.redeliver(
                ctx.session,
                client_id=ctx.caller.client_id,
                environment=ctx.caller.environment,
                event_id=body["event_id"],
            )
        ),
    }


ENDPOINTS: list[Endpoint] = [
    Endpoint("/webhook_verification_key/get", get_verification_key),
    Endpoint("/_gingham/webhooks/list", list_webhooks, LIST_SCHEMA),
    Endpoint("/_gingham/webhooks/redeliver", redeliver_webhook, REDELIVER_SCHEMA),
]
