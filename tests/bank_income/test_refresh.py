"""/credit/bank_income/refresh on the sandbox clock with its INCOME webhooks,
/credit/bank_income/webhook/update and /credit/sessions/get."""

from __future__ import annotations

from datetime import timedelta

import pytest

from gingham.clock import FrozenClock
from tests.bank_income.helpers import (
    WEBHOOK,
    bank_income,
    income_webhooks,
    link_for_income,
    new_user,
)
from tests.builders import PlaidCaller
from tests.transactions.helpers import advance
from tests.users.helpers import item_id_of, link_for_user

# Settings' default report_build_seconds is 3.
BUILD = "PT3S"


def refresh(plaid: PlaidCaller, user_token: str, **options: object) -> None:
    body: dict[str, object] = {"user_token": user_token}
    if options:
        body["options"] = options
    assert plaid.ok("/credit/bank_income/refresh", body) == {}


class TestRefresh:
    def test_a_refresh_is_built_on_the_sandbox_clock(
        self, plaid: PlaidCaller, clock: FrozenClock
    ) -> None:
        user = new_user(plaid)
        link_for_income(plaid, user["user_token"], days=60)
        [linked] = bank_income(plaid, user["user_token"])
        refresh(plaid, user["user_token"], days_requested=120)
        assert bank_income(plaid, user["user_token"], count=5) == [linked]
        assert income_webhooks(plaid) == []
        advance(plaid, BUILD)
        refreshed, older = bank_income(plaid, user["user_token"], count=5)
        assert older == linked
        assert refreshed["bank_income_id"] != linked["bank_income_id"]
        assert refreshed["days_requested"] == 120
        assert refreshed["generated_time"] > linked["generated_time"]
        # The same sources, over more days.
        ids = {s["income_source_id"] for i in refreshed["items"] for s in i["bank_income_sources"]}
        assert ids == {
            s["income_source_id"] for i in linked["items"] for s in i["bank_income_sources"]
        }
        assert (
            refreshed["bank_income_summary"]["total_amount"]
            > linked["bank_income_summary"]["total_amount"]
        )

    def test_the_refresh_complete_webhook_goes_where_link_sent_its(
        self, plaid: PlaidCaller
    ) -> None:
        user = new_user(plaid)
        link_for_income(plaid, user["user_token"])
        refresh(plaid, user["user_token"])
        advance(plaid, BUILD)
        [webhook] = income_webhooks(plaid)
        assert webhook == {
            "webhook_type": "INCOME",
            "webhook_code": "BANK_INCOME_REFRESH_COMPLETE",
            "user_id": user["user_id"],
            "result": "SUCCESS",
            "environment": "sandbox",
        }
        events = plaid.ok("/_gingham/webhooks/list", {"limit": 100})["events"]
        assert {e["url"] for e in events if e["payload"]["webhook_type"] == "INCOME"} == {WEBHOOK}

    def test_days_requested_defaults_to_the_latest_reports(self, plaid: PlaidCaller) -> None:
        user = new_user(plaid)
        link_for_income(plaid, user["user_token"], days=45)
        refresh(plaid, user["user_token"])
        advance(plaid, BUILD)
        assert [r["days_requested"] for r in bank_income(plaid, user["user_token"], 2)] == [45, 45]

    def test_the_refresh_covers_every_income_item_of_the_user(
        self, plaid: PlaidCaller, clock: FrozenClock
    ) -> None:
        user = new_user(plaid)
        first = item_id_of(plaid, link_for_income(plaid, user["user_token"]))
        second = item_id_of(plaid, link_for_income(plaid, user["user_token"]))
        link_for_user(plaid, user["user_token"])  # not linked for income
        refresh(plaid, user["user_token"])
        advance(plaid, BUILD)
        [report] = bank_income(plaid, user["user_token"])
        assert sorted(i["item_id"] for i in report["items"]) == sorted([first, second])

    def test_an_item_in_error_is_left_out_with_a_warning(self, plaid: PlaidCaller) -> None:
        user = new_user(plaid)
        healthy = item_id_of(plaid, link_for_income(plaid, user["user_token"]))
        broken_token = link_for_income(plaid, user["user_token"])
        plaid.ok("/sandbox/item/reset_login", {"access_token": broken_token})
        refresh(plaid, user["user_token"])
        advance(plaid, BUILD)
        [report] = bank_income(plaid, user["user_token"])
        assert [i["item_id"] for i in report["items"]] == [healthy]
        [warning] = report["warnings"]
        assert (warning["warning_type"], warning["warning_code"]) == (
            "BANK_INCOME_WARNING",
            "TRANSACTIONS_UNAVAILABLE",
        )
        assert warning["cause"]["item_id"] == item_id_of(plaid, broken_token)
        assert warning["cause"]["error_code"] == "ITEM_LOGIN_REQUIRED"

    def test_with_every_item_in_error_the_refresh_fails(self, plaid: PlaidCaller) -> None:
        user = new_user(plaid)
        token = link_for_income(plaid, user["user_token"])
        plaid.ok("/sandbox/item/reset_login", {"access_token": token})
        error = plaid.error("/credit/bank_income/refresh", {"user_token": user["user_token"]})
        assert (error["error_type"], error["error_code"]) == ("ITEM_ERROR", "ITEM_LOGIN_REQUIRED")

    def test_a_user_without_income_items_cannot_refresh(self, plaid: PlaidCaller) -> None:
        user = new_user(plaid)
        link_for_user(plaid, user["user_token"])
        error = plaid.error("/credit/bank_income/refresh", {"user_token": user["user_token"]})
        assert error["error_code"] == "INCOME_VERIFICATION_NOT_FOUND"

    @pytest.mark.parametrize("days", [0, 732])
    def test_days_requested_out_of_range(self, plaid: PlaidCaller, days: int) -> None:
        user = new_user(plaid)
        link_for_income(plaid, user["user_token"])
        error = plaid.error(
            "/credit/bank_income/refresh",
            {"user_token": user["user_token"], "options": {"days_requested": days}},
        )
        assert error["error_code"] == "INVALID_FIELD"
        assert "options.days_requested must be between 1 and 731" in error["error_message"]

    def test_unknown_user_token(self, plaid: PlaidCaller) -> None:
        error = plaid.error(
            "/credit/bank_income/refresh",
            {"user_token": "user-sandbox-00000000-0000-4000-8000-000000000000"},
        )
        assert error["error_code"] == "INVALID_USER_TOKEN"


