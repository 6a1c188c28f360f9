"""Plaid's identity endpoints: /identity/get and /identity/match."""

from __future__ import annotations

from dataclasses import replace

from gingham.accounts.schemas import account_json
from gingham.identity.service import match_scores, owners_by_account
from gingham.items import service as items_service
from gingham.items.schemas import item_json
from gingham.products.access import open_product
from gingham.wire.context import JSONObject, RequestContext
from gingham.wire.endpoint import Endpoint

# Identity's data at an OAuth bank: the user's consent to share account holder details.
IDENTITY_SCOPE = "identity"


def get_identity(ctx: RequestContext, body: JSONObject) -> JSONObject:
    access = open_product(ctx, body, "identity", scope=IDENTITY_SCOPE)
    owners = owners_by_account(ctx.session, access.item, access.accounts)
    return {
        "accounts": [
            {**account_json(account), "owners": owners[account.id]} for account in access.accounts
        ],
        "item": item_json(access.item),
    }


def match_identity(ctx: RequestContext, body: JSONObject) -> JSONObject:
    # Billed as Plaid bills it, as its own product; a user who consented to Identity has
    # consented to matching against it.
    access = open_product(ctx, body, "identity_match", scope=IDENTITY_SCOPE, bill=False)
    item = access.item
    if "identity" in item.consented_products:
        item = replace(item, consented_products=[*item.consented_products, "identity_match"])
    item = items_service.bill_product(ctx.session, item, "identity_match")
    owners = owners_by_account(ctx.session, item, access.accounts)
    user = body.get("user") or {}
    accounts = []
    for account in access.accounts:
        entry = account_json(account)
        # Plaid's /identity/match never reports balances (use /accounts/get for them).
        entry["balances"] = {key: None for key in entry["balances"]}
        accounts.append({**entry, **match_scores(user, owners[account.id])})
    return {"accounts": accounts, "item": item_json(item)}


# The endpoints this package serves, wired by gingham.app.
ENDPOINTS: list[Endpoint] = [
    Endpoint("/identity/get", get_identity),
    Endpoint("/identity/match", match_identity),
]
