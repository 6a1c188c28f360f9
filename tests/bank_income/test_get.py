"""/credit/bank_income/get: the user-token flow, income sources read from the deposits of the
user's income Items, and the errors that name what is wrong."""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from typing import Any

import pytest

from gingham.clock import FrozenClock
from tests.bank_income.helpers import (
    bank_income,
    income_link_token_request,
    link_for_income,
    new_user,
)
from tests.builders import PlaidCaller, link_token_request
from tests.transactions.helpers import PULL, advance
from tests.users.helpers import item_id_of, link_for_user


def sources_of(report: dict[str, Any]) -> list[dict[str, Any]]:
    return [s for item in report["items"] for s in item["bank_income_sources"]]


def deposits_of(source: dict[str, Any]) -> list[dict[str, Any]]:
    return [t for month in source["historical_summary"] for t in month["transactions"]]


class TestUserTokenFlow:
    def test_an_item_linked_for_income_has_a_report(self, plaid: PlaidCaller) -> None:
        user = new_user(plaid)
        access_token = link_for_income(plaid, user["user_token"], days=120)
        [report] = bank_income(plaid, user["user_token"])
        assert report["days_requested"] == 120
        assert report["warnings"] == []
        [item] = report["items"]
        assert item["item_id"] == item_id_of(plaid, access_token)
        assert (item["institution_id"], item["institution_name"]) == (
            "ins_109508",
            "First Platypus Bank",
        )
        accounts = {a["mask"]: a for a in item["bank_income_accounts"]}
        # Depository accounts only: no cards, loans or investments.
        assert set(accounts) == {"0000", "1111", "2222", "4444", "9001", "9002"}
        assert {a["type"] for a in accounts.values()} == {"depository"}
        assert accounts["0000"]["name"] == "Plaid Checking"
        assert accounts["0000"]["owners"][0]["names"] == ["Alberta Bobbeth Charleson"]

    def test_the_payroll_is_a_biweekly_salary_from_the_employer(self, plaid: PlaidCaller) -> None:
        user = new_user(plaid)
        link_for_income(plaid, user["user_token"], days=120)
        [report] = bank_income(plaid, user["user_token"])
        [salary] = [s for s in sources_of(report) if s["income_category"] == "SALARY"]
        assert salary["pay_frequency"] == "BIWEEKLY"
        assert "PAYROLL" in salary["income_description"]
        deposits = deposits_of(salary)
        assert salary["transaction_count"] == len(deposits) >= 8
        assert salary["total_amount"] == pytest.approx(sum(t["amount"] for t in deposits))
        dates = sorted(date.fromisoformat(t["date"]) for t in deposits)
        assert {(b - a).days for a, b in itertools.pairwise(dates)} == {14}
        assert (salary["start_date"], salary["end_date"]) == (
            dates[0].isoformat(),
            dates[-1].isoformat(),
        )

    def test_interest_is_bank_interest_and_transfers_are_not_income(
        self, plaid: PlaidCaller
    ) -> None:
        user = new_user(plaid)
        link_for_income(plaid, user["user_token"], days=120)
        [report] = bank_income(plaid, user["user_token"])
        sources = sources_of(report)
        assert {s["income_category"] for s in sources} == {"SALARY", "BANK_INTEREST"}
        interest = [s for s in sources if s["income_category"] == "BANK_INTEREST"]
        assert all(s["pay_frequency"] == "MONTHLY" for s in interest)
        names = [t["name"] for s in sources for t in deposits_of(s)]
        assert not [n for n in names if "TRANSFER" in n or "HSA CONTRIBUTION" in n]

    def test_the_summary_adds_up_the_sources(self, plaid: PlaidCaller, clock: FrozenClock) -> None:
        user = new_user(plaid)
        link_for_income(plaid, user["user_token"], days=90)
        [report] = bank_income(plaid, user["user_token"])
        summary = report["bank_income_summary"]
        sources = sources_of(report)
        assert summary["income_sources_count"] == len(sources)
        assert summary["income_categories_count"] == 2
        assert summary["income_transactions_count"] == sum(s["transaction_count"] for s in sources)
        assert summary["total_amount"] == pytest.approx(sum(s["total_amount"] for s in sources))
        months = summary["historical_summary"]
        # Newest month first, covering the 90 days requested less the still-pending days.
        assert months[0]["end_date"] == (clock.now().date() - timedelta(days=2)).isoformat()
        assert months[-1]["start_date"] == (clock.now().date() - timedelta(days=89)).isoformat()
        assert sum(m["total_amount"] for m in months) == pytest.approx(summary["total_amount"])

    def test_deposits_are_the_transactions_of_transactions_get(
        self, plaid: PlaidCaller, clock: FrozenClock
    ) -> None:
        user = new_user(plaid)
        link_token = plaid.ok(
            "/link/token/create",
            income_link_token_request(
                user["user_token"], products=["income_verification", "transactions"]
            ),
        )["link_token"]
        done = plaid.ok("/_gingham/link/complete", {"link_token": link_token})
        access_token = plaid.ok(
            "/item/public_token/exchange", {"public_token": done["public_token"]}
        )["access_token"]
        advance(plaid, PULL)
        advance(plaid, PULL)
        [report] = bank_income(plaid, user["user_token"])
        today = clock.now().date()
        served = plaid.ok(
            "/transactions/get",
            {
                "access_token": access_token,
                "start_date": (today - timedelta(days=100)).isoformat(),
                "end_date": today.isoformat(),
                "options": {"count": 500},
            },
        )["transactions"]
        by_id = {t["transaction_id"]: t for t in served}
        deposits = [t for s in sources_of(report) for t in deposits_of(s)]
        assert deposits
        for deposit in deposits:
            transaction = by_id[deposit["transaction_id"]]
            assert transaction["amount"] == pytest.approx(-deposit["amount"])
            assert (transaction["date"], transaction["name"]) == (deposit["date"], deposit["name"])
            assert transaction["personal_finance_category"]["primary"] == "INCOME"
        income = [
            t
            for t in served
            if t["personal_finance_category"]["primary"] == "INCOME"
            and not t["pending"]
            and t["date"] >= report["bank_income_summary"]["historical_summary"][-1]["start_date"]
        ]
        assert {t["transaction_id"] for t in income} == {d["transaction_id"] for d in deposits}

    def test_each_link_session_adds_a_report_newest_first(
        self, plaid: PlaidCaller, clock: FrozenClock
    ) -> None:
        user = new_user(plaid)
        first = item_id_of(plaid, link_for_income(plaid, user["user_token"], days=60))
        clock.advance(timedelta(days=3))
        second = item_id_of(plaid, link_for_income(plaid, user["user_token"], days=30))
        reports = bank_income(plaid, user["user_token"], count=5)
        assert [r["items"][0]["item_id"] for r in reports] == [second, first]
        assert [r["days_requested"] for r in reports] == [30, 60]
        assert bank_income(plaid, user["user_token"]) == reports[:1]
        # A report does not change once read.
        assert bank_income(plaid, user["user_token"], count=5) == reports

    def test_items_linked_without_income_are_left_out(self, plaid: PlaidCaller) -> None:
        user = new_user(plaid)
        link_for_user(plaid, user["user_token"])
        error = plaid.error("/credit/bank_income/get", {"user_token": user["user_token"]})
        assert (error["error_type"], error["error_code"]) == (
            "INCOME_VERIFICATION_ERROR",
            "INCOME_VERIFICATION_NOT_FOUND",
        )

    def test_the_user_id_reaches_the_same_reports(self, plaid: PlaidCaller) -> None:
        user = new_user(plaid)
        link_for_income(plaid, user["user_token"])
        by_id = plaid.ok("/credit/bank_income/get", {"user_id": user["user_id"]})
        assert by_id["bank_income"] == bank_income(plaid, user["user_token"])


