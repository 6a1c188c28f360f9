"""Plaid's /user/create and /user/items/get."""

from __future__ import annotations

from gingham import errors
from gingham.items.schemas import item_json
from gingham.users import service
from gingham.wire.context import JSONObject, RequestContext
from gingham.wire.endpoint import Endpoint


def create_user(ctx: RequestContext, body: JSONObject) -> JSONObject:
    # identity, consumer_report_user_identity and end_customer serve Plaid Check and Income,
    # which Gingham does not offer: they are validated against Plaid's schema and not kept.
    token, user = service.create_user(ctx.session, ctx.caller, body["client_user_id"], ctx.now)
    return {"user_token": token, "user_id": user.id}


def get_user_items(ctx: RequestContext, body: JSONObject) -> JSONObject:
    user_token, user_id = body.get("user_token"), body.get("user_id")
    if user_token:
        user = service.user_for_token(ctx.session, ctx.caller, user_token)
        if user_id and user_id != user.id:
            raise errors.invalid_field("user_id and user_token name different users")
    elif user_id:
        user = service.user_by_id(ctx.session, ctx.caller, user_id)
    else:
        raise errors.missing_fields(["user_token"])
    return {"items": [item_json(item) for item in service.items_of_user(ctx.session, user)]}


# The endpoints this package serves, wired by gingham.app.
ENDPOINTS: list[Endpoint] = [
    Endpoint("/user/create", create_user),
    Endpoint("/user/items/get", get_user_items),
]
