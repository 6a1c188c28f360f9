"""Plaid's liabilities endpoints."""

from __future__ import annotations

from gingham.accounts.schemas import account_json
from gingham.items.schemas import item_json
from gingham.liabilities import service
from gingham.products.access import open_product
from gingham.wire.context import JSONObject, RequestContext
from gingham.wire.endpoint import Endpoint

PRODUCT = "liabilities"


def get_liabilities(ctx: RequestContext, body: JSONObject) -> JSONObject:
    access = open_product(ctx, body, PRODUCT)
    service.require_liability_accounts(ctx.session, access.item)
    found = service.liabilities_of(ctx.session, access.item, access.accounts, ctx.now.date())
    return {
        "accounts": [account_json(account) for account in access.accounts],
        "item": item_json(access.item),
        # A kind none of the accounts asked for has is null, as at Plaid.
        "liabilities": {kind: entries or None for kind, entries in found.items()},
    }


# The endpoints this package serves, wired by gingham.app.
ENDPOINTS: list[Endpoint] = [
    Endpoint("/liabilities/get", get_liabilities),
]
