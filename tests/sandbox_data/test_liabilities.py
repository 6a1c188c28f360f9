"""Generated liabilities: Plaid's documented values for its sandbox accounts, a billing cycle that
follows the clock, seeded terms for other accounts, and user_custom overrides."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from gingham.sandbox_data.liabilities import (
    InvalidCustomData,
    LiabilityAccount,
    credit,
    last_monthly,
    mortgage,
    next_monthly,
    student,
)
from gingham.sandbox_data.liability_overrides import apply_override

CARD = LiabilityAccount("3333", "Plaid Credit Card", "credit", "credit card", 410, True)
BUSINESS_CARD = LiabilityAccount(
    "9999", "Plaid Business Credit Card", "credit", "credit card", 5020, True
)
LOAN = LiabilityAccount("7777", "Plaid Student Loan", "loan", "student", 65262, True)
MORTGAGE = LiabilityAccount("8888", "Plaid Mortgage", "loan", "mortgage", 56302.06, True)
OTHER_LOAN = LiabilityAccount("0042", "Grad school", "loan", "student", 18000, False)
OTHER_MORTGAGE = LiabilityAccount("0043", "Home", "loan", "mortgage", 210000, False)
TODAY = date(2026, 3, 2)


class TestCycleDates:
    def test_last_and_next_monthly_days(self) -> None:
        assert last_monthly(date(2026, 3, 2), 28) == date(2026, 2, 28)
        assert last_monthly(date(2026, 3, 31), 31) == date(2026, 3, 31)
        assert last_monthly(date(2026, 3, 30), 31) == date(2026, 2, 28)
        assert next_monthly(date(2026, 1, 31), 31) == date(2026, 2, 28)
        assert next_monthly(date(2026, 12, 15), 1) == date(2027, 1, 1)


class TestPlaidSandboxAccounts:
    def test_credit_card(self) -> None:
        card = credit("seed", CARD, TODAY)
        assert [a["apr_percentage"] for a in card["aprs"]] == [15.24, 27.95, 12.5, 0]
        assert card["last_statement_issue_date"] == "2026-02-28"
        assert card["last_payment_date"] == "2026-02-22"
        assert card["next_payment_due_date"] == "2026-03-25"
        assert (card["last_payment_amount"], card["minimum_payment_amount"]) == (168.25, 20.0)

    @pytest.mark.parametrize("days", range(0, 62, 3))
    def test_the_next_due_date_is_always_ahead(self, days: int) -> None:
        today = TODAY + timedelta(days=days)
        for account in (CARD, BUSINESS_CARD):
            card = credit("seed", account, today)
            assert card["last_statement_issue_date"] <= today.isoformat()
            assert card["next_payment_due_date"] > today.isoformat()

    def test_student_loan(self) -> None:
        loan = student("seed", LOAN, TODAY)
        assert (loan["loan_name"], loan["guarantor"], loan["interest_rate_percentage"]) == (
            "Consolidation",
            "DEPT OF ED",
            5.25,
        )
        assert loan["servicer_address"]["street"] == "123 Relaxation Road"
        assert loan["repayment_plan"] == {"description": "Standard Repayment", "type": "standard"}
        # Paid on the 22nd of January and February.
        assert (loan["ytd_interest_paid"], loan["ytd_principal_paid"]) == (140.28, 135.82)
        assert loan["last_payment_amount"] == 138.05

    def test_mortgage(self) -> None:
        home = mortgage("seed", MORTGAGE, TODAY)
        assert home["interest_rate"] == {"percentage": 3.99, "type": "fixed"}
        assert home["property_address"]["city"] == "Malakoff"
        assert (home["last_payment_date"], home["next_payment_due_date"]) == (
            "2026-03-01",
            "2026-04-01",
        )
        assert home["ytd_interest_paid"] == pytest.approx(1537.55 * 3)


class TestGenerated:
    def test_seeded_terms_never_move_with_the_clock(self) -> None:
        for generate, account in ((student, OTHER_LOAN), (mortgage, OTHER_MORTGAGE)):
            now = generate("buser_x", account, TODAY)
            later = generate("buser_x", account, TODAY + timedelta(days=400))
            assert now["origination_date"] == later["origination_date"]
            assert now["account_number"] == later["account_number"]
            assert now != generate("buser_y", account, TODAY)

    def test_a_business_card_has_aprs_on_its_balance(self) -> None:
        card = credit("buser_x", BUSINESS_CARD, TODAY)
        assert sum(a["balance_subject_to_apr"] for a in card["aprs"]) == pytest.approx(5020)
        assert {a["apr_type"] for a in card["aprs"]} == {
            "purchase_apr",
            "cash_apr",
            "balance_transfer_apr",
        }


class TestOverrides:
    def test_credit_aprs_and_flags(self) -> None:
        card = apply_override(
            "credit",
            credit("seed", CARD, TODAY),
            {"type": "credit", "purchase_apr": 19.9, "cash_apr": 29.9, "is_overdue": True},
            "liability",
        )
        assert [(a["apr_type"], a["apr_percentage"]) for a in card["aprs"]] == [
            ("purchase_apr", 19.9),
            ("cash_apr", 29.9),
        ]
        assert card["is_overdue"] is True

    def test_student_fields(self) -> None:
        loan = apply_override(
            "student",
            student("seed", OTHER_LOAN, TODAY),
            {
                "type": "student",
                "loan_name": "Stafford",
                "expected_payoff_date": "2040-01-01",
                "loan_status": {"type": "deferment"},
                "servicer_address": {"city": "Lincoln", "region": "NE"},
            },
            "liability",
        )
        assert loan["loan_name"] == "Stafford"
        assert loan["loan_status"] == {"type": "deferment", "end_date": "2040-01-01"}
        assert loan["servicer_address"]["city"] == "Lincoln"

    @pytest.mark.parametrize(
        ("kind", "override", "message"),
        [
            ("credit", [], "liability must be an object"),
            ("credit", {"type": "mortgage"}, "liability.type must be credit or student"),
            ("student", {"type": "credit"}, "liability.type is credit, but the account's"),
            (
                "credit",
                {"type": "credit", "loan_name": "x"},
                "loan_name can only be set if type is student",
            ),
            ("credit", {"type": "credit", "purchase_apr": "12"}, "purchase_apr must be a number"),
            (
                "student",
                {"type": "student", "origination_date": "May"},
                "origination_date must be a date",
            ),
            (
                "student",
                {"type": "student", "loan_status": {"type": "asleep"}},
                "loan_status.type must be one of",
            ),
            (
                "credit",
                {"type": "credit", "colour": "red"},
                "colour is not a liability override field",
            ),
        ],
    )
    def test_bad_overrides_name_the_field(self, kind: str, override: object, message: str) -> None:
        generated = (
            credit("seed", CARD, TODAY) if kind == "credit" else student("seed", LOAN, TODAY)
        )
        with pytest.raises(InvalidCustomData, match=message):
            apply_override(kind, generated, override, "liability")
