"""Refusals: report tokens that are unknown, malformed, removed or another client's; days out of
range; access tokens of another client or of removed Items; Items in error; Items without
Assets, until update mode adds it."""

from __future__ import annotations

from typing import Any

import pytest

from tests.assets.helpers import advance, assets_item, built, create, get
from tests.builders import PlaidCaller
from tests.update_mode.helpers import complete, update_token

REPORT_PATHS = [
    "/asset_report/get",
    "/asset_report/pdf/get",
    "/asset_report/refresh",
    "/asset_report/remove",
    "/asset_report/audit_copy/create",
]


def create_error(plaid: PlaidCaller, tokens: list[str], days: Any = 30) -> dict[str, Any]:
    return plaid.error("/asset_report/create", {"access_tokens": tokens, "days_requested": days})


class TestReportTokens:
    @pytest.mark.parametrize("path", REPORT_PATHS)
    def test_unknown_token(self, plaid: PlaidCaller, path: str) -> None:
        error = plaid.error(
            path, {"asset_report_token": "assets-sandbox-5b0ca3f4-7a8c-4f51-a3c3-c4b2e1d6b0e9"}
        )
        assert (error["error_type"], error["error_code"]) == (
            "INVALID_INPUT",
            "INVALID_ASSET_REPORT_TOKEN",
        )

    @pytest.mark.parametrize("token", ["nonsense", "access-sandbox-5b0ca3f4-7a8c"])
    def test_malformed_token(self, plaid: PlaidCaller, token: str) -> None:
        error = plaid.error("/asset_report/get", {"asset_report_token": token})
        assert error["error_code"] == "INVALID_ASSET_REPORT_TOKEN"
        assert "assets-<environment>-<identifier>" in error["error_message"]

    def test_token_of_another_environment(self, plaid: PlaidCaller) -> None:
        error = plaid.error(
            "/asset_report/get",
            {"asset_report_token": "assets-production-5b0ca3f4-7a8c-4f51-a3c3-c4b2e1d6b0e9"},
        )
        assert error["error_code"] == "INVALID_ASSET_REPORT_TOKEN"
        assert "production" in error["error_message"]

    @pytest.mark.parametrize("path", REPORT_PATHS)
    def test_another_clients_token(
        self, plaid: PlaidCaller, other_plaid: PlaidCaller, path: str
    ) -> None:
        token = built(plaid, [assets_item(plaid)])["asset_report_token"]
        error = other_plaid.error(path, {"asset_report_token": token})
        assert error["error_code"] == "INVALID_ASSET_REPORT_TOKEN"
        # Still the owner's.
        get(plaid, token)

    def test_removed_token(self, plaid: PlaidCaller) -> None:
        token = built(plaid, [assets_item(plaid)])["asset_report_token"]
        assert plaid.ok("/asset_report/remove", {"asset_report_token": token}) == {"removed": True}
        for path in REPORT_PATHS:
            error = plaid.error(path, {"asset_report_token": token})
            assert error["error_code"] == "INVALID_ASSET_REPORT_TOKEN"
            assert "removed" in error["error_message"]

    def test_missing_token(self, plaid: PlaidCaller) -> None:
        error = plaid.error("/asset_report/get", {})
        assert error["error_code"] == "MISSING_FIELDS"
        assert "asset_report_token" in error["error_message"]

    def test_user_token_reports_are_not_served(self, plaid: PlaidCaller) -> None:
        error = plaid.error("/asset_report/get", {"user_token": "user-sandbox-1"})
        assert error["error_code"] == "INVALID_FIELD" and "user_token" in error["error_message"]


class TestCreate:
    @pytest.mark.parametrize("days", [-1, 732])
    def test_days_out_of_range(self, plaid: PlaidCaller, days: int) -> None:
        error = create_error(plaid, [assets_item(plaid)], days)
        assert error["error_type"] == "INVALID_REQUEST"
        assert "days_requested" in error["error_message"]

    def test_the_longest_window(self, plaid: PlaidCaller) -> None:
        token = built(plaid, [assets_item(plaid)], 731)["asset_report_token"]
        report = get(plaid, token)["report"]
        checking = next(a for a in report["items"][0]["accounts"] if a["mask"] == "0000")
        assert len(checking["historical_balances"]) == 731

    def test_no_access_tokens(self, plaid: PlaidCaller) -> None:
        error = plaid.error("/asset_report/create", {"days_requested": 30})
        assert error["error_code"] == "MISSING_FIELDS"
        assert "access_tokens" in error["error_message"]

    def test_the_same_token_twice(self, plaid: PlaidCaller) -> None:
        token = assets_item(plaid)
        assert create_error(plaid, [token, token])["error_code"] == "INVALID_FIELD"

    def test_another_clients_access_token(
        self, plaid: PlaidCaller, other_plaid: PlaidCaller
    ) -> None:
        error = create_error(plaid, [assets_item(plaid), assets_item(other_plaid)])
        assert (error["error_type"], error["error_code"]) == (
            "INVALID_INPUT",
            "INVALID_ACCESS_TOKEN",
        )

    def test_a_removed_items_access_token(self, plaid: PlaidCaller) -> None:
        token = assets_item(plaid)
        plaid.ok("/item/remove", {"access_token": token})
        assert create_error(plaid, [token])["error_code"] == "INVALID_ACCESS_TOKEN"

    def test_an_item_in_error(self, plaid: PlaidCaller) -> None:
        healthy, broken = assets_item(plaid), assets_item(plaid)
        plaid.ok("/sandbox/item/reset_login", {"access_token": broken})
        error = create_error(plaid, [healthy, broken])
        assert (error["error_type"], error["error_code"]) == ("ITEM_ERROR", "ITEM_LOGIN_REQUIRED")
        item_id = plaid.ok("/item/get", {"access_token": broken})["item"]["item_id"]
        assert item_id in error["error_message"]

    def test_an_item_without_assets_needs_update_mode(self, plaid: PlaidCaller) -> None:
        token = plaid.access_token(initial_products=["transactions"])
        error = create_error(plaid, [assets_item(plaid), token])
        assert (error["error_type"], error["error_code"]) == (
            "ASSET_REPORT_ERROR",
            "PRODUCT_NOT_ENABLED",
        )
        assert token in error["error_message"] and "update mode" in error["error_message"]
        # Update mode's Assets consent pane adds it to the same Item.
        done = complete(plaid, update_token(plaid, token, products=["assets"]))
        assert done["status"] == "SUCCESS", done
        created = create(plaid, [token])
        advance(plaid)
        get(plaid, created["asset_report_token"])
