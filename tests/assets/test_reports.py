"""/asset_report/create and /asset_report/get: a report built on the client's sandbox clock, its
ASSETS webhooks, and what it holds (accounts, owners, daily balances, the window's transactions,
insights, fast reports)."""

from __future__ import annotations

import itertools
import re
import uuid
from datetime import date, timedelta
from decimal import Decimal

from tests.assets.helpers import (
    REPORT_WEBHOOK,
    accounts_by_mask,
    advance,
    assets_item,
    assets_webhooks,
    built,
    create,
    get,
)
from tests.builders import USER_GOOD_ACCOUNTS, PlaidCaller

USER = {
    "client_user_id": "789",
    "first_name": "Jane",
    "middle_name": "Leah",
    "last_name": "Doe",
    "ssn": "123-45-6789",
    "phone_number": "(555) 123-4567",
    "email": "jane.doe@example.com",
}


class TestBuild:
    def test_create_answers_a_token_and_an_id(self, plaid: PlaidCaller) -> None:
        created = create(plaid, [assets_item(plaid)])
        assert re.fullmatch(r"assets-sandbox-[0-9a-f-]{36}", created["asset_report_token"])
        assert str(uuid.UUID(created["asset_report_id"])) == created["asset_report_id"]

    def test_not_ready_until_the_build_time(self, plaid: PlaidCaller) -> None:
        token = create(plaid, [assets_item(plaid)], webhook=REPORT_WEBHOOK)["asset_report_token"]
        for path in ("/asset_report/get", "/asset_report/pdf/get"):
            error = plaid.error(path, {"asset_report_token": token})
            assert (error["error_type"], error["error_code"]) == (
                "ASSET_REPORT_ERROR",
                "PRODUCT_NOT_READY",
            )
        advance(plaid, "PT2S")
        error = plaid.error("/asset_report/get", {"asset_report_token": token})
        assert (
            error["documentation_url"] == "https://plaid.com/docs/errors/assets/#product_not_ready"
        )
        assert assets_webhooks(plaid) == []
        advance(plaid, "PT1S")
        assert get(plaid, token)["warnings"] == []

    def test_product_ready_goes_to_the_reports_webhook(self, plaid: PlaidCaller) -> None:
        created = built(plaid, [assets_item(plaid)], webhook=REPORT_WEBHOOK)
        events = plaid.ok("/_gingham/webhooks/list", {"limit": 100})["events"]
        [event] = [e for e in events if e["webhook_type"] == "ASSETS"]
        assert event["url"] == REPORT_WEBHOOK
        assert event["payload"] == {
            "webhook_type": "ASSETS",
            "webhook_code": "PRODUCT_READY",
            "asset_report_id": created["asset_report_id"],
            "report_type": "FULL",
            "environment": "sandbox",
        }

    def test_no_webhook_without_options_webhook(self, plaid: PlaidCaller) -> None:
        built(plaid, [assets_item(plaid, options={"webhook": "https://items.example.com/hook"})])
        assert assets_webhooks(plaid) == []

    def test_reads_are_stable(self, plaid: PlaidCaller) -> None:
        token = built(plaid, [assets_item(plaid)])["asset_report_token"]
        first = get(plaid, token)
        advance(plaid, "P3D")
        assert get(plaid, token) == first


