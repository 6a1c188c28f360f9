"""Plaid's /link/token/create and /link/token/get."""

from __future__ import annotations

from gingham.hosted_link import service as hosted_link_service
from gingham.hosted_link.options import is_hosted
from gingham.link.service import sessions_of_link_token
from gingham.link_tokens import service
from gingham.wire.context import JSONObject, RequestContext
from gingham.wire.endpoint import Endpoint
from gingham.wire.json import format_datetime


def create_link_token(ctx: RequestContext, body: JSONObject) -> JSONObject:
    token, row = service.create_link_token(ctx.session, ctx.caller, body, ctx.now)
    created: JSONObject = {"link_token": token, "expiration": format_datetime(row.expires_at)}
    if is_hosted(body):
        created["hosted_link_url"] = hosted_link_service.create_hosted_link(
            ctx.session,
            ctx.caller,
            token,
            row,
            ctx.runtime.secrets,
            base_url=ctx.runtime.settings.base_url,
        )
    return created


def get_link_token(ctx: RequestContext, body: JSONObject) -> JSONObject:
    row = service.link_token_for(ctx.session, ctx.caller, body["link_token"])
    config = row.config
    metadata: JSONObject = {
        "initial_products": config.get("products") or [],
        "webhook": config.get("webhook"),
        "country_codes": config["country_codes"],
        "language": config["language"],
        "redirect_uri": config.get("redirect_uri"),
        "client_name": config["client_name"],
    }
    for optional in ("institution_data", "account_filters"):
        if config.get(optional) is not None:
            metadata[optional] = config[optional]
    return {
        "link_token": body["link_token"],
        "created_at": format_datetime(row.created_at),
        "expiration": format_datetime(row.expires_at),
        "metadata": metadata,
        "link_sessions": sessions_of_link_token(ctx.session, row, ctx.runtime.secrets),
    }


# The endpoints this package serves, wired by gingham.app.
ENDPOINTS: list[Endpoint] = [
    Endpoint("/link/token/create", create_link_token),
    Endpoint("/link/token/get", get_link_token),
]
