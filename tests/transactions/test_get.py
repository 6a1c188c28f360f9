"""/transactions/get, /transactions/refresh and /categories/get."""

from __future__ import annotations

import json
from typing import Any

from tests.builders import PlaidCaller
from tests.transactions.helpers import PULL, advance, linked


def get(plaid: PlaidCaller, token: str, start: str, end: str, **options: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"access_token": token, "start_date": start, "end_date": end}
    if options:
        body["options"] = options
    return plaid.ok("/transactions/get", body)


class TestDateWindow:
    def test_not_ready_before_the_initial_pull(self, plaid: PlaidCaller) -> None:
        token = linked(plaid, pulled=False)
        error = plaid.error(
            "/transactions/get",
            {"access_token": token, "start_date": "2026-01-01", "end_date": "2026-03-01"},
        )
        assert (error["error_type"], error["error_code"]) == ("ITEM_ERROR", "PRODUCT_NOT_READY")
        advance(plaid, PULL)
        assert get(plaid, token, "2026-02-01", "2026-03-02")["total_transactions"] > 0

    def test_newest_first_within_the_window_with_count_and_offset(self, plaid: PlaidCaller) -> None:
        token = linked(plaid)
        whole = get(plaid, token, "2026-01-01", "2026-01-31", count=500)
        total = whole["total_transactions"]
        assert 0 < total == len(whole["transactions"])
        dates = [t["date"] for t in whole["transactions"]]
        assert dates == sorted(dates, reverse=True)
        assert min(dates) >= "2026-01-01" and max(dates) <= "2026-01-31"
        pages = [
            get(plaid, token, "2026-01-01", "2026-01-31", count=10, offset=offset)
            for offset in range(0, total, 10)
        ]
        ids = [t["transaction_id"] for page in pages for t in page["transactions"]]
        assert ids == [t["transaction_id"] for t in whole["transactions"]]
        assert all(page["total_transactions"] == total for page in pages)
        assert get(plaid, token, "2026-01-01", "2026-01-31", offset=total)["transactions"] == []
        assert whole["item"]["item_id"] and whole["accounts"]

    def test_default_count_is_100(self, plaid: PlaidCaller) -> None:
        token = linked(plaid)
        page = get(plaid, token, "2024-01-01", "2026-03-02")
        assert len(page["transactions"]) == 100 < page["total_transactions"]

    def test_account_ids_narrow_transactions_and_accounts(self, plaid: PlaidCaller) -> None:
        token = linked(plaid)
        accounts = plaid.ok("/accounts/get", {"access_token": token})["accounts"]
        card = next(a["account_id"] for a in accounts if a["mask"] == "3333")
        page = get(plaid, token, "2025-01-01", "2026-03-02", account_ids=[card], count=500)
        assert page["transactions"]
        assert {t["account_id"] for t in page["transactions"]} == {card}
        assert [a["account_id"] for a in page["accounts"]] == [card]
        error = plaid.error(
            "/transactions/get",
            {
                "access_token": token,
                "start_date": "2026-01-01",
                "end_date": "2026-03-01",
                "options": {"account_ids": ["nope"]},
            },
        )
        assert error["error_code"] == "INVALID_ACCOUNT_ID"

    def test_bad_windows_are_invalid(self, plaid: PlaidCaller) -> None:
        token = linked(plaid)
        for start, end in (("2026-03-01", "2026-01-01"), ("yesterday", "2026-01-01")):
            error = plaid.error(
                "/transactions/get", {"access_token": token, "start_date": start, "end_date": end}
            )
            assert error["error_code"] == "INVALID_FIELD"
        for options in ({"count": 0}, {"count": 501}, {"offset": -1}):
            error = plaid.error(
                "/transactions/get",
                {
                    "access_token": token,
                    "start_date": "2026-01-01",
                    "end_date": "2026-03-01",
                    "options": options,
                },
            )
            assert error["error_code"] == "INVALID_FIELD"


class TestProductOnFirstUse:
    def test_an_item_without_transactions_gets_it_and_its_pull(self, plaid: PlaidCaller) -> None:
        token = plaid.access_token(initial_products=["auth"])
        page = plaid.ok("/transactions/sync", {"access_token": token})
        assert page["transactions_update_status"] == "NOT_READY"
        item = plaid.ok("/item/get", {"access_token": token})["item"]
        assert "transactions" in item["billed_products"]
        advance(plaid, PULL)
        page = plaid.ok("/transactions/sync", {"access_token": token})
        assert page["added"]

    def test_an_item_in_error_answers_its_error(self, plaid: PlaidCaller) -> None:
        token = linked(plaid)
        plaid.ok("/sandbox/item/reset_login", {"access_token": token})
        error = plaid.error("/transactions/sync", {"access_token": token})
        assert error["error_code"] == "ITEM_LOGIN_REQUIRED"

    def test_an_unknown_token_is_invalid(self, plaid: PlaidCaller) -> None:
        error = plaid.error(
            "/transactions/sync",
            {"access_token": "access-sandbox-00000000-0000-0000-0000-000000000000"},
        )
        assert error["error_code"] == "INVALID_ACCESS_TOKEN"


class TestRefresh:
    def test_refresh_brings_the_day_so_far(self, plaid: PlaidCaller) -> None:
        token = linked(plaid)
        before = plaid.ok("/transactions/sync", {"access_token": token, "count": 500})
        assert plaid.ok("/transactions/refresh", {"access_token": token}) == {}
        # Nothing new happened at the bank: the cursor stands.
        cursor = before["next_cursor"]
        while before["has_more"]:
            before = plaid.ok(
                "/transactions/sync", {"access_token": token, "cursor": cursor, "count": 500}
            )
            cursor = before["next_cursor"]
        plaid.ok("/transactions/refresh", {"access_token": token})
        after = plaid.ok("/transactions/sync", {"access_token": token, "cursor": cursor})
        assert after["added"] == [] and after["next_cursor"] == cursor

    def test_capital_one_credit_only_items_cannot_refresh(self, plaid: PlaidCaller) -> None:
        credit_only = {
            "override_accounts": [
                {"type": "credit", "subtype": "credit card", "starting_balance": 500}
            ]
        }
        token = plaid.access_token(
            institution_id="ins_128026",
            options={
                "override_username": "user_custom",
                "override_password": json.dumps(credit_only),
            },
        )
        error = plaid.error("/transactions/refresh", {"access_token": token})
        assert (error["error_type"], error["error_code"]) == (
            "ITEM_ERROR",
            "PRODUCTS_NOT_SUPPORTED",
        )
        # With a depository account it can.
        plaid.ok(
            "/transactions/refresh",
            {"access_token": plaid.access_token(institution_id="ins_128026")},
        )


class TestCategories:
    def test_the_legacy_categories_need_no_credentials(self, plaid: PlaidCaller) -> None:
        response = plaid.post("/categories/get", {}, authenticated=False)
        assert response.status_code == 200, response.text
        categories = response.json()["categories"]
        assert response.json()["request_id"]
        assert len(categories) > 50
        ids = [c["category_id"] for c in categories]
        assert ids == sorted(ids)
        assert {
            "category_id": "19047000",
            "group": "place",
            "hierarchy": ["Shops", "Supermarkets and Groceries"],
        } in categories
