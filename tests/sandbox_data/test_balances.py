from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from gingham.bank.accounts import DEFAULT_ACCOUNTS
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


class TestSavingsNeverOverdrawn:
    def test_plaids_sandbox_accounts_never_went_below_zero_in_two_years(self) -> None:
        # Savings-like accounts only receive money, so their past is today's balance less what
        # came in: the transfers into them must fit what they hold today.
        profiles = [
            AccountProfile(
                key=t.mask or "",
                type=t.type,
                subtype=t.subtype,
                name=t.name,
                iso_currency_code="USD",
                current_balance=t.current,
            )
            for t in DEFAULT_ACCOUNTS
        ]
        start = TODAY - timedelta(days=730)
        for seed in ("user_good", "login-1", "login-2"):
            made = generate(seed, profiles, start, TODAY)
            for profile in profiles:
                if profile.type != "depository" or profile.subtype == "checking":
                    continue
                balances = daily_balances(
                    current_balance=profile.current_balance or 0.0,
                    account_type=profile.type,
                    transactions=[t for t in made if t.account_key == profile.key],
                    start=start,
                    today=TODAY,
                )
                assert min(balances.values()) >= 0, (seed, profile.name)
