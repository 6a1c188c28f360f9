"""Gingham's own endpoint for Hosted Link: the Link Delivery outbox, read with API credentials."""

from __future__ import annotations

from gingham.hosted_link import service
from gingham.wire.context import JSONObject, RequestContext
from gingham.wire.endpoint import Endpoint
from gingham.wire.validation import Schema

LIST_LIMIT_DEFAULT = 50
LIST_LIMIT_MAX = 500

_LIST_SCHEMA: Schema = {
    "type": "object",
    "properties": {"limit": {"type": "integer", "minimum": 1, "maximum": LIST_LIMIT_MAX}},
}


def list_deliveries(ctx: RequestContext, body: JSONObject) -> JSONObject:
    return {
        "deliveries": service.list_deliveries(
            ctx.session,
            ctx.caller,
            ctx.runtime.secrets,
            limit=body.get("limit", LIST_LIMIT_DEFAULT),
        )
    }


ENDPOINTS: list[Endpoint] = [
    Endpoint("/_gingham/hosted_link/deliveries/list", list_deliveries, _LIST_SCHEMA),
]
