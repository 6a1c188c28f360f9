"""The demo app's backend, as an app's own server would be: it creates link tokens, exchanges
public tokens and reads accounts for the default API client.

It runs inside Gingham and calls the same services the Plaid endpoints call, so it needs no
secret (Gingham keeps only hashes of those). The access token never leaves the server.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.routing import Route

from gingham import errors
from gingham.accounts.schemas import account_json
from gingham.accounts.service import accounts_of_item
from gingham.clients.models import ApiClient, ClientSecret
from gingham.clients.redirect_uris import add_redirect_uri
from gingham.items import service as items_service
from gingham.items.schemas import item_json
from gingham.link_tokens import service as link_tokens_service
from gingham.wire.endpoint import Caller, JSONObject, Runtime, internal_route
from gingham.wire.json import format_datetime
from gingham.wire.validation import Schema

DEMO_PRODUCTS = ("transactions", "auth", "identity", "investments", "liabilities")

_LINK_TOKEN_SCHEMA: Schema = {
    "type": "object",
    "properties": {
        "products": {
            "type": "array",
            "minItems": 1,
            "items": {"type": "string", "enum": list(DEMO_PRODUCTS)},
        }
    },
}
_EXCHANGE_SCHEMA: Schema = {
    "type": "object",
    "required": ["public_token"],
    "properties": {"public_token": {"type": "string", "minLength": 1}},
}


def default_caller(session: Session) -> Caller:
    """The first API client made (the one `gingham serve` created and printed), in sandbox."""
    client_id = session.scalar(
        select(ApiClient.id)
        .join(ClientSecret, ClientSecret.client_id == ApiClient.id)
        .where(ClientSecret.environment == "sandbox", ClientSecret.revoked_at.is_(None))
        .order_by(ApiClient.created_at, ApiClient.id)
        .limit(1)
    )
    if client_id is None:
        raise errors.InvalidRequest(
            "NO_API_CLIENT", "there is no API client yet: run `gingham serve` once to create one"
        )
    return Caller(client_id, "sandbox")


def routes(runtime: Runtime) -> list[Route]:
    # The start page is also the demo's OAuth redirect URI: in a webview, Link comes back to it
    # with ?oauth_state_id=… and the page opens Link again to finish.
    redirect_uri = runtime.settings.base_url + "/"

    def create_link_token(session: Session, body: JSONObject, *_: Any) -> JSONObject:
        caller = default_caller(session)
        now = runtime.client_clocks.now(session, caller.client_id, runtime.clock.now())
        # The demo registers its own return page on the default client's allow-list.
        add_redirect_uri(session, caller.client_id, caller.environment, redirect_uri, now)
        token, row = link_tokens_service.create_link_token(
            session,
            caller,
            {
                "client_name": "Gingham Demo",
                "language": "en",
                "country_codes": ["US"],
                "products": body.get("products") or ["transactions"],
                "user": {"client_user_id": "gingham-demo-user"},
                "redirect_uri": redirect_uri,
            },
            now,
        )
        return {"link_token": token, "expiration": format_datetime(row.expires_at)}

    def exchange(session: Session, body: JSONObject, *_: Any) -> JSONObject:
        caller = default_caller(session)
        now = runtime.client_clocks.now(session, caller.client_id, runtime.clock.now())
        access_token, item_id = items_service.exchange_public_token(
            session, caller, body["public_token"], now
        )
        item = items_service.item_for_access_token(session, caller, access_token)
        accounts = accounts_of_item(session, item_id)
        return {"item": item_json(item), "accounts": [account_json(a) for a in accounts]}

    return [
        internal_route(
            "/_gingham/demo/link_token", create_link_token, runtime, schema=_LINK_TOKEN_SCHEMA
        ),
        internal_route("/_gingham/demo/exchange", exchange, runtime, schema=_EXCHANGE_SCHEMA),
    ]
