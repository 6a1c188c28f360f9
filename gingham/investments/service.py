"""An Item's investment accounts: their portfolios (generated or user_custom's), the balances
their holdings add up to, and the updates announced as the sandbox clock moves."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from gingham import errors
from gingham.accounts.models import Account
from gingham.accounts.service import AccountRecord, accounts_of_item
from gingham.investments.models import InvestmentUpdates
from gingham.items.service import ItemRecord
from gingham.sandbox_data import investments as generator
from gingham.sandbox_data.investment_overrides import (
    CustomActivity,
    CustomHolding,
    custom_activity,
    custom_holdings,
)
from gingham.sandbox_data.liabilities import InvalidCustomData
from gingham.webhooks.outbox import enqueue_webhook

INVESTMENT_TYPE = "investment"


@dataclass(frozen=True, slots=True)
class Portfolio:
    """One investment account and where its data comes from: the generator (`profile`) or
    user_custom's overrides (`custom_holdings` / `custom_activity`, either possibly empty)."""

    account: AccountRecord
    # The account's order at its institution (the tie-break of transaction order).
    position: int
    profile: generator.InvestmentAccount | None
    custom_holdings: list[CustomHolding]
    custom_activity: list[CustomActivity]


def seed_of(item: ItemRecord) -> str:
    return item.login_id or item.id


def never_read(session: Session, item: ItemRecord) -> bool:
    """Whether no Investments endpoint has served the Item yet (its extraction is still to do)."""
    return session.get(InvestmentUpdates, item.id) is None


def require_investment_accounts(session: Session, item: ItemRecord) -> None:
    if not any(a.type == INVESTMENT_TYPE for a in accounts_of_item(session, item.id)):
        raise errors.ItemError(
            "NO_INVESTMENT_ACCOUNTS",
            "this Item has no investment accounts, which Investments needs",
            display_message="No investment accounts were found for this Item.",
        )


def portfolios(
    session: Session, item: ItemRecord, accounts: Sequence[AccountRecord], now: datetime
) -> list[Portfolio]:
    """The investment accounts among `accounts`, each with its data, their balances brought up
    to `now` (the holdings always add up to the balance /accounts/get reports)."""
    return opened_portfolios(session, item, accounts, now)[0]


def opened_portfolios(
    session: Session, item: ItemRecord, accounts: Sequence[AccountRecord], now: datetime
) -> tuple[list[Portfolio], bool]:
    """portfolios(), and whether this was the Item's first read (which starts its updates on
    the clock: gingham.investments.timers.read_portfolios)."""
    invested = [account for account in accounts if account.type == INVESTMENT_TYPE]
    state, created = _state(session, item, invested, now)
    found = _portfolios_of(session, item, invested, state.opening_balances)
    return _with_current_balances(session, item, found, now.date()), created


def _portfolios_of(
    session: Session,
    item: ItemRecord,
    invested: Sequence[AccountRecord],
    opening_balances: dict[str, float | None],
) -> list[Portfolio]:
    stored = _stored(session, [account.id for account in invested])
    found = []
    for account in invested:
        position, product_data = stored[account.id]
        custom = product_data or {}
        where = f"the user_custom override account with mask {account.mask}"
        try:
            holdings = (
                custom_holdings(custom["holdings"], f"{where}: holdings")
                if "holdings" in custom
                else None
            )
            activity = (
                custom_activity(
                    custom["investment_transactions"], f"{where}: investment_transactions"
                )
                if "investment_transactions" in custom
                else None
            )
        except InvalidCustomData as problem:
            raise errors.invalid_field(str(problem)) from None
        profile = None
        if holdings is None and activity is None:
            profile = generator.InvestmentAccount(
                key=account.mask or str(position),
                subtype=account.subtype,
                iso_currency_code=account.iso_currency_code or "USD",
                opening_balance=opening_balances.get(account.id, account.current_balance) or 0.0,
                anchor=item.created_at.date(),
            )
        found.append(Portfolio(account, position, profile, holdings or [], activity or []))
    return found


def latest_update(session: Session, item: ItemRecord, now: datetime) -> Update:
    """What a DEFAULT_UPDATE fired now would report: the Item's latest day of activity. Reads
    only (nothing starts or moves)."""
    state = session.get(InvestmentUpdates, item.id)
    invested = [a for a in accounts_of_item(session, item.id) if a.type == INVESTMENT_TYPE]
    found = _portfolios_of(session, item, invested, state.opening_balances if state else {})
    return latest_activity(item, found, now.date())


def _stored(
    session: Session, account_ids: list[str]
) -> dict[str, tuple[int, dict[str, Any] | None]]:
    rows = session.execute(
        select(Account.id, Account.position, Account.product_data).where(
            Account.id.in_(account_ids)
        )
    )
    return {account_id: (position, data) for account_id, position, data in rows}


