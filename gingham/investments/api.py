"""Plaid's investments endpoints."""

from __future__ import annotations

from datetime import date

from gingham import errors
from gingham.accounts.service import accounts_of_item
from gingham.investments import schemas, service, timers
from gingham.items.schemas import item_json
from gingham.products.access import open_product
from gingham.sandbox_data.securities import Security
from gingham.webhooks.outbox import enqueue_webhook
from gingham.wire.context import JSONObject, RequestContext
from gingham.wire.endpoint import Endpoint

PRODUCT = "investments"
DEFAULT_COUNT = 100


def get_holdings(ctx: RequestContext, body: JSONObject) -> JSONObject:
    access = open_product(ctx, body, PRODUCT)
    service.require_investment_accounts(ctx.session, access.item)
    found = timers.read_portfolios(ctx.session, access.item, access.accounts, ctx.now)
    holdings, securities = schemas.holdings_json(service.seed_of(access.item), found, ctx.now)
    return {
        "accounts": [
            schemas.investment_account_json(a)
            for a in service.with_balances(access.accounts, found)
        ],
        "holdings": holdings,
        "securities": schemas.securities_json(securities, ctx.now),
        "item": item_json(access.item),
    }


def get_transactions(ctx: RequestContext, body: JSONObject) -> JSONObject:
    start = date.fromisoformat(body["start_date"])
    end = date.fromisoformat(body["end_date"])
    if end < start:
        raise errors.invalid_field("end_date must not be before start_date")
    options = body.get("options") or {}
    count = options.get("count", DEFAULT_COUNT)
    offset = options.get("offset", 0)
    access = open_product(ctx, body, PRODUCT)
    service.require_investment_accounts(ctx.session, access.item)
    first_read = service.never_read(ctx.session, access.item)
    found = timers.read_portfolios(ctx.session, access.item, access.accounts, ctx.now)
    # Nothing is dated after today on the client's clock.
    until = min(end, ctx.now.date())
    listed = schemas.transactions_json(
        access.item.id, service.seed_of(access.item), found, start, until
    )
    if (
        first_read
        and options.get("async_update")
        and PRODUCT not in (access.item.initial_products or [])
    ):
        # An asynchronous extraction ends with HISTORICAL_UPDATE. Gingham's is done at once, so
        # the data is served now and the webhook follows this answer.
        enqueue_webhook(
            ctx.session,
            item=access.item,
            webhook_type="INVESTMENTS_TRANSACTIONS",
            webhook_code="HISTORICAL_UPDATE",
            fields={
                "item_id": access.item.id,
                "error": None,
                "new_investments_transactions": len(
                    schemas.transactions_json(
                        access.item.id,
                        service.seed_of(access.item),
                        found,
                        date.min,
                        ctx.now.date(),
                    )
                ),
                "cancelled_investments_transactions": 0,
            },
            now=ctx.now,
        )
    page = listed[offset : offset + count]
    securities: dict[str, Security] = {}
    for _, security in page:
        if security is not None:
            securities.setdefault(security.security_id, security)
    return {
        "accounts": [
            schemas.investment_account_json(a)
            for a in service.with_balances(access.accounts, found)
        ],
        "investment_transactions": [transaction for transaction, _ in page],
        "securities": schemas.securities_json(securities.values(), ctx.now),
        "total_investment_transactions": len(listed),
        "item": item_json(access.item),
    }


def refresh(ctx: RequestContext, body: JSONObject) -> JSONObject:
    """Fetch the newest holdings and transactions now: whatever activity is dated since the last
    update is announced with DEFAULT_UPDATE webhooks at once, as Plaid's on-demand extraction
    does."""
    access = open_product(ctx, body, PRODUCT)
    service.require_investment_accounts(ctx.session, access.item)
    found = timers.read_portfolios(
        ctx.session, access.item, accounts_of_item(ctx.session, access.item.id), ctx.now
    )
    service.announce_updates(ctx.session, access.item, found, ctx.now)
    return {}


# The endpoints this package serves, wired by gingham.app.
ENDPOINTS: list[Endpoint] = [
    Endpoint("/investments/holdings/get", get_holdings),
    Endpoint("/investments/transactions/get", get_transactions),
    Endpoint("/investments/refresh", refresh),
]