class TestErrors:
    def test_a_user_without_income_items_has_no_report(self, plaid: PlaidCaller) -> None:
        user = new_user(plaid)
        error = plaid.error("/credit/bank_income/get", {"user_token": user["user_token"]})
        assert (error["error_type"], error["error_code"]) == (
            "INCOME_VERIFICATION_ERROR",
            "INCOME_VERIFICATION_NOT_FOUND",
        )
        assert "income_verification" in error["error_message"]

    def test_user_token_is_required(self, plaid: PlaidCaller) -> None:
        error = plaid.error("/credit/bank_income/get", {})
        assert (error["error_code"], error["error_message"]) == (
            "MISSING_FIELDS",
            "the following required fields are missing: user_token",
        )

    @pytest.mark.parametrize(
        "token", ["user-sandbox-00000000-0000-4000-8000-000000000000", "not-a-token"]
    )
    def test_unknown_or_malformed_user_tokens(self, plaid: PlaidCaller, token: str) -> None:
        for path in ("/credit/bank_income/get", "/credit/bank_income/pdf/get"):
            error = plaid.error(path, {"user_token": token})
            assert (error["error_type"], error["error_code"]) == (
                "INVALID_INPUT",
                "INVALID_USER_TOKEN",
            )

    def test_another_clients_user_token(self, plaid: PlaidCaller, other_plaid: PlaidCaller) -> None:
        user = new_user(plaid)
        link_for_income(plaid, user["user_token"])
        error = other_plaid.error("/credit/bank_income/get", {"user_token": user["user_token"]})
        assert error["error_code"] == "INVALID_USER_TOKEN"

    @pytest.mark.parametrize("count", [0, -1, 101])
    def test_count_out_of_range(self, plaid: PlaidCaller, count: int) -> None:
        user = new_user(plaid)
        link_for_income(plaid, user["user_token"])
        error = plaid.error(
            "/credit/bank_income/get",
            {"user_token": user["user_token"], "options": {"count": count}},
        )
        assert error["error_code"] == "INVALID_FIELD"
        assert "options.count" in error["error_message"]


