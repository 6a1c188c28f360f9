"""The transaction generator: a pure, deterministic, window-consistent function of a login's
seed, accounts and dates, whose output looks like a real person's bank history."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from collections import Counter, defaultdict
from datetime import date, timedelta
from itertools import pairwise

from hypothesis import given, settings
from hypothesis import strategies as st

from gingham.bank.accounts import DEFAULT_ACCOUNTS
from gingham.sandbox_data.categories import (
    PFC_DETAILED_CATEGORIES,
    legacy_category,
    pfc_primary,
)
from gingham.sandbox_data.transactions import AccountProfile, GeneratedTransaction, generate

START = date(2024, 3, 1)
END = date(2026, 2, 28)


def user_good_accounts(*, without: tuple[str, ...] = ()) -> list[AccountProfile]:
    return [
        AccountProfile(
            key=template.mask or str(position),
            type=template.type,
            subtype=template.subtype,
            name=template.name,
            iso_currency_code="USD",
            current_balance=template.current,
            holder_category=template.holder_category,
        )
        for position, template in enumerate(DEFAULT_ACCOUNTS)
        if template.subtype not in without
    ]


def history(seed: str = "login-a", **kwargs: tuple[str, ...]) -> list[GeneratedTransaction]:
    return generate(seed, user_good_accounts(**kwargs), START, END)


def of(transactions: list[GeneratedTransaction], account_key: str) -> list[GeneratedTransaction]:
    return [t for t in transactions if t.account_key == account_key]


def digest(transactions: list[GeneratedTransaction]) -> str:
    return hashlib.sha256(repr(transactions).encode()).hexdigest()


class TestDeterminism:
    def test_same_login_gives_the_same_history(self) -> None:
        assert history("login-a") == history("login-a")

    def test_different_logins_give_different_histories(self) -> None:
        first, second = history("login-a"), history("login-b")
        assert first != second
        assert {t.name for t in first if t.stream == "payroll"} != {
            t.name for t in second if t.stream == "payroll"
        }

    def test_another_process_with_another_hash_seed_gives_the_same_history(self) -> None:
        script = (
            "from tests.sandbox_data.test_transactions import digest, history;"
            "print(digest(history('login-a')))"
        )
        result = subprocess.run(
            [sys.executable, "-c", script],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONHASHSEED": "12345"},
        )
        assert result.stdout.strip() == digest(history("login-a"))


class TestWindowConsistency:
    @settings(max_examples=30, deadline=None)
    @given(start=st.integers(0, 200), length=st.integers(1, 150), split=st.integers(0, 1000))
    def test_two_adjacent_windows_equal_their_union(
        self, start: int, length: int, split: int
    ) -> None:
        accounts = user_good_accounts()
        first = START + timedelta(days=start)
        last = first + timedelta(days=length)
        middle = first + timedelta(days=split % length)
        union = generate("login-w", accounts, first, last)
        parts = generate("login-w", accounts, first, middle) + generate(
            "login-w", accounts, middle + timedelta(days=1), last
        )
        assert parts == union

    def test_day_by_day_equals_the_month(self) -> None:
        accounts = user_good_accounts()
        month = generate("login-d", accounts, date(2025, 5, 1), date(2025, 5, 31))
        days = []
        for offset in range(31):
            day = date(2025, 5, 1) + timedelta(days=offset)
            days.extend(generate("login-d", accounts, day, day))
        assert days == month

    def test_nothing_falls_outside_the_window(self) -> None:
        transactions = generate(
            "login-a", user_good_accounts(), date(2025, 1, 10), date(2025, 2, 3)
        )
        assert transactions
        assert all(date(2025, 1, 10) <= t.date <= date(2025, 2, 3) for t in transactions)

    def test_ordered_by_date_then_account_then_key(self) -> None:
        accounts = user_good_accounts()
        position = {account.key: index for index, account in enumerate(accounts)}
        transactions = generate("login-a", accounts, date(2025, 1, 1), date(2025, 3, 1))
        keys = [(t.date, position[t.account_key], t.key) for t in transactions]
        assert keys == sorted(keys)
        assert len({t.key for t in transactions}) == len(transactions)


class TestRecurringSeries:
    def test_payroll_lands_every_fourteen_days_into_checking(self) -> None:
        payroll = [t for t in history() if t.stream == "payroll"]
        assert {t.account_key for t in payroll} == {"0000"}
        gaps = {(b.date - a.date).days for a, b in pairwise(payroll)}
        assert gaps == {14}
        assert all(t.amount < 0 and t.date.weekday() == 4 for t in payroll)
        assert len({t.name for t in payroll}) == 1
        assert all(t.counterparties[0]["type"] == "income_source" for t in payroll)

    def test_rent_is_paid_on_the_first_of_every_month(self) -> None:
        rent = [t for t in history(without=("mortgage",)) if t.stream == "rent"]
        assert len(rent) == 24
        assert all(t.date.day == 1 and t.amount > 0 for t in rent)
        assert {t.personal_finance_category.detailed for t in rent} == {"RENT_AND_UTILITIES_RENT"}

    def test_a_login_with_a_mortgage_pays_it_instead_of_rent(self) -> None:
        streams = Counter(t.stream for t in history())
        assert streams["mortgage"] == 24
        assert streams["rent"] == 0

    def test_subscriptions_bill_on_a_steady_day_each_month(self) -> None:
        series: dict[str, list[GeneratedTransaction]] = defaultdict(list)
        for t in history():
            if t.stream and t.stream.startswith("subscription:"):
                series[t.stream].append(t)
        assert len(series) >= 6
        for transactions in series.values():
            assert len(transactions) == 24
            assert len({t.date.day for t in transactions}) == 1
            assert len({t.merchant_name for t in transactions}) == 1

    def test_savings_transfers_appear_on_both_accounts_with_opposite_signs(self) -> None:
        transactions = history()
        for stream, target in (
            ("transfer:savings", "1111"),
            ("transfer:cash_management", "9002"),
            ("transfer:money_market", "4444"),
        ):
            out = {(t.date, t.amount) for t in of(transactions, "0000") if t.stream == stream}
            into = {(t.date, -t.amount) for t in of(transactions, target) if t.stream == stream}
            assert out and out == into
        savings_in = [t for t in of(transactions, "1111") if t.stream == "transfer:savings"]
        assert {t.personal_finance_category.primary for t in savings_in} == {"TRANSFER_IN"}

    def test_card_payments_leave_checking_and_arrive_on_the_card(self) -> None:
        transactions = history()
        for card in ("3333", "9999"):
            stream = f"credit_card_payment:{card}"
            out = {(t.date, t.amount) for t in of(transactions, "0000") if t.stream == stream}
            into = {(t.date, -t.amount) for t in of(transactions, card) if t.stream == stream}
            assert len(out) >= 22 and out == into

    def test_a_card_payment_settles_the_previous_month(self) -> None:
        transactions = history()
        payment = next(
            t
            for t in of(transactions, "3333")
            if t.stream == "credit_card_payment:3333" and t.date.month == 6
        )
        first = date(payment.date.year, 5, 1)
        spent = sum(
            t.amount
            for t in of(transactions, "3333")
            if first <= t.date <= date(payment.date.year, 5, 31)
            and t.stream != "credit_card_payment:3333"
        )
        assert payment.amount == -round(spent, 2)

    def test_interest_is_paid_monthly_on_savings_like_accounts(self) -> None:
        transactions = history()
        for key in ("1111", "2222", "4444", "9001", "9002"):
            interest = [t for t in of(transactions, key) if t.stream == "interest"]
            assert len(interest) == 24
            assert all(t.amount < 0 for t in interest)


class TestRealism:
    def test_every_category_exists_in_plaids_tables(self) -> None:
        for t in history():
            pfc = t.personal_finance_category
            assert pfc.detailed in PFC_DETAILED_CATEGORIES
            assert pfc_primary(pfc.detailed) == pfc.primary
            assert pfc.confidence_level in {"VERY_HIGH", "HIGH", "MEDIUM", "LOW"}
            assert t.personal_finance_category_icon_url == (
                f"https://plaid-category-icons.plaid.com/PFC_{pfc.primary}.png"
            )
            assert t.category_id is not None
            assert legacy_category(t.category_id).hierarchy == t.category

    def test_amounts_are_in_cents(self) -> None:
        assert all(round(t.amount, 2) == t.amount and t.amount != 0 for t in history())

    def test_in_store_purchases_have_a_location_and_online_ones_do_not(self) -> None:
        for t in history():
            assert set(t.location) == {
                "address",
                "city",
                "region",
                "postal_code",
                "country",
                "lat",
                "lon",
                "store_number",
            }
            if t.merchant_name and t.payment_channel == "in store":
                assert t.location["city"] and t.location["lat"] is not None
            if t.payment_channel == "online":
                assert set(t.location.values()) == {None}

    def test_card_purchases_are_authorized_a_day_or_two_before_they_post(self) -> None:
        purchases = [t for t in of(history(), "3333") if t.authorized_date is not None]
        assert purchases
        lags = Counter((t.date - t.authorized_date).days for t in purchases if t.authorized_date)
        assert set(lags) == {0, 1, 2}
        for t in purchases:
            assert t.authorized_datetime is not None and t.datetime is not None
            assert t.authorized_datetime.tzinfo is not None
            assert t.authorized_datetime < t.datetime

    def test_merchants_carry_plaids_enrichment(self) -> None:
        by_merchant: dict[str, set[str | None]] = defaultdict(set)
        for t in history():
            if t.merchant_name:
                assert t.logo_url and t.logo_url.startswith("https://")
                assert t.merchant_entity_id and len(t.merchant_entity_id) == 37
                assert t.counterparties[0]["name"] == t.merchant_name
                by_merchant[t.merchant_name].add(t.merchant_entity_id)
        assert all(len(ids) == 1 for ids in by_merchant.values())

    def test_groceries_come_about_twice_a_week(self) -> None:
        groceries = [
            t
            for t in history()
            if t.personal_finance_category.detailed == "FOOD_AND_DRINK_GROCERIES"
        ]
        weeks = (END - START).days / 7
        assert 1.2 <= len(groceries) / weeks <= 3.0

    def test_restaurants_are_busier_at_the_weekend(self) -> None:
        restaurants = Counter(
            t.authorized_date.weekday() >= 5
            for t in history()
            if t.personal_finance_category.detailed == "FOOD_AND_DRINK_RESTAURANT"
            and t.authorized_date is not None
        )
        assert restaurants[True] / 2 > restaurants[False] / 5

    def test_the_business_card_buys_for_a_business(self) -> None:
        primaries = Counter(t.personal_finance_category.primary for t in of(history(), "9999"))
        assert set(primaries) <= {"GENERAL_SERVICES", "GENERAL_MERCHANDISE", "LOAN_PAYMENTS"}
        assert primaries["GENERAL_SERVICES"] > 50

    def test_history_has_fees_refunds_checks_and_trips(self) -> None:
        transactions = history()
        detailed = Counter(t.personal_finance_category.detailed for t in transactions)
        assert detailed["BANK_FEES_ATM_FEES"] > 0
        assert detailed["TRAVEL_FLIGHTS"] > 0 and detailed["TRAVEL_LODGING"] > 0
        assert detailed["MEDICAL_PHARMACIES_AND_SUPPLEMENTS"] + detailed["MEDICAL_PRIMARY_CARE"]
        assert any(t.amount < 0 and t.account_key == "3333" and not t.stream for t in transactions)
        assert any(t.check_number for t in transactions)

    def test_accounts_without_transactions_get_none(self) -> None:
        keys = {t.account_key for t in history()}
        assert keys == {"0000", "1111", "2222", "3333", "4444", "9001", "9002", "9999"}


class TestKeys:
    def test_two_trips_booked_on_one_day_are_two_flights_with_keys_of_their_own(self) -> None:
        """login-94 books two trips on 2025-05-18; each transaction's key (and so its
        transaction_id) must be unique, or storing the day fails."""
        day = date(2025, 5, 18)
        made = generate("login-94", user_good_accounts(), day, day)
        flights = [t for t in made if ":flight" in t.key]
        assert len(flights) == 2
        assert len({t.key for t in made}) == len(made)

    def test_keys_are_unique_across_a_long_history(self) -> None:
        made = history("login-94")
        assert len({t.key for t in made}) == len(made)