def _state(
    session: Session, item: ItemRecord, accounts: Sequence[AccountRecord], now: datetime
) -> tuple[InvestmentUpdates, bool]:
    """The Item's investments state, created on first use (and whether it was just created),
    with the opening balance of every account it has not seen yet."""
    state = session.get(InvestmentUpdates, item.id)
    created = state is None
    if state is None:
        try:
            with session.begin_nested():
                session.add(
                    InvestmentUpdates(
                        item_id=item.id, opening_balances={}, updated_through=now.date()
                    )
                )
        except IntegrityError:
            # Two first reads at once: the other one created it (and scheduled the updates).
            created = False
        state = session.get(InvestmentUpdates, item.id)
        assert state is not None
    unseen = {a.id: a.current_balance for a in accounts if a.id not in state.opening_balances}
    if unseen:
        state.opening_balances = {**state.opening_balances, **unseen}
    session.flush()
    return state, created


def _with_current_balances(
    session: Session, item: ItemRecord, found: list[Portfolio], today: date
) -> list[Portfolio]:
    """Generated accounts' balances are their holdings' value today: store any that moved."""
    seed = seed_of(item)
    result = []
    for portfolio in found:
        # A generated portfolio holds nothing below zero: an overdrawn account keeps its balance.
        if portfolio.profile is not None and portfolio.profile.opening_balance >= 0:
            value = generator.balance(seed, portfolio.profile, today)
            if portfolio.account.current_balance != value:
                session.execute(
                    update(Account)
                    .where(Account.id == portfolio.account.id)
                    .values(current_balance=value)
                )
                portfolio = replace(
                    portfolio, account=replace(portfolio.account, current_balance=value)
                )
        result.append(portfolio)
    return result


def with_balances(
    accounts: Sequence[AccountRecord], found: Sequence[Portfolio]
) -> list[AccountRecord]:
    """`accounts` with the balances `portfolios` brought up to date."""
    current = {portfolio.account.id: portfolio.account for portfolio in found}
    return [current.get(account.id, account) for account in accounts]


# --- Updates on the clock ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Update:
    new_transactions: int
    updated_holdings: int


def announce_updates(
    session: Session, item: ItemRecord, found: Sequence[Portfolio], now: datetime
) -> Update:
    """Bring the Item's investments up to `now`: the activity dated since the last update moves
    the balances, and DEFAULT_UPDATE webhooks (HOLDINGS, INVESTMENTS_TRANSACTIONS) say how much
    changed. `found` are the Item's portfolios (as `portfolios` gives them for all its accounts).
    Nothing happens for an Item whose investments were never read."""
    state = session.get(InvestmentUpdates, item.id)
    today = now.date()
    if state is None or today <= state.updated_through:
        return Update(0, 0)
    since = state.updated_through + timedelta(days=1)
    update_ = activity_counts(item, found, since, today)
    state.updated_through = today
    if update_.new_transactions:
        enqueue_webhook(
            session,
            item=item,
            webhook_type="INVESTMENTS_TRANSACTIONS",
            webhook_code="DEFAULT_UPDATE",
            fields={
                "item_id": item.id,
                "error": None,
                "new_investments_transactions": update_.new_transactions,
                "cancelled_investments_transactions": 0,
            },
            now=now,
        )
    if update_.updated_holdings:
        enqueue_webhook(
            session,
            item=item,
            webhook_type="HOLDINGS",
            webhook_code="DEFAULT_UPDATE",
            fields={
                "item_id": item.id,
                "error": None,
                "new_holdings": 0,
                "updated_holdings": update_.updated_holdings,
            },
            now=now,
        )
    return update_


def activity_counts(
    item: ItemRecord, found: Sequence[Portfolio], since: date, until: date
) -> Update:
    """How many investment transactions are dated `since` to `until`, and how many holdings they
    changed (a security's quantity, or an account's cash)."""
    seed = seed_of(item)
    transactions = 0
    changed: set[tuple[str, str]] = set()
    for portfolio in found:
        if portfolio.profile is None:
            continue
        for entry in generator.activity(seed, portfolio.profile, since, until):
            transactions += 1
            if entry.security is not None and entry.quantity:
                changed.add((portfolio.account.id, entry.security.key))
            if entry.cash_change:
                changed.add((portfolio.account.id, "cash"))
    return Update(transactions, len(changed))


def latest_activity(item: ItemRecord, found: Sequence[Portfolio], today: date) -> Update:
    """The counts of the most recent day with activity since the Item was linked (what an update
    webhook fired now would report): none right after linking."""
    linked = item.created_at.date()
    day = today
    while day > linked and today - day < timedelta(days=92):
        counts = activity_counts(item, found, day, day)
        if counts.new_transactions:
            return counts
        day -= timedelta(days=1)
    return Update(0, 0)


def next_activity_day(item: ItemRecord, found: Sequence[Portfolio], after: date) -> date | None:
    """The first day after `after` with generated activity, within 92 days."""
    seed = seed_of(item)
    profiles = [portfolio.profile for portfolio in found if portfolio.profile is not None]
    for ahead in range(1, 93):
        day = after + timedelta(days=ahead)
        if any(generator.activity(seed, profile, day, day) for profile in profiles):
            return day
    return None