class TestReport:
    def test_the_reports_fields(self, plaid: PlaidCaller) -> None:
        created = create(plaid, [assets_item(plaid)], 60, client_report_id="123", user=USER)
        advance(plaid)
        report = get(plaid, created["asset_report_token"])["report"]
        assert report["asset_report_id"] == created["asset_report_id"]
        assert (report["client_report_id"], report["days_requested"]) == ("123", 60)
        assert report["user"] == USER
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", report["date_generated"])
        [item] = report["items"]
        assert (item["institution_id"], item["institution_name"]) == (
            "ins_109508",
            "First Platypus Bank",
        )
        assert [(a["name"], a["mask"], a["type"], a["subtype"]) for a in item["accounts"]] == (
            USER_GOOD_ACCOUNTS
        )

    def test_user_fields_not_given_are_null(self, plaid: PlaidCaller) -> None:
        token = built(plaid, [assets_item(plaid)], user={"client_user_id": "u1"})[
            "asset_report_token"
        ]
        user = get(plaid, token)["report"]["user"]
        assert user == {**dict.fromkeys(USER), "client_user_id": "u1"}

    def test_several_items_in_the_order_given(self, plaid: PlaidCaller) -> None:
        tokens = [assets_item(plaid), assets_item(plaid, institution_id="ins_109511")]
        item_ids = [plaid.ok("/item/get", {"access_token": t})["item"]["item_id"] for t in tokens]
        report = get(plaid, built(plaid, tokens)["asset_report_token"])["report"]
        assert [item["item_id"] for item in report["items"]] == item_ids

    def test_daily_balances_walk_back_through_the_transactions(self, plaid: PlaidCaller) -> None:
        token = built(plaid, [assets_item(plaid)], 45)["asset_report_token"]
        report = get(plaid, token)["report"]
        today = date.fromisoformat(report["date_generated"][:10])
        accounts = accounts_by_mask(report)
        for mask, owed in (("0000", False), ("3333", True)):
            account = accounts[mask]
            history = account["historical_balances"]
            assert [h["date"] for h in history] == [
                (today - timedelta(days=n)).isoformat() for n in range(45)
            ]
            assert history[0]["current"] == account["balances"]["current"]
            assert account["days_available"] == 45
            moved: dict[str, Decimal] = {}
            for t in account["transactions"]:
                moved[t["date"]] = moved.get(t["date"], Decimal(0)) + Decimal(str(t["amount"]))
            for later, earlier in itertools.pairwise(history):
                change = moved.get(later["date"], Decimal(0))
                expected = Decimal(str(later["current"])) + (-change if owed else change)
                assert Decimal(str(earlier["current"])) == expected

    def test_transactions_of_the_window_only(self, plaid: PlaidCaller) -> None:
        token = built(plaid, [assets_item(plaid)], 10)["asset_report_token"]
        report = get(plaid, token)["report"]
        today = date.fromisoformat(report["date_generated"][:10])
        dates = {t["date"] for a in accounts_by_mask(report).values() for t in a["transactions"]}
        assert dates and min(dates) >= (today - timedelta(days=9)).isoformat()

    def test_no_history_for_zero_days(self, plaid: PlaidCaller) -> None:
        token = built(plaid, [assets_item(plaid)], 0)["asset_report_token"]
        for account in accounts_by_mask(get(plaid, token)["report"]).values():
            assert account["transactions"] == account["historical_balances"] == []
            assert account["days_available"] == 0

    def test_investment_and_loan_accounts_have_balances_only(self, plaid: PlaidCaller) -> None:
        token = built(plaid, [assets_item(plaid)])["asset_report_token"]
        accounts = accounts_by_mask(get(plaid, token)["report"])
        for mask in ("5555", "6666", "7777", "8888"):
            account = accounts[mask]
            assert account["balances"]["current"] is not None
            assert account["transactions"] == account["historical_balances"] == []

    def test_owners_are_identitys(self, plaid: PlaidCaller) -> None:
        access_token = plaid.access_token(initial_products=["assets", "identity"])
        identity = plaid.ok("/identity/get", {"access_token": access_token})["accounts"]
        token = built(plaid, [access_token])["asset_report_token"]
        report = get(plaid, token)["report"]
        owners = {a["account_id"]: a["owners"] for a in report["items"][0]["accounts"]}
        assert owners == {a["account_id"]: a["owners"] for a in identity}
        assert {a["ownership_type"] for a in report["items"][0]["accounts"]} <= {
            "individual",
            "joint",
        }


