"""Generated investment portfolios: worth the account's balance on the day it was linked, a
history that adds up to the holdings, the same for every window, and valid identifiers."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from gingham.sandbox_data.investments import (
    InvestmentAccount,
    activity,
    balance,
    holdings,
    price_on,
)
from gingham.sandbox_data.securities import (
    BY_KEY,
    CATALOGUE,
    cusip_check_digit,
    isin_of,
    last_close,
    security_json,
)

ANCHOR = date(2026, 3, 2)
ACCOUNTS = [
    InvestmentAccount("5555", "ira", "USD", 320.76, ANCHOR),
    InvestmentAccount("6666", "401k", "USD", 23631.9805, ANCHOR),
    InvestmentAccount("1234", "brokerage", "USD", 15000.0, ANCHOR),
    InvestmentAccount("4092", "crypto exchange", "USD", 48200.03, ANCHOR),
    InvestmentAccount("0007", "roth", "USD", 5.0, ANCHOR),
]
SEEDS = ["buser_one", "buser_two", "buser_three"]
LATER = [ANCHOR, ANCHOR + timedelta(days=40), ANCHOR + timedelta(days=700)]


def positions_from_history(seed: str, account: InvestmentAccount, on: date) -> dict[str, float]:
    """Quantities per security, and cash, summed over every transaction up to `on`."""
    totals: dict[str, float] = {"CUR:USD": 0.0}
    for entry in activity(seed, account, account.history_start, on):
        totals["CUR:USD"] += entry.cash_change
        if entry.security is not None and entry.quantity:
            key = entry.security.key
            totals[key] = totals.get(key, 0.0) + entry.quantity
    return totals


class TestHoldings:
    @pytest.mark.parametrize("seed", SEEDS)
    @pytest.mark.parametrize("account", ACCOUNTS, ids=lambda a: a.subtype)
    def test_worth_the_opening_balance_on_the_anchor_day(
        self, seed: str, account: InvestmentAccount
    ) -> None:
        held = holdings(seed, account, ANCHOR)
        assert sum(h.value for h in held) == pytest.approx(account.opening_balance, abs=1e-6)
        assert balance(seed, account, ANCHOR) == account.opening_balance

    @pytest.mark.parametrize("seed", SEEDS)
    @pytest.mark.parametrize("account", ACCOUNTS, ids=lambda a: a.subtype)
    def test_value_is_quantity_times_price(self, seed: str, account: InvestmentAccount) -> None:
        for held in holdings(seed, account, ANCHOR + timedelta(days=90)):
            assert held.value == pytest.approx(held.quantity * held.price, abs=1e-3)
            assert held.quantity >= 0

    def test_a_retirement_plan_is_partly_vested(self) -> None:
        for held in holdings("buser_one", ACCOUNTS[1], ANCHOR):
            assert held.vested_quantity is not None and held.vested_value is not None
            assert held.vested_quantity <= held.quantity
        assert all(h.vested_quantity is None for h in holdings("buser_one", ACCOUNTS[0], ANCHOR))

    def test_a_login_always_gets_the_same_portfolio(self) -> None:
        assert holdings("buser_one", ACCOUNTS[1], ANCHOR) == holdings(
            "buser_one", ACCOUNTS[1], ANCHOR
        )
        assert holdings("buser_one", ACCOUNTS[1], ANCHOR) != holdings(
            "buser_two", ACCOUNTS[1], ANCHOR
        )


class TestHistory:
    @pytest.mark.parametrize("seed", SEEDS)
    @pytest.mark.parametrize("account", ACCOUNTS, ids=lambda a: a.subtype)
    @pytest.mark.parametrize("on", LATER, ids=["anchor", "40-days-on", "700-days-on"])
    def test_transactions_add_up_to_the_holdings(
        self, seed: str, account: InvestmentAccount, on: date
    ) -> None:
        summed = positions_from_history(seed, account, on)
        for held in holdings(seed, account, on):
            assert summed.get(held.security.key, 0.0) == pytest.approx(held.quantity, abs=1e-3)

    @pytest.mark.parametrize("account", ACCOUNTS, ids=lambda a: a.subtype)
    def test_adjacent_windows_give_their_union(self, account: InvestmentAccount) -> None:
        end = ANCHOR + timedelta(days=120)
        whole = activity("buser_one", account, account.history_start, end)
        for split in (date(2024, 12, 31), ANCHOR, ANCHOR + timedelta(days=45)):
            parts = activity("buser_one", account, account.history_start, split) + activity(
                "buser_one", account, split + timedelta(days=1), end
            )
            assert parts == whole

    def test_history_starts_with_a_transfer_of_the_opening_positions(self) -> None:
        account = ACCOUNTS[1]
        first_day = activity("buser_one", account, date(2000, 1, 1), account.history_start)
        assert {(e.type, e.subtype) for e in first_day} <= {
            ("transfer", "transfer"),
            ("cash", "deposit"),
            ("cash", "withdrawal"),
        }
        assert all(e.date == account.history_start for e in first_day)
        assert account.history_start == ANCHOR - timedelta(days=730)

    def test_a_retirement_plan_is_paid_into_twice_a_month_and_invests_it(self) -> None:
        month = activity("buser_one", ACCOUNTS[1], date(2025, 6, 1), date(2025, 6, 30))
        contributions = [e for e in month if e.subtype == "contribution"]
        assert {e.date.day for e in contributions} == {15, 30}
        bought = sum(e.amount for e in month if e.subtype == "buy")
        assert bought == pytest.approx(-sum(e.amount for e in contributions), abs=0.01)

    def test_every_kind_of_activity_appears(self) -> None:
        kinds = set()
        for account in ACCOUNTS[:3]:
            kinds |= {
                (e.type, e.subtype)
                for e in activity("buser_one", account, date(2024, 1, 1), ANCHOR)
            }
        assert {
            ("buy", "buy"),
            ("sell", "sell"),
            ("cash", "dividend"),
            ("cash", "contribution"),
            ("fee", "account fee"),
            ("transfer", "transfer"),
            ("buy", "dividend reinvestment"),
        } <= kinds

    def test_trades_are_priced_near_the_close(self) -> None:
        for security in CATALOGUE:
            price = price_on(security, date(2025, 8, 14))
            assert 0.85 * security.close_price <= price <= 1.15 * security.close_price


class TestSecurities:
    def test_cusips_and_isins_have_valid_check_digits(self) -> None:
        # Apple's and Microsoft's published identifiers.
        assert BY_KEY["AAPL"].cusip == "037833100"
        assert BY_KEY["AAPL"].isin == "US0378331005"
        assert BY_KEY["MSFT"].isin == "US5949181045"
        assert cusip_check_digit("57713083") == "4"
        assert isin_of("US", "84470P109") == "US84470P1093"

    def test_security_ids_are_plaid_shaped_and_unique(self) -> None:
        ids = [security.security_id for security in CATALOGUE]
        assert len(set(ids)) == len(ids)
        assert all(len(i) == 37 and i.isalnum() for i in ids)

    def test_catalogue_covers_every_kind(self) -> None:
        kinds = {security.type for security in CATALOGUE}
        assert {
            "equity",
            "etf",
            "mutual fund",
            "fixed income",
            "cash",
            "derivative",
            "cryptocurrency",
        } <= kinds
        bond = BY_KEY["AAPL-3.85-2043"].fixed_income
        assert bond is not None and bond["maturity_date"] == "2043-05-04"
        assert BY_KEY["CUR:USD"].is_cash_equivalent

    def test_prices_are_as_of_the_last_weekday(self) -> None:
        from datetime import UTC, datetime

        # Monday 2 March 2026: the last close was Friday's.
        assert last_close(date(2026, 3, 2)) == date(2026, 2, 27)
        served = security_json(BY_KEY["VTI"], datetime(2026, 3, 2, 9, 30, tzinfo=UTC))
        assert served["close_price_as_of"] == "2026-02-27"
        assert served["update_datetime"] is None
        crypto = security_json(BY_KEY["BTC"], datetime(2026, 3, 2, 9, 30, tzinfo=UTC))
        assert crypto["update_datetime"] == "2026-03-02T09:00:00Z"
