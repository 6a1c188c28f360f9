"""The demo app's backend, as an app's own server would be: it creates link tokens, exchanges
public tokens, and reads the linked Item's data for the default API client.

It runs inside Gingham and calls the same services and handlers the Plaid endpoints call, so it
needs no secret (Gingham keeps only hashes of those). The access token never reaches the page:
it is kept sealed in an HttpOnly cookie (item_cookie), as is the latest asset report's token,
and the page asks for the Item's data by
naming one of an allow-listed set of Plaid endpoints (calls).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from gingham import errors
from gingham.accounts.schemas import account_json
from gingham.accounts.service import accounts_of_item
from gingham.clients import allow_lists
from gingham.clients.models import ApiClient, ClientSecret
from gingham.clients.redirect_uris import REDIRECT_URIS
from gingham.demo import item_cookie
from gingham.demo.calls import CALL_SCHEMA, DEMO_CALLS, Credential
from gingham.demo.guard import from_the_demo_page
from gingham.items import service as items_service
from gingham.items.schemas import item_json
from gingham.link_tokens import service as link_tokens_service
from gingham.wire.context import (
    AfterCommit,
    AnyHandler,
    Caller,
    FileBody,
    JSONObject,
    RequestContext,
    Runtime,
)
from gingham.wire.endpoint import internal_route, run_handler
from gingham.wire.json import format_datetime
from gingham.wire.json_route import json_route
from gingham.wire.validation import Schema, request_schema, validate

DEMO_PRODUCTS = (
    "transactions",
    "auth",
    "identity",
    "investments",
    "liabilities",
    "signal",
    "assets",
    "statements",
)
# Link offers only the accounts that suit every product in `products` (Auth: checking and savings;
# Investments: investment accounts), so one Item could never show everything. The demo asks for
# the chosen product that narrows the choice least and lists the others as optional_products:
# the Item gets each one the shared accounts can serve, and the page shows Plaid's error for
# the rest.
_NARROWS_LEAST_FIRST = (
    "identity",
    "transactions",
    "statements",
    "assets",
    "liabilities",
    "auth",
    "signal",
    "investments",
)
# The months of statements the demo's link token asks for (Plaid requires a window).
STATEMENTS_DAYS = 90

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


def _link_products(chosen: list[str], today: date) -> JSONObject:
    ordered = [product for product in _NARROWS_LEAST_FIRST if product in chosen]
    fields: JSONObject = {"products": ordered[:1]}
    if len(ordered) > 1:
        fields["optional_products"] = ordered[1:]
    if "statements" in ordered:
        fields["statements"] = {
            "start_date": (today - timedelta(days=STATEMENTS_DAYS)).isoformat(),
            "end_date": today.isoformat(),
        }
    return fields


def routes(runtime: Runtime, plaid_endpoints: Mapping[str, AnyHandler]) -> list[Route]:
    """The demo's JSON routes; `plaid_endpoints` are the handlers it may call for its Item."""
    # The start page is also the demo's OAuth redirect URI: in a webview, Link comes back to it
    # with ?oauth_state_id=… and the page opens Link again to finish.
    redirect_uri = runtime.settings.base_url + "/"

    def create_link_token(session: Session, body: JSONObject, *_: Any) -> JSONObject:
        caller = default_caller(session)
        now = runtime.client_clocks.now(session, caller.client_id, runtime.clock.now())
        # The demo registers its own return page on the default client's allow-list.
        allow_lists.add(
            session, REDIRECT_URIS, caller.client_id, caller.environment, redirect_uri, now
        )
        token, row = link_tokens_service.create_link_token(
            session,
            caller,
            {
                "client_name": "Gingham Demo",
                "language": "en",
                "country_codes": ["US"],
                **_link_products(body.get("products") or ["transactions"], now.date()),
                "user": {"client_user_id": "gingham-demo-user"},
                "redirect_uri": redirect_uri,
            },
            now,
        )
        return {"link_token": token, "expiration": format_datetime(row.expires_at)}

    def exchange(
        request: Request, body: JSONObject, request_id: str, after_commit: list[AfterCommit]
    ) -> JSONObject:
        validate(body, _EXCHANGE_SCHEMA)
        with runtime.session_factory() as session, session.begin():
            caller = default_caller(session)
            now = runtime.client_clocks.now(session, caller.client_id, runtime.clock.now())
            access_token, item_id = items_service.exchange_public_token(
                session, caller, body["public_token"], now
            )
            item = items_service.item_for_access_token(session, caller, access_token)
            accounts = accounts_of_item(session, item_id)
        # Handed to keep_item once the exchange has committed.
        request.state.sealed_access_token = item_cookie.ACCESS_TOKEN.seal(
            runtime.secrets, caller, access_token
        )
        return {"item": item_json(item), "accounts": [account_json(a) for a in accounts]}

    secure_cookie = runtime.settings.base_url.startswith("https://")

    def keep_item(request: Request, response: Response) -> None:
        item_cookie.ACCESS_TOKEN.keep(
            response, request.state.sealed_access_token, secure=secure_cookie
        )

    def keep_asset_report(request: Request, response: Response) -> None:
        sealed = getattr(request.state, "sealed_asset_report_token", None)
        if sealed is not None:
            item_cookie.ASSET_REPORT_TOKEN.keep(response, sealed, secure=secure_cookie)

    def call_plaid(
        request: Request, body: JSONObject, request_id: str, after_commit: list[AfterCommit]
    ) -> JSONObject | FileBody:
        validate(body, CALL_SCHEMA)
        path = body["endpoint"]
        call = DEMO_CALLS[path]
        params = body.get("params") or {}
        validate(params, call.params)
        handler = plaid_endpoints.get(path)
        if handler is None:
            raise errors.route_not_found(path)

        with runtime.session_factory() as session, session.begin():
            caller = default_caller(session)
            credential = _credential(call.credential, caller, request)

            # The request the app's server writes, dated on the caller's sandbox clock.
            def as_the_app(ctx: RequestContext, params: JSONObject) -> JSONObject | FileBody:
                plaid_body = {**credential, **call.build(params, ctx.now.date())}
                validate(plaid_body, request_schema(path))
                return handler(ctx, plaid_body)

            result = run_handler(
                as_the_app, params, session, caller, runtime, request_id, after_commit
            )
        if isinstance(result, dict) and "asset_report_token" in result:
            # Kept like the access token: handed to keep_asset_report, never to the page.
            request.state.sealed_asset_report_token = item_cookie.ASSET_REPORT_TOKEN.seal(
                runtime.secrets, caller, result.pop("asset_report_token")
            )
        return result

    def _credential(kind: Credential, caller: Caller, request: Request) -> JSONObject:
        if kind is Credential.ASSET_REPORT_TOKEN:
            token = item_cookie.ASSET_REPORT_TOKEN.open_sealed(runtime.secrets, caller, request)
            return {"asset_report_token": token}
        access_token = item_cookie.ACCESS_TOKEN.open_sealed(runtime.secrets, caller, request)
        if kind is Credential.ACCESS_TOKENS:
            return {"access_tokens": [access_token]}
        return {"access_token": access_token}

    own_page = from_the_demo_page(runtime)
    return [
        internal_route(
            "/_gingham/demo/link_token",
            create_link_token,
            runtime,
            schema=_LINK_TOKEN_SCHEMA,
            before_body=own_page,
        ),
        json_route(
            "/_gingham/demo/exchange", runtime, exchange, finish=keep_item, before_body=own_page
        ),
        # One of DEMO_CALLS for the Item this browser linked, answered with Plaid's response
        # body or Plaid's error, exactly as the endpoint answers an app.
        json_route(
            "/_gingham/demo/plaid",
            runtime,
            call_plaid,
            finish=keep_asset_report,
            before_body=own_page,
        ),
    ]
