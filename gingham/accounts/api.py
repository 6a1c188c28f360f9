"""Plaid's /accounts/get, /accounts/balance/get and /auth/get."""

from __future__ import annotations

from gingham import errors
from gingham.accounts.auth import accounts_with_numbers
from gingham.accounts.schemas import account_json, numbers_json
from gingham.accounts.service import accounts_of_item, mark_balances_fetched
from gingham.institutions.catalogue import Behaviour
from gingham.institutions.catalogue import find as find_institution
from gingham.items import service as items_service
from gingham.items.schemas import item_json
from gingham.wire.context import JSONObject, RequestContext
from gingham.wire.endpoint import Endpoint
from gingham.wire.json import parse_datetime


def get_accounts(ctx: RequestContext, body: JSONObject) -> JSONObject:
    item = items_service.item_for_access_token(ctx.session, ctx.caller, body["access_token"])
    items_service.raise_if_unhealthy(item)
    options = body.get("options") or {}
    accounts = accounts_of_item(ctx.session, item.id, options.get("account_ids"))
    return {"accounts": [account_json(account) for account in accounts], "item": item_json(item)}


def get_balances(ctx: RequestContext, body: JSONObject) -> JSONObject:
    item = items_service.item_for_access_token(ctx.session, ctx.caller, body["access_token"])
    items_service.raise_if_unhealthy(item)
    options = body.get("options") or {}
    accounts = accounts_of_item(ctx.session, item.id, options.get("account_ids"))
    institution = find_institution(item.institution_id) if item.institution_id else None
    if (
        institution is not None
        and institution.has(Behaviour.BALANCE_NEEDS_MIN_LAST_UPDATED)
        and options.get("min_last_updated_datetime") is None
        and any(account.type != "depository" for account in accounts)
    ):
        raise errors.invalid_field(
            f"options.min_last_updated_datetime is required for non-depository accounts at {institution.name}, which does not serve real-time balances"
        )
    minimum = options.get("min_last_updated_datetime")
    if minimum is not None:
        oldest_allowed = parse_datetime(minimum)
        stale = [a.id for a in accounts if a.balances_updated_at < oldest_allowed]
        if stale:
            raise errors.InvalidResult(
                "LAST_UPDATED_DATETIME_OUT_OF_RANGE",
                "no balance is available that was updated after options.min_last_updated_datetime for accounts: "
                + ", ".join(stale),
            )
    else:
        # A real-time balance request: the sandbox bank's balances are current as of now.
        accounts = mark_balances_fetched(ctx.session, accounts, ctx.now)
    return {
        "accounts": [account_json(account, with_balance_timestamp=True) for account in accounts],
        "item": item_json(item),
    }


def get_auth(ctx: RequestContext, body: JSONObject) -> JSONObject:
    item = items_service.item_for_access_token(ctx.session, ctx.caller, body["access_token"])
    items_service.raise_if_unhealthy(item)
    item = items_service.bill_product(ctx.session, item, "auth")
    options = body.get("options") or {}
    found = accounts_with_numbers(ctx.session, item, options.get("account_ids"))
    return {
        "accounts": [account_json(account) for account in found.accounts],
        "numbers": numbers_json(found.accounts, found.foreign),
        "item": item_json(item),
    }


# The endpoints this package serves, wired by gingham.app.
ENDPOINTS: list[Endpoint] = [
    Endpoint("/accounts/get", get_accounts, read_only=True),
    Endpoint("/accounts/balance/get", get_balances),
    Endpoint("/auth/get", get_auth),
]
