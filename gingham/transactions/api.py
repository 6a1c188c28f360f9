"""Plaid's transactions endpoints."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy.orm import Session
from starlette.routing import Route

from gingham import errors
from gingham.accounts.schemas import account_json
from gingham.accounts.service import AccountRecord
from gingham.institutions.catalogue import Behaviour
from gingham.institutions.catalogue import find as find_institution
from gingham.items.schemas import item_json
from gingham.products.access import ProductAccess, open_product
from gingham.sandbox_data.categories import legacy_categories
from gingham.transactions import pulls, recurring, service, timers
from gingham.transactions.reads import Cursor, decode_cursor, sync_page, window_page
from gingham.transactions.sandbox import create_sandbox_transactions, is_dynamic
from gingham.transactions.service import ProductState
from gingham.wire.context import JSONObject, RequestContext, Runtime
from gingham.wire.endpoint import Endpoint, internal_route
from gingham.wire.json import format_datetime
from gingham.wire.validation import request_schema

DEFAULT_COUNT = 100


def _open(ctx: RequestContext, body: JSONObject) -> tuple[ProductAccess, ProductState]:
    """The Item (with Transactions, billed on first use) and its Transactions state: an Item
    without the product gets it now, and its initial pull starts, as at Plaid."""
    access = open_product(ctx, body, "transactions", scope="transactions")
    state = timers.start(
        ctx.session,
        access.item,
        ctx.now,
        pull_delay=ctx.runtime.settings.transactions_pull_seconds,
    )
    return access, state


def _account_filter(state: ProductState, accounts: Sequence[AccountRecord]) -> list[str] | None:
    """The accounts to read transactions of, or None when that is every account the Item has
    transactions for (the common case, read without an IN list)."""
    visible = {account.id for account in accounts}
    if set(state.pulled_accounts) <= visible:
        return None
    return sorted(visible)


def _not_ready() -> errors.PlaidError:
    return errors.ItemError(
        "PRODUCT_NOT_READY",
        "the requested product is not yet ready. please provide a webhook or try the request "
        "again later",
    )


def sync_transactions(ctx: RequestContext, body: JSONObject) -> JSONObject:
    access, state = _open(ctx, body)
    if not state.sync_used:
        service.update_state(ctx.session, access.item.id, sync_used=True)
    options = body.get("options") or {}
    account_id: str | None = options.get("account_id")
    accounts = access.accounts
    if account_id is not None:
        accounts = [account for account in accounts if account.id == account_id]
        if not accounts:
            raise errors.InvalidInput(
                "INVALID_ACCOUNT_ID",
                f"options.account_id {account_id} is not an account of this Item",
            )
    text: str = body.get("cursor") or ""
    result: JSONObject = {
        "transactions_update_status": state.update_status,
        "accounts": [account_json(account) for account in accounts],
        "added": [],
        "modified": [],
        "removed": [],
        "has_more": False,
    }
    if text == "now":
        # Plaid's value for moving an Item from /transactions/get to /transactions/sync: no
        # history, a cursor from which only later changes come.
        head = state.last_sequence
        result["next_cursor"] = Cursor(access.item.id, account_id, head, head, None).encode()
        return result
    if text:
        cursor = decode_cursor(text, access.item.id, account_id, state.last_sequence)
    else:
        cursor = Cursor(access.item.id, account_id, 0, 0, None)
    if state.initial_pulled_at is None:
        # Nothing yet: Plaid answers NOT_READY with an empty cursor, and apps poll.
        result["next_cursor"] = text
        return result
    page = sync_page(
        ctx.session,
        cursor,
        state.last_sequence,
        body.get("count") or DEFAULT_COUNT,
        account_ids=[account_id] if account_id else _account_filter(state, accounts),
        original_description=bool(options.get("include_original_description")),
    )
    result.update(
        added=page.added,
        modified=page.modified,
        removed=page.removed,
        has_more=page.has_more,
        next_cursor=page.next_cursor.encode(),
    )
    return result


def get_transactions(ctx: RequestContext, body: JSONObject) -> JSONObject:
    access, state = _open(ctx, body)
    if state.initial_pulled_at is None:
        raise _not_ready()
    start = date.fromisoformat(body["start_date"])
    end = date.fromisoformat(body["end_date"])
    if start > end:
        raise errors.invalid_field("start_date must be on or before end_date")
    options = body.get("options") or {}
    total, page = window_page(
        ctx.session,
        access.item.id,
        start,
        end,
        count=options.get("count") or DEFAULT_COUNT,
        offset=options.get("offset") or 0,
        account_ids=_account_filter(state, access.accounts),
        original_description=bool(options.get("include_original_description")),
    )
    return {
        "accounts": [account_json(account) for account in access.accounts],
        "transactions": page,
        "total_transactions": total,
        "item": item_json(access.item),
    }


def refresh_transactions(ctx: RequestContext, body: JSONObject) -> JSONObject:
    access, state = _open(ctx, body)
    institution = find_institution(access.item.institution_id or "")
    # Capital One serves no on-demand extraction for non-depository accounts.
    if (
        institution is not None
        and institution.has(Behaviour.BALANCE_NEEDS_MIN_LAST_UPDATED)
        and all(account.type != "depository" for account in access.accounts)
    ):
        raise errors.ItemError(
            "PRODUCTS_NOT_SUPPORTED",
            f"/transactions/refresh is not supported for {institution.name}'s non-depository "
            "accounts",
        )
    # user_transactions_dynamic's pending transactions post on every refresh (Plaid's Sandbox
    # rule for that user); other Items' post as their days pass.
    pulls.update(
        ctx.session,
        access.item,
        state,
        ctx.now,
        post_all_pending=is_dynamic(access.item),
    )
    return {}


def get_recurring(ctx: RequestContext, body: JSONObject) -> JSONObject:
    # Plaid takes account_ids at the top level here, not in options.
    account_ids = body.get("account_ids")
    access, state = _open(ctx, {**body, "options": {"account_ids": account_ids}})
    if state.historical_pulled_at is None:
        raise _not_ready()
    inflows, outflows = recurring.streams(
        ctx.session, access.item.id, [a.id for a in access.accounts], ctx.now.date()
    )
    updated = state.last_pull_at or state.historical_pulled_at
    return {
        "inflow_streams": inflows,
        "outflow_streams": outflows,
        "updated_datetime": format_datetime(updated),
    }


def _categories(
    session: Session, body: JSONObject, params: JSONObject, request_id: str
) -> JSONObject:
    return {"categories": legacy_categories()}


def routes(runtime: Runtime) -> list[Route]:
    """/categories/get takes no credentials at Plaid (its spec's `security: []`), and
    plaid-python sends none: it is served without them."""
    return [
        internal_route(
            "/categories/get", _categories, runtime, schema=request_schema("/categories/get")
        )
    ]


# The endpoints this package serves, wired by gingham.app.
ENDPOINTS: list[Endpoint] = [
    Endpoint("/transactions/sync", sync_transactions),
    Endpoint("/transactions/get", get_transactions),
    Endpoint("/transactions/refresh", refresh_transactions),
    Endpoint("/transactions/recurring/get", get_recurring),
    Endpoint("/sandbox/transactions/create", create_sandbox_transactions),
]
