"""/sandbox/transactions/create: an app adds transactions of its own to a Sandbox Item made with
the `user_transactions_dynamic` test user, to test how it handles new data."""

from __future__ import annotations

from datetime import date, timedelta

from gingham import errors
from gingham.bank.logins import login_id
from gingham.items.service import ItemRecord
from gingham.products.access import open_product
from gingham.sandbox_data.categories import pfc_icon_url
from gingham.sandbox_data.transactions import (
    TRANSACTION_ACCOUNT_TYPES,
    GeneratedTransaction,
    PersonalFinanceCategory,
)
from gingham.transactions import pulls, timers
from gingham.transactions.schemas import transaction_id, wire_text
from gingham.transactions.service import NewTransaction
from gingham.wire.context import JSONObject, RequestContext

DYNAMIC_USER = "user_transactions_dynamic"
# Plaid's limits: up to 10 transactions a call, dated today or up to 14 days back.
MAX_TRANSACTIONS = 10
MAX_AGE = timedelta(days=14)
_NO_LOCATION = dict.fromkeys(
    ("address", "city", "region", "postal_code", "country", "lat", "lon", "store_number")
)


def is_dynamic(item: ItemRecord) -> bool:
    return item.institution_id is not None and item.login_id == login_id(
        item.institution_id, DYNAMIC_USER
    )


def create_sandbox_transactions(ctx: RequestContext, body: JSONObject) -> JSONObject:
    access = open_product(ctx, body, "transactions", scope="transactions")
    item = access.item
    if not is_dynamic(item):
        raise errors.invalid_field(
            f"/sandbox/transactions/create only adds transactions to Items created with the "
            f"{DYNAMIC_USER} test user"
        )
    requested = body["transactions"]
    if not 1 <= len(requested) <= MAX_TRANSACTIONS:
        raise errors.invalid_field(
            f"transactions must list between 1 and {MAX_TRANSACTIONS} transactions"
        )
    accounts = [a for a in access.accounts if a.type in TRANSACTION_ACCOUNT_TYPES]
    if not accounts:
        raise errors.invalid_field("the Item has no depository or credit account to add to")
    today = ctx.now.date()
    state = timers.start(
        ctx.session, item, ctx.now, pull_delay=ctx.runtime.settings.transactions_pull_seconds
    )
    rows = []
    for index, entry in enumerate(requested):
        posted = date.fromisoformat(entry["date_posted"])
        transacted = date.fromisoformat(entry["date_transacted"])
        for name, day in (("date_posted", posted), ("date_transacted", transacted)):
            if day > today or day < today - MAX_AGE:
                raise errors.invalid_field(
                    f"transactions[{index}].{name} must be today ({today.isoformat()}) or up to "
                    "14 days before it"
                )
        account_id = entry.get("account_id")
        account = next((a for a in accounts if a.id == account_id), None)
        if account_id is not None and account is None:
            raise errors.InvalidInput(
                "INVALID_ACCOUNT_ID",
                f"transactions[{index}].account_id {account_id} is not a depository or credit "
                "account of this Item",
            )
        account = account or accounts[0]
        key = f"sandbox:{state.last_sequence}:{index}"
        generated = _custom(entry, key, account.id, posted, transacted, account.iso_currency_code)
        new_id = transaction_id(item.id, key, pending=False)
        rows.append(
            NewTransaction(
                id=new_id,
                account_id=account.id,
                date=posted,
                pending=False,
                amount=generated.amount,
                stream=None,
                wire=wire_text(
                    generated,
                    transaction_id=new_id,
                    account_id=account.id,
                    pending=False,
                    pending_transaction_id=None,
                ),
                original_description=generated.name,
            )
        )
    pulls.add_custom(ctx.session, item, state, rows, ctx.now)
    return {}


def _custom(
    entry: JSONObject,
    key: str,
    account_key: str,
    posted: date,
    transacted: date,
    currency: str | None,
) -> GeneratedTransaction:
    amount = float(entry["amount"])
    category: tuple[str, ...]
    # Money in reads as a deposit, money out as a purchase, as Plaid's enrichment would guess
    # from a bare description.
    if amount < 0:
        pfc = PersonalFinanceCategory("TRANSFER_IN", "TRANSFER_IN_DEPOSIT", "LOW")
        category, category_id = ("Transfer", "Deposit"), "21007000"
    else:
        pfc = PersonalFinanceCategory(
            "GENERAL_MERCHANDISE", "GENERAL_MERCHANDISE_OTHER_GENERAL_MERCHANDISE", "LOW"
        )
        category, category_id = ("Shops",), "19000000"
    return GeneratedTransaction(
        account_key=account_key,
        key=key,
        date=posted,
        authorized_date=transacted,
        amount=round(amount, 2),
        iso_currency_code=entry.get("iso_currency_code") or currency or "USD",
        name=entry["description"],
        merchant_name=None,
        merchant_entity_id=None,
        website=None,
        logo_url=None,
        payment_channel="other",
        personal_finance_category=pfc,
        personal_finance_category_icon_url=pfc_icon_url(pfc.primary),
        category=category,
        category_id=category_id,
        location=dict(_NO_LOCATION),
    )
