"""/sandbox/transactions/create for Items of the user_transactions_dynamic test user."""

from __future__ import annotations

from typing import Any

from tests.builders import PlaidCaller
from tests.transactions.helpers import sync_all, transactions_webhooks, with_webhook

DYNAMIC = {"override_username": "user_transactions_dynamic"}


def entry(**overrides: Any) -> dict[str, Any]:
    return {
        "date_transacted": "2026-03-01",
        "date_posted": "2026-03-02",
        "amount": 12.34,
        "description": "CORNER CAFE",
        **overrides,
    }


class TestCreatingTransactions:
    def test_they_arrive_as_added_with_webhooks(self, plaid: PlaidCaller) -> None:
        token, item_id = with_webhook(plaid, pulled=True, **DYNAMIC)
        _, _, _, cursor = sync_all(plaid, token)
        before = len(transactions_webhooks(plaid, item_id))
        plaid.ok(
            "/sandbox/transactions/create",
            {
                "access_token": token,
                "transactions": [entry(), entry(amount=-500, description="PAYCHECK")],
            },
        )
        added, _, _, _ = sync_all(plaid, token, cursor, include_original_description=True)
        made = sorted(added.values(), key=lambda t: t["amount"])
        assert [(t["name"], t["amount"]) for t in made] == [
            ("PAYCHECK", -500),
            ("CORNER CAFE", 12.34),
        ]
        cafe = made[1]
        assert cafe["date"] == "2026-03-02" and cafe["authorized_date"] == "2026-03-01"
        assert cafe["pending"] is False and cafe["original_description"] == "CORNER CAFE"
        assert cafe["iso_currency_code"] == "USD"
        webhooks = {w["webhook_code"]: w for w in transactions_webhooks(plaid, item_id)[before:]}
        assert sorted(webhooks) == ["DEFAULT_UPDATE", "SYNC_UPDATES_AVAILABLE"]
        assert webhooks["DEFAULT_UPDATE"]["new_transactions"] == 2

    def test_to_a_chosen_account(self, plaid: PlaidCaller) -> None:
        token, _ = with_webhook(plaid, pulled=True, **DYNAMIC)
        _, _, _, cursor = sync_all(plaid, token)
        accounts = plaid.ok("/accounts/get", {"access_token": token})["accounts"]
        savings = next(a["account_id"] for a in accounts if a["subtype"] == "savings")
        plaid.ok(
            "/sandbox/transactions/create",
            {"access_token": token, "transactions": [entry(account_id=savings)]},
        )
        added, _, _, _ = sync_all(plaid, token, cursor)
        assert [t["account_id"] for t in added.values()] == [savings]


class TestRules:
    def test_only_for_the_dynamic_user(self, plaid: PlaidCaller) -> None:
        token, _ = with_webhook(plaid, pulled=True)
        error = plaid.error(
            "/sandbox/transactions/create", {"access_token": token, "transactions": [entry()]}
        )
        assert error["error_code"] == "INVALID_FIELD"
        assert "user_transactions_dynamic" in error["error_message"]

    def test_at_most_ten_and_at_least_one(self, plaid: PlaidCaller) -> None:
        token, _ = with_webhook(plaid, **DYNAMIC)
        for transactions in ([], [entry()] * 11):
            error = plaid.error(
                "/sandbox/transactions/create",
                {"access_token": token, "transactions": transactions},
            )
            assert error["error_code"] == "INVALID_FIELD"

    def test_dates_today_or_up_to_14_days_back(self, plaid: PlaidCaller) -> None:
        token, _ = with_webhook(plaid, **DYNAMIC)
        for bad in (
            entry(date_posted="2026-03-03"),
            entry(date_transacted="2026-02-15"),
            entry(date_posted="soon"),
        ):
            error = plaid.error(
                "/sandbox/transactions/create", {"access_token": token, "transactions": [bad]}
            )
            assert error["error_code"] == "INVALID_FIELD", bad
        plaid.ok(
            "/sandbox/transactions/create",
            {"access_token": token, "transactions": [entry(date_transacted="2026-02-16")]},
        )

    def test_an_unknown_account_is_invalid(self, plaid: PlaidCaller) -> None:
        token, _ = with_webhook(plaid, **DYNAMIC)
        error = plaid.error(
            "/sandbox/transactions/create",
            {"access_token": token, "transactions": [entry(account_id="nope")]},
        )
        assert error["error_code"] == "INVALID_ACCOUNT_ID"


class TestRefreshingTheDynamicUser:
    def test_refresh_posts_its_pending_transactions(self, plaid: PlaidCaller) -> None:
        token, _ = with_webhook(plaid, pulled=True, **DYNAMIC)
        known, _, _, cursor = sync_all(plaid, token)
        pending = {i for i, t in known.items() if t["pending"]}
        assert pending
        plaid.ok("/transactions/refresh", {"access_token": token})
        added, removed, _, _ = sync_all(plaid, token, cursor)
        assert {r["transaction_id"] for r in removed} >= pending
        assert {t["pending_transaction_id"] for t in added.values()} >= pending
