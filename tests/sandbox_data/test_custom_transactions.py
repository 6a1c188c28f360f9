"""user_custom's transactions: Plaid's override format replaces an account's generated history,
categorised from the description, and bad entries are refused with the entry named."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from gingham.sandbox_data.transactions import (
    AccountProfile,
    generate,
    validate_custom_transactions,
)


def entry(**overrides: Any) -> dict[str, Any]:
    return {
        "date_transacted": "2025-03-02",
        "date_posted": "2025-03-03",
        "amount": 4.35,
        "description": "STARBUCKS STORE 1234",
        "currency": "USD",
    } | overrides


def custom_account(*entries: dict[str, Any]) -> AccountProfile:
    return AccountProfile(
        key="0001",
        type="depository",
        subtype="checking",
        name="Custom checking",
        iso_currency_code="USD",
        current_balance=500,
        custom_transactions=entries,
    )


class TestCustomTransactions:
    def test_they_are_the_accounts_only_transactions(self) -> None:
        account = custom_account(entry(), entry(date_posted="2025-03-10", amount=-1200.5))
        transactions = generate("login-c", [account], date(2025, 1, 1), date(2025, 12, 31))
        assert [(t.date, t.amount) for t in transactions] == [
            (date(2025, 3, 3), 4.35),
            (date(2025, 3, 10), -1200.5),
        ]
        assert transactions[0].authorized_date == date(2025, 3, 2)
        assert transactions[0].name == "STARBUCKS STORE 1234"

    def test_only_those_posted_in_the_window_are_given(self) -> None:
        account = custom_account(entry(date_posted="2025-03-03"), entry(date_posted="2025-05-01"))
        transactions = generate("login-c", [account], date(2025, 4, 1), date(2025, 5, 31))
        assert [t.date for t in transactions] == [date(2025, 5, 1)]

    def test_a_known_merchant_in_the_description_categorises_it(self) -> None:
        account = custom_account(entry())
        [transaction] = generate("login-c", [account], date(2025, 3, 1), date(2025, 3, 31))
        assert transaction.merchant_name == "Starbucks"
        assert transaction.personal_finance_category.detailed == "FOOD_AND_DRINK_COFFEE"
        assert transaction.category == ("Food and Drink", "Restaurants", "Coffee Shop")

    def test_keywords_categorise_what_no_merchant_explains(self) -> None:
        account = custom_account(
            entry(description="ACME CORP PAYROLL", amount=-2500),
            entry(description="Mystery purchase", amount=20),
        )
        payroll, mystery = generate("login-c", [account], date(2025, 3, 1), date(2025, 3, 31))
        assert payroll.personal_finance_category.detailed == "INCOME_WAGES"
        assert mystery.personal_finance_category.detailed == (
            "GENERAL_MERCHANDISE_OTHER_GENERAL_MERCHANDISE"
        )
        assert mystery.personal_finance_category.confidence_level == "LOW"

    def test_the_currency_is_the_entrys_or_else_the_accounts(self) -> None:
        without_currency = {k: v for k, v in entry().items() if k != "currency"}
        account = custom_account(entry(currency="EUR"), without_currency)
        transactions = generate("login-c", [account], date(2025, 3, 1), date(2025, 3, 31))
        assert [t.iso_currency_code for t in transactions] == ["EUR", "USD"]

    def test_other_accounts_of_the_login_are_still_generated(self) -> None:
        generated = AccountProfile("0002", "depository", "savings", "Savings", "USD", 1000)
        transactions = generate(
            "login-c", [custom_account(entry()), generated], date(2025, 3, 1), date(2025, 3, 31)
        )
        assert {t.account_key for t in transactions} == {"0001", "0002"}


class TestValidation:
    @pytest.mark.parametrize(
        ("bad", "message"),
        [
            (entry(date_posted="03/03/2025"), r"transactions\[1\]\.date_posted"),
            (entry(date_transacted=None), r"transactions\[1\]\.date_transacted"),
            (entry(amount="4.35"), r"transactions\[1\]\.amount must be a number"),
            (entry(amount=True), r"transactions\[1\]\.amount must be a number"),
            (entry(description=""), r"transactions\[1\]\.description"),
            (entry(currency="dollars"), r"transactions\[1\]\.currency"),
            (entry(merchant="x"), r"transactions\[1\] has unknown field 'merchant'"),
            ("not an object", r"transactions\[1\] must be an object"),
        ],
    )
    def test_a_bad_entry_is_named(self, bad: Any, message: str) -> None:
        with pytest.raises(ValueError, match=message):
            validate_custom_transactions([entry(), bad])

    def test_a_list_is_required(self) -> None:
        with pytest.raises(ValueError, match="must be a list"):
            validate_custom_transactions({"amount": 1})

    def test_good_entries_pass_unchanged(self) -> None:
        entries = [entry(), entry(amount=-3)]
        assert validate_custom_transactions(entries) == tuple(entries)