def subscribe(plaid: PlaidCaller, user_token: str, enabled: bool = True) -> None:
    assert (
        plaid.ok(
            "/credit/bank_income/webhook/update",
            {"user_token": user_token, "enable_webhooks": enabled},
        )
        == {}
    )


def codes(plaid: PlaidCaller) -> list[str]:
    return [w["webhook_code"] for w in income_webhooks(plaid)]


class TestRefreshUpdateWebhook:
    def test_a_new_income_item_prompts_one_update(self, plaid: PlaidCaller) -> None:
        user = new_user(plaid)
        link_for_income(plaid, user["user_token"])
        subscribe(plaid, user["user_token"])
        advance(plaid, "P1D")
        assert codes(plaid) == []
        link_for_income(plaid, user["user_token"])
        advance(plaid, "P1D")
        [webhook] = income_webhooks(plaid)
        assert webhook == {
            "webhook_type": "INCOME",
            "webhook_code": "BANK_INCOME_REFRESH_UPDATE",
            "user_id": user["user_id"],
            "environment": "sandbox",
        }
        # Told once; the next day has nothing new.
        advance(plaid, "P1D")
        assert codes(plaid) == ["BANK_INCOME_REFRESH_UPDATE"]

    def test_a_removed_item_is_a_change_too(self, plaid: PlaidCaller) -> None:
        user = new_user(plaid)
        link_for_income(plaid, user["user_token"])
        second = link_for_income(plaid, user["user_token"])
        subscribe(plaid, user["user_token"])
        plaid.ok("/item/remove", {"access_token": second})
        advance(plaid, "P1D")
        assert codes(plaid) == ["BANK_INCOME_REFRESH_UPDATE"]

    def test_users_are_not_subscribed_until_they_are(self, plaid: PlaidCaller) -> None:
        user = new_user(plaid)
        link_for_income(plaid, user["user_token"])
        link_for_income(plaid, user["user_token"])
        advance(plaid, "P1D")
        assert codes(plaid) == []

    def test_unsubscribed_users_hear_nothing(self, plaid: PlaidCaller) -> None:
        user = new_user(plaid)
        link_for_income(plaid, user["user_token"])
        subscribe(plaid, user["user_token"])
        subscribe(plaid, user["user_token"], False)
        link_for_income(plaid, user["user_token"])
        advance(plaid, "P2D")
        assert codes(plaid) == []
        # Subscribing again starts from what the income is then.
        subscribe(plaid, user["user_token"])
        advance(plaid, "P2D")
        assert codes(plaid) == []

    def test_a_finished_refresh_is_what_the_app_knows(self, plaid: PlaidCaller) -> None:
        user = new_user(plaid)
        link_for_income(plaid, user["user_token"])
        subscribe(plaid, user["user_token"])
        link_for_income(plaid, user["user_token"])
        refresh(plaid, user["user_token"])
        advance(plaid, BUILD)
        advance(plaid, "P1D")
        assert codes(plaid) == ["BANK_INCOME_REFRESH_COMPLETE"]

    def test_enable_webhooks_is_required(self, plaid: PlaidCaller) -> None:
        user = new_user(plaid)
        error = plaid.error(
            "/credit/bank_income/webhook/update", {"user_token": user["user_token"]}
        )
        assert error["error_code"] == "MISSING_FIELDS"


class TestSessions:
    def test_lists_the_users_link_sessions_with_their_bank_income_results(
        self, plaid: PlaidCaller, clock: FrozenClock
    ) -> None:
        user = new_user(plaid)
        plain = item_id_of(plaid, link_for_user(plaid, user["user_token"]))
        clock.advance(timedelta(minutes=1))
        income = item_id_of(plaid, link_for_income(plaid, user["user_token"]))
        sessions = plaid.ok("/credit/sessions/get", {"user_token": user["user_token"]})["sessions"]
        assert [s["results"]["item_add_results"][0]["item_id"] for s in sessions] == [
            income,
            plain,
        ]
        assert sessions[0]["results"]["bank_income_results"] == [
            {"status": "APPROVED", "item_id": income, "institution_id": "ins_109508"}
        ]
        assert sessions[1]["results"]["bank_income_results"] == []
        assert all(s["errors"] == [] for s in sessions)

    def test_a_new_user_has_none(self, plaid: PlaidCaller) -> None:
        user = new_user(plaid)
        assert plaid.ok("/credit/sessions/get", {"user_token": user["user_token"]}) == {
            "sessions": []
        }