class TestLinkTokenForIncome:
    def test_needs_a_user_token(self, plaid: PlaidCaller) -> None:
        request = income_link_token_request("unused")
        del request["user_token"]
        error = plaid.error("/link/token/create", request)
        assert error["error_code"] == "INVALID_FIELD"
        assert error["error_message"].startswith("user_token is required")

    def test_needs_income_source_types(self, plaid: PlaidCaller) -> None:
        user = new_user(plaid)
        request = income_link_token_request(user["user_token"], income_verification={})
        error = plaid.error("/link/token/create", request)
        assert error["error_code"] == "INVALID_FIELD"
        assert "income_verification.income_source_types" in error["error_message"]

    def test_bank_income_needs_days_requested(self, plaid: PlaidCaller) -> None:
        user = new_user(plaid)
        request = income_link_token_request(
            user["user_token"], income_verification={"income_source_types": ["bank"]}
        )
        error = plaid.error("/link/token/create", request)
        assert error["error_code"] == "INVALID_FIELD"
        assert "bank_income.days_requested" in error["error_message"]

    @pytest.mark.parametrize("days", [0, 732])
    def test_days_requested_is_bounded(self, plaid: PlaidCaller, days: int) -> None:
        user = new_user(plaid)
        error = plaid.error(
            "/link/token/create", income_link_token_request(user["user_token"], days)
        )
        assert error["error_code"] == "INVALID_FIELD"
        assert "days_requested" in error["error_message"]


class TestLinkTokenGet:
    def test_the_session_reports_the_item_it_added_for_income(self, plaid: PlaidCaller) -> None:
        user = new_user(plaid)
        link_token = plaid.ok("/link/token/create", income_link_token_request(user["user_token"]))[
            "link_token"
        ]
        done = plaid.ok("/_gingham/link/complete", {"link_token": link_token})
        item_id = plaid.ok("/item/public_token/exchange", {"public_token": done["public_token"]})[
            "item_id"
        ]
        session = plaid.ok("/link/token/get", {"link_token": link_token})["link_sessions"][0]
        assert session["results"]["bank_income_results"] == [
            {
                "status": "APPROVED",
                "item_id": item_id,
                "institution": {"name": "First Platypus Bank", "institution_id": "ins_109508"},
            }
        ]

    def test_other_sessions_report_no_income(self, plaid: PlaidCaller) -> None:
        link_token = plaid.ok("/link/token/create", link_token_request())["link_token"]
        plaid.ok("/_gingham/link/complete", {"link_token": link_token})
        session = plaid.ok("/link/token/get", {"link_token": link_token})["link_sessions"][0]
        assert session["results"]["bank_income_results"] == []