class TestAgreesWithTransactions:
    def test_same_ids_and_amounts_as_transactions_get(self, plaid: PlaidCaller) -> None:
        access_token = assets_item(plaid, initial_products=["assets", "transactions"])
        # Both pulls, then days in which pending transactions post and new ones arrive.
        advance(plaid, "PT5S")
        advance(plaid, "PT5S")
        advance(plaid, "P4D")
        token = built(plaid, [access_token], 30)["asset_report_token"]
        report = get(plaid, token)["report"]
        today = date.fromisoformat(report["date_generated"][:10])
        served = plaid.ok(
            "/transactions/get",
            {
                "access_token": access_token,
                "start_date": (today - timedelta(days=29)).isoformat(),
                "end_date": today.isoformat(),
                "options": {"count": 500},
            },
        )
        assert served["total_transactions"] < 500
        reported = {
            t["transaction_id"]: (t["account_id"], t["amount"], t["date"], t["pending"])
            for a in report["items"][0]["accounts"]
            for t in a["transactions"]
        }
        assert reported == {
            t["transaction_id"]: (t["account_id"], t["amount"], t["date"], t["pending"])
            for t in served["transactions"]
        }

    def test_an_item_without_transactions_gets_the_same_ids(self, plaid: PlaidCaller) -> None:
        # Generated directly, the report's transactions carry the ids a later pull would give.
        access_token = assets_item(plaid)
        token = built(plaid, [access_token], 20)["asset_report_token"]
        report = get(plaid, token)["report"]
        plaid.ok("/transactions/refresh", {"access_token": access_token})
        advance(plaid, "PT5S")
        today = date.fromisoformat(report["date_generated"][:10])
        served = plaid.ok(
            "/transactions/get",
            {
                "access_token": access_token,
                "start_date": (today - timedelta(days=19)).isoformat(),
                "end_date": (today - timedelta(days=2)).isoformat(),
                "options": {"count": 500},
            },
        )
        posted = {
            t["transaction_id"]: t["amount"]
            for a in report["items"][0]["accounts"]
            for t in a["transactions"]
            if not t["pending"] and t["date"] <= (today - timedelta(days=2)).isoformat()
        }
        assert posted == {t["transaction_id"]: t["amount"] for t in served["transactions"]}


class TestReadOptions:
    def test_insights_add_merchant_and_categories(self, plaid: PlaidCaller) -> None:
        token = built(plaid, [assets_item(plaid)])["asset_report_token"]
        plain = accounts_by_mask(get(plaid, token)["report"])["0000"]["transactions"][0]
        assert set(plain) == {
            "account_id",
            "amount",
            "date",
            "date_transacted",
            "iso_currency_code",
            "unofficial_currency_code",
            "original_description",
            "pending",
            "transaction_id",
        }
        rich = accounts_by_mask(get(plaid, token, include_insights=True)["report"])["0000"]
        first = rich["transactions"][0]
        assert first["transaction_id"] == plain["transaction_id"]
        assert {"category", "category_id", "merchant_name", "name", "credit_category"} <= set(first)
        assert set(first["credit_category"]) == {"primary", "detailed"}

    def test_days_to_include(self, plaid: PlaidCaller) -> None:
        token = built(plaid, [assets_item(plaid)], 60)["asset_report_token"]
        report = get(plaid, token, options={"days_to_include": 7})["report"]
        today = date.fromisoformat(report["date_generated"][:10])
        checking = accounts_by_mask(report)["0000"]
        assert len(checking["historical_balances"]) == 7
        assert all(
            t["date"] >= (today - timedelta(days=6)).isoformat() for t in checking["transactions"]
        )

    def test_fast_report(self, plaid: PlaidCaller) -> None:
        created = create(
            plaid, [assets_item(plaid)], add_ons=["fast_assets"], webhook=REPORT_WEBHOOK
        )
        token = created["asset_report_token"]
        # The fast report is ready in half the build time; the full one is not yet.
        advance(plaid, "PT2S")
        fast = get(plaid, token, fast_report=True)["report"]
        assert plaid.error("/asset_report/get", {"asset_report_token": token})["error_code"] == (
            "PRODUCT_NOT_READY"
        )
        advance(plaid, "PT1S")
        assert [(w["webhook_code"], w["report_type"]) for w in assets_webhooks(plaid)] == [
            ("PRODUCT_READY", "FAST"),
            ("PRODUCT_READY", "FULL"),
        ]
        full = get(plaid, token)["report"]
        assert fast["asset_report_id"] == full["asset_report_id"] == created["asset_report_id"]
        assert get(plaid, token, fast_report=True)["report"] == fast
        for mask, account in accounts_by_mask(fast).items():
            assert account["transactions"] == account["historical_balances"] == []
            assert account["days_available"] == 0
            assert account["balances"] == accounts_by_mask(full)[mask]["balances"]

    def test_fast_report_needs_fast_assets(self, plaid: PlaidCaller) -> None:
        token = built(plaid, [assets_item(plaid)])["asset_report_token"]
        error = plaid.error("/asset_report/get", {"asset_report_token": token, "fast_report": True})
        assert error["error_code"] == "INVALID_FIELD" and "fast_assets" in error["error_message"]


