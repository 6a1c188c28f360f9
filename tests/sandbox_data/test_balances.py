from __future__ import annotations

from dataclasses import replace
from datetime import date

from gingham.sandbox_data.balances import daily_balances
from gingham.sandbox_data.transactions import AccountProfile, generate

TODAY = date(2026, 12, 2)
CHECKING = AccountProfile(
    key="0000",
    type="depository",
    subtype="checking",
    name="Plaid Checking",
    iso_currency_code="USD",
    current_balance=110.0,
    custom_transactions=None,
)
CARD = replace(CHECKING, key="3333", type="credit", subtype="credit card", current_balance=410.0)


class TestDailyBalances:
    def test_today_is_the_current_balance_and_each_day_differs_by_its_transactions(self) -> None:
        start = date(2026, 9, 1)
        made = generate("login-1", [CHECKING, CARD], start, TODAY)
        checking = [t for t in made if t.account_key == "0000"]
        balances = daily_balances(
            current_balance=110.0,
            account_type="depository",
            transactions=checking,
            start=start,
            today=TODAY,
        )
        assert balances[TODAY] == 110.0
        assert min(balances) == start and len(balances) == (TODAY - start).days + 1
        day = date(2026, 10, 15)
        moved = sum(t.amount for t in checking if t.date == day)
        previous = balances[date(2026, 10, 14)]
        # Money out (positive) lowers a depository balance.
        assert round(previous - moved, 2) == round(balances[day], 2)

    def test_a_card_owes_more_after_a_purchase(self) -> None:
        start = date(2026, 11, 1)
        made = generate("login-1", [CHECKING, CARD], start, TODAY)
        card = [t for t in made if t.account_key == "3333"]
        balances = daily_balances(
            current_balance=410.0,
            account_type="credit",
            transactions=card,
            start=start,
            today=TODAY,
        )
        total_since_start = sum(t.amount for t in card if t.date > start)
        assert round(balances[start] + total_since_start, 2) == 410.0
