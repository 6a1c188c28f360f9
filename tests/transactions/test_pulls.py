"""Pulls on the sandbox clock and the TRANSACTIONS webhooks they send."""

from __future__ import annotations

from tests.builders import PlaidCaller
from tests.transactions.helpers import (
    PULL,
    advance,
    codes,
    sync_all,
    transactions_webhooks,
    with_webhook,
)


def count_all(plaid: PlaidCaller, token: str) -> int:
    page = plaid.ok(
        "/transactions/get",
        {"access_token": token, "start_date": "2000-01-01", "end_date": "2100-01-01"},
    )
    total: int = page["total_transactions"]
    return total


class TestInitialAndHistoricalPulls:
    def test_legacy_webhooks_carry_the_real_counts(self, plaid: PlaidCaller) -> None:
        token, item_id = with_webhook(plaid)
        assert transactions_webhooks(plaid, item_id) == []
        advance(plaid, PULL)
        (initial,) = transactions_webhooks(plaid, item_id)
        assert initial == {
            "webhook_type": "TRANSACTIONS",
            "webhook_code": "INITIAL_UPDATE",
            "item_id": item_id,
            "new_transactions": count_all(plaid, token),
            "error": None,
            "environment": "sandbox",
        }
        advance(plaid, PULL)
        webhooks = transactions_webhooks(plaid, item_id)
        # SYNC_UPDATES_AVAILABLE only once /transactions/sync has been called.
        assert codes(webhooks) == ["INITIAL_UPDATE", "HISTORICAL_UPDATE"]
        assert (
            webhooks[1]["new_transactions"] == count_all(plaid, token) - initial["new_transactions"]
        )

    def test_sync_before_the_pull_gets_sync_updates_available_twice(
        self, plaid: PlaidCaller
    ) -> None:
        token, item_id = with_webhook(plaid)
        plaid.ok("/transactions/sync", {"access_token": token})
        advance(plaid, PULL)
        advance(plaid, PULL)
        sync = [
            (w["initial_update_complete"], w["historical_update_complete"])
            for w in transactions_webhooks(plaid, item_id)
            if w["webhook_code"] == "SYNC_UPDATES_AVAILABLE"
        ]
        assert sync == [(True, False), (True, True)]

    def test_items_without_a_webhook_get_none_but_their_data(self, plaid: PlaidCaller) -> None:
        public_token = plaid.public_token()
        exchanged = plaid.ok("/item/public_token/exchange", {"public_token": public_token})
        advance(plaid, PULL)
        assert transactions_webhooks(plaid, exchanged["item_id"]) == []
        assert count_all(plaid, exchanged["access_token"]) > 0

    def test_the_pull_delay_is_a_setting(self, plaid: PlaidCaller) -> None:
        token, _ = with_webhook(plaid)
        advance(plaid, "PT4S")
        page = plaid.ok("/transactions/sync", {"access_token": token})
        assert page["transactions_update_status"] == "NOT_READY"
        advance(plaid, "PT1S")
        page = plaid.ok("/transactions/sync", {"access_token": token})
        assert page["transactions_update_status"] == "INITIAL_UPDATE_COMPLETE"


class TestDailyUpdates:
    def test_each_day_brings_new_transactions_and_postings_with_webhooks(
        self, plaid: PlaidCaller
    ) -> None:
        token, item_id = with_webhook(plaid, pulled=True)
        _, _, _, cursor = sync_all(plaid, token)
        before = len(transactions_webhooks(plaid, item_id))
        advance(plaid, "P1D")
        webhooks = transactions_webhooks(plaid, item_id)[before:]
        # Sent together, at the update's moment.
        by_code = {w["webhook_code"]: w for w in webhooks}
        assert sorted(codes(webhooks)) == [
            "DEFAULT_UPDATE",
            "SYNC_UPDATES_AVAILABLE",
            "TRANSACTIONS_REMOVED",
        ]
        added, removed, _, _ = sync_all(plaid, token, cursor)
        assert by_code["DEFAULT_UPDATE"]["new_transactions"] == len(added)
        assert by_code["TRANSACTIONS_REMOVED"]["removed_transactions"] == [
            r["transaction_id"] for r in removed
        ]
        assert by_code["SYNC_UPDATES_AVAILABLE"]["historical_update_complete"] is True

    def test_a_removed_item_stops_updating(self, plaid: PlaidCaller) -> None:
        token, item_id = with_webhook(plaid, pulled=True)
        plaid.ok("/item/remove", {"access_token": token})
        before = transactions_webhooks(plaid, item_id)
        fired = advance(plaid, "P3D")["fired"]
        assert transactions_webhooks(plaid, item_id) == before
        assert [f["kind"] for f in fired if f["subject_id"] == item_id] == [
            "transactions.daily_update"
        ]


class TestFiringTransactionsWebhooks:
    def fire(self, plaid: PlaidCaller, token: str, code: str) -> None:
        plaid.ok("/sandbox/item/fire_webhook", {"access_token": token, "webhook_code": code})

    def test_bodies_describe_the_items_data(self, plaid: PlaidCaller) -> None:
        token, item_id = with_webhook(plaid, pulled=True)
        advance(plaid, "P1D")
        added, _, _, _ = sync_all(plaid, token)
        for code in (
            "SYNC_UPDATES_AVAILABLE",
            "INITIAL_UPDATE",
            "HISTORICAL_UPDATE",
            "DEFAULT_UPDATE",
            "TRANSACTIONS_REMOVED",
        ):
            self.fire(plaid, token, code)
        fired = {w["webhook_code"]: w for w in transactions_webhooks(plaid, item_id)[-5:]}
        sync_updates, initial, historical, default, removals = (
            fired[code]
            for code in (
                "SYNC_UPDATES_AVAILABLE",
                "INITIAL_UPDATE",
                "HISTORICAL_UPDATE",
                "DEFAULT_UPDATE",
                "TRANSACTIONS_REMOVED",
            )
        )
        assert sync_updates["initial_update_complete"] is True
        assert sync_updates["historical_update_complete"] is True
        assert historical["new_transactions"] == count_all(plaid, token) == len(added)
        assert 0 < initial["new_transactions"] < historical["new_transactions"]
        newest = max(t["date"] for t in added.values())
        assert default["new_transactions"] == sum(1 for t in added.values() if t["date"] == newest)
        assert removals["removed_transactions"]
        assert removals["error"] is None