class TestItemBreaksWhileBuilding:
    def test_the_report_fails_with_the_items_error(self, plaid: PlaidCaller) -> None:
        access_token = assets_item(plaid)
        created = create(plaid, [access_token], webhook=REPORT_WEBHOOK)
        plaid.ok("/sandbox/item/reset_login", {"access_token": access_token})
        advance(plaid)
        error = plaid.error(
            "/asset_report/get", {"asset_report_token": created["asset_report_token"]}
        )
        assert (error["error_type"], error["error_code"]) == (
            "ASSET_REPORT_ERROR",
            "DATA_UNAVAILABLE",
        )
        item_id = plaid.ok("/item/get", {"access_token": access_token})["item"]["item_id"]
        [cause] = error["causes"]
        assert (cause["error_code"], cause["item_id"]) == ("ITEM_LOGIN_REQUIRED", item_id)
        assert item_id in error["error_message"]
        [webhook] = assets_webhooks(plaid)
        assert (webhook["webhook_code"], webhook["asset_report_id"]) == (
            "ERROR",
            created["asset_report_id"],
        )
        assert webhook["error"]["error_code"] == "DATA_UNAVAILABLE"
        assert webhook["error"]["causes"] == error["causes"]

    def test_require_all_items_false_leaves_the_broken_item_out(self, plaid: PlaidCaller) -> None:
        broken, healthy = assets_item(plaid), assets_item(plaid)
        created = create(plaid, [broken, healthy], require_all_items=False)
        plaid.ok("/sandbox/item/reset_login", {"access_token": broken})
        advance(plaid)
        report = get(plaid, created["asset_report_token"])["report"]
        healthy_id = plaid.ok("/item/get", {"access_token": healthy})["item"]["item_id"]
        assert [item["item_id"] for item in report["items"]] == [healthy_id]

    def test_an_item_removed_after_create_still_builds(self, plaid: PlaidCaller) -> None:
        access_token = assets_item(plaid)
        created = create(plaid, [access_token])
        plaid.ok("/item/remove", {"access_token": access_token})
        advance(plaid)
        assert len(get(plaid, created["asset_report_token"])["report"]["items"]) == 1


class TestInvestmentsAddOn:
    def test_holdings_as_investments_serves_them(self, plaid: PlaidCaller) -> None:
        access_token = assets_item(plaid, initial_products=["assets", "investments"])
        token = built(plaid, [access_token], 90, add_ons=["investments"])["asset_report_token"]
        answer = get(plaid, token)
        assert answer["warnings"] == []
        accounts = accounts_by_mask(answer["report"])
        served = plaid.ok("/investments/holdings/get", {"access_token": access_token})
        for mask in ("5555", "6666"):
            account = accounts[mask]
            investments = account["investments"]
            mine = [h for h in served["holdings"] if h["account_id"] == account["account_id"]]
            assert [(h["security_id"], h["quantity"], h["institution_value"]) for h in mine] == [
                (h["security_id"], h["quantity"], h["institution_value"])
                for h in investments["holdings"]
            ]
            held = {h["security_id"] for h in investments["holdings"]}
            assert held <= {s["security_id"] for s in investments["securities"]}
            total = sum(Decimal(str(h["institution_value"])) for h in investments["holdings"])
            assert abs(total - Decimal(str(account["balances"]["current"]))) < Decimal("0.05")
        assert "investments" not in accounts["0000"]

    def test_an_item_without_investments_gets_a_warning(self, plaid: PlaidCaller) -> None:
        access_token = assets_item(plaid)
        item_id = plaid.ok("/item/get", {"access_token": access_token})["item"]["item_id"]
        token = built(plaid, [access_token], add_ons=["investments"])["asset_report_token"]
        answer = get(plaid, token)
        [warning] = answer["warnings"]
        assert (warning["warning_type"], warning["warning_code"]) == (
            "ASSET_REPORT_WARNING",
            "INVESTMENTS_UNAVAILABLE",
        )
        assert warning["cause"]["item_id"] == item_id
        assert all("investments" not in a for a in accounts_by_mask(answer["report"]).values())
