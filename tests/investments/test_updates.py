"""Investments on the sandbox clock: new activity accrues, balances move with it, and
DEFAULT_UPDATE webhooks report real counts; /investments/refresh and fire_webhook likewise."""

from __future__ import annotations

from typing import Any

from tests.builders import PlaidCaller, link_token_request
from tests.investments.helpers import (
    accounts_by_mask,
    all_transactions,
    investments_item,
    webhooks_of,
)

TODAY = "2026-03-02"


def item_id_of(plaid: PlaidCaller, token: str) -> str:
    item_id: str = plaid.ok("/item/get", {"access_token": token})["item"]["item_id"]
    return item_id


def investment_webhooks(plaid: PlaidCaller, item_id: str) -> list[dict[str, Any]]:
    return [
        payload
        for payload in webhooks_of(plaid, item_id)
        if payload["webhook_type"] in ("HOLDINGS", "INVESTMENTS_TRANSACTIONS")
    ]


def advance(plaid: PlaidCaller, by: str) -> dict[str, Any]:
    return plaid.ok("/_gingham/clock/advance", {"by": by})


class TestUpdatesOnTheClock:
    def test_new_activity_is_announced_with_real_counts(self, plaid: PlaidCaller) -> None:
        token = investments_item(plaid)
        item_id = item_id_of(plaid, token)
        plaid.ok("/investments/holdings/get", {"access_token": token})
        advance(plaid, "P30D")

        new = all_transactions(plaid, token, "2026-03-03", "2026-04-01")
        sent = investment_webhooks(plaid, item_id)
        announced = [p for p in sent if p["webhook_type"] == "INVESTMENTS_TRANSACTIONS"]
        assert announced and all(p["webhook_code"] == "DEFAULT_UPDATE" for p in sent)
        assert sum(p["new_investments_transactions"] for p in announced) == len(new)
        assert all(p["cancelled_investments_transactions"] == 0 for p in announced)
        holdings_updates = [p for p in sent if p["webhook_type"] == "HOLDINGS"]
        assert holdings_updates and all(p["updated_holdings"] > 0 for p in holdings_updates)
        assert all(p["item_id"] == item_id and p["error"] is None for p in sent)

    def test_balances_move_with_the_holdings(self, plaid: PlaidCaller) -> None:
        token = investments_item(plaid)
        plaid.ok("/investments/holdings/get", {"access_token": token})
        advance(plaid, "P60D")

        held = plaid.ok("/investments/holdings/get", {"access_token": token})
        reported = accounts_by_mask(plaid.ok("/accounts/get", {"access_token": token}))
        plan = reported["6666"]
        # The 401k was paid into four times: its balance grew, and still is its holdings' value.
        assert plan["balances"]["current"] > 23631.9805
        total = sum(
            h["institution_value"]
            for h in held["holdings"]
            if h["account_id"] == plan["account_id"]
        )
        assert round(total, 4) == plan["balances"]["current"]

    def test_only_items_whose_investments_were_read_are_updated(self, plaid: PlaidCaller) -> None:
        token = investments_item(plaid)
        advance(plaid, "P30D")
        assert investment_webhooks(plaid, item_id_of(plaid, token)) == []
        assert plaid.ok("/_gingham/clock/timers", {})["timers"] == []

    def test_an_item_without_a_webhook_url_gets_none(self, plaid: PlaidCaller) -> None:
        token = plaid.access_token(initial_products=["investments"])
        plaid.ok("/investments/holdings/get", {"access_token": token})
        advance(plaid, "P30D")
        assert webhooks_of(plaid, item_id_of(plaid, token)) == []
        # Its balances still move.
        plan = accounts_by_mask(plaid.ok("/accounts/get", {"access_token": token}))["6666"]
        assert plan["balances"]["current"] > 23631.9805

    def test_an_item_in_error_is_updated_once_repaired(self, plaid: PlaidCaller) -> None:
        token = investments_item(plaid)
        item_id = item_id_of(plaid, token)
        plaid.ok("/investments/holdings/get", {"access_token": token})
        plaid.ok("/sandbox/item/reset_login", {"access_token": token})
        advance(plaid, "P20D")
        assert investment_webhooks(plaid, item_id) == []

        update_token = plaid.ok(
            "/link/token/create", link_token_request(access_token=token, products=None)
        )["link_token"]
        done = plaid.ok(
            "/_gingham/link/complete",
            {"link_token": update_token, "username": "user_good", "password": "pass_good"},
        )
        assert done["status"] == "SUCCESS", done
        advance(plaid, "P20D")
        # The first update after the repair covers the days the Item was broken too.
        announced = [
            p
            for p in investment_webhooks(plaid, item_id)
            if p["webhook_type"] == "INVESTMENTS_TRANSACTIONS"
        ]
        new = all_transactions(plaid, token, "2026-03-03", "2026-04-11")
        assert sum(p["new_investments_transactions"] for p in announced) == len(new)

    def test_a_removed_item_stops(self, plaid: PlaidCaller) -> None:
        token = investments_item(plaid)
        plaid.ok("/investments/holdings/get", {"access_token": token})
        plaid.ok("/item/remove", {"access_token": token})
        fired = advance(plaid, "P60D")["fired"]
        assert len([f for f in fired if f["kind"] == "investments.update"]) <= 1


class TestRefresh:
    def test_refresh_announces_what_accrued_since_the_last_update(self, plaid: PlaidCaller) -> None:
        token = investments_item(plaid)
        item_id = item_id_of(plaid, token)
        plaid.ok("/investments/refresh", {"access_token": token})
        assert investment_webhooks(plaid, item_id) == []
        # Timers fire as the clock passes them; refresh then finds nothing new.
        advance(plaid, "P20D")
        count = len(investment_webhooks(plaid, item_id))
        assert count > 0
        assert plaid.ok("/investments/refresh", {"access_token": token}) == {}
        assert len(investment_webhooks(plaid, item_id)) == count


class TestFireWebhook:
    def fire(self, plaid: PlaidCaller, token: str, webhook_type: str) -> dict[str, Any]:
        plaid.ok(
            "/sandbox/item/fire_webhook",
            {"access_token": token, "webhook_code": "DEFAULT_UPDATE", "webhook_type": webhook_type},
        )
        # Events queued at the same (frozen) time have no order: find this one by its type.
        [body] = [
            p
            for p in webhooks_of(plaid, item_id_of(plaid, token))
            if p["webhook_type"] == webhook_type
        ]
        return body

    def test_right_after_linking_nothing_is_new(self, plaid: PlaidCaller) -> None:
        token = investments_item(plaid)
        assert self.fire(plaid, token, "HOLDINGS")["updated_holdings"] == 0
        assert (
            self.fire(plaid, token, "INVESTMENTS_TRANSACTIONS")["new_investments_transactions"] == 0
        )

    def test_later_the_latest_day_of_activity_is_reported(self, plaid: PlaidCaller) -> None:
        token = investments_item(plaid)
        advance(plaid, "P20D")
        listed = all_transactions(plaid, token, "2026-03-03", "2026-03-22")
        latest = listed[0]["date"]
        body = self.fire(plaid, token, "INVESTMENTS_TRANSACTIONS")
        assert body["new_investments_transactions"] == len(
            [t for t in listed if t["date"] == latest]
        )
        assert self.fire(plaid, token, "HOLDINGS")["updated_holdings"] > 0


class TestAsynchronousExtraction:
    def test_async_update_ends_with_historical_update(self, plaid: PlaidCaller) -> None:
        # Linked without Investments: the first read with async_update is an asynchronous
        # extraction, which Gingham completes at once.
        token = plaid.access_token(options={"webhook": "https://app.example/hook"})
        answer = plaid.ok(
            "/investments/transactions/get",
            {
                "access_token": token,
                "start_date": "2020-01-01",
                "end_date": TODAY,
                "options": {"async_update": True, "count": 1},
            },
        )
        [historical] = [
            p
            for p in webhooks_of(plaid, item_id_of(plaid, token))
            if p["webhook_code"] == "HISTORICAL_UPDATE"
        ]
        assert historical["webhook_type"] == "INVESTMENTS_TRANSACTIONS"
        assert historical["new_investments_transactions"] == answer["total_investment_transactions"]

    def test_not_for_an_item_linked_with_investments(self, plaid: PlaidCaller) -> None:
        token = investments_item(plaid)
        plaid.ok(
            "/investments/transactions/get",
            {
                "access_token": token,
                "start_date": TODAY,
                "end_date": TODAY,
                "options": {"async_update": True},
            },
        )
        assert investment_webhooks(plaid, item_id_of(plaid, token)) == []
