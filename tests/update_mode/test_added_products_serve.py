"""After update mode adds Assets, Statements or Income to an Item, their endpoints serve it; before,
or after a flow the user abandoned, they refuse it, as the seed's "Adding Assets, Statements, or
Bank Income" describes: nothing is authorised that the user did not grant."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.testclient import TestClient

from tests.builders import Linked, PlaidCaller, advance
from tests.transactions.helpers import PULL
from tests.update_mode.helpers import complete, link_item, open_frame, update_token


def create_asset_report(plaid: PlaidCaller, linked: Linked) -> Any:
    return plaid.post(
        "/asset_report/create", {"access_tokens": [linked.access_token], "days_requested": 30}
    )


def list_statements(plaid: PlaidCaller, linked: Linked) -> Any:
    return plaid.post("/statements/list", {"access_token": linked.access_token})


def error_code(response: Any) -> str:
    assert response.status_code == 400, response.text
    code: str = response.json()["error_code"]
    return code


class TestBeforeUpdateMode:
    def test_an_item_without_assets_gets_no_asset_report(self, plaid: PlaidCaller) -> None:
        linked = link_item(plaid)
        assert error_code(create_asset_report(plaid, linked)) == "PRODUCT_NOT_ENABLED"

    def test_an_item_without_statements_has_none(self, plaid: PlaidCaller) -> None:
        linked = link_item(plaid)
        assert error_code(list_statements(plaid, linked)) == "PRODUCTS_NOT_SUPPORTED"


class TestAfterUpdateMode:
    def test_assets_added_builds_a_report_of_the_item(self, plaid: PlaidCaller) -> None:
        linked = link_item(plaid)
        done = complete(plaid, update_token(plaid, linked.access_token, products=["assets"]))
        assert done["status"] == "SUCCESS", done
        created = create_asset_report(plaid, linked)
        assert created.status_code == 200, created.text
        advance(plaid, PULL)
        report = plaid.ok(
            "/asset_report/get", {"asset_report_token": created.json()["asset_report_token"]}
        )["report"]
        assert [item["item_id"] for item in report["items"]] == [linked.item_id]

    def test_statements_added_lists_the_items_statements(self, plaid: PlaidCaller) -> None:
        linked = link_item(plaid)
        done = complete(
            plaid,
            update_token(
                plaid,
                linked.access_token,
                products=["statements"],
                statements={"start_date": "2025-11-01", "end_date": "2026-02-28"},
            ),
        )
        assert done["status"] == "SUCCESS", done
        listed = list_statements(plaid, linked)
        assert listed.status_code == 200, listed.text
        months = {
            (s["year"], s["month"])
            for account in listed.json()["accounts"]
            for s in account["statements"]
        }
        assert months >= {(2025, 11), (2025, 12), (2026, 1), (2026, 2)}

    def test_income_added_with_the_users_token_gives_the_user_a_report(
        self, plaid: PlaidCaller
    ) -> None:
        user = plaid.ok("/user/create", {"client_user_id": "income-by-update-mode"})
        linked = link_item(plaid)
        done = complete(
            plaid,
            update_token(
                plaid,
                linked.access_token,
                products=["income_verification"],
                user_token=user["user_token"],
                income_verification={
                    "income_source_types": ["bank"],
                    "bank_income": {"days_requested": 60},
                },
            ),
        )
        assert done["status"] == "SUCCESS", done
        reports = plaid.ok("/credit/bank_income/get", {"user_token": user["user_token"]})[
            "bank_income"
        ]
        assert [item["item_id"] for item in reports[0]["items"]] == [linked.item_id]


class TestAbandonedUpdateMode:
    @pytest.mark.parametrize(
        ("product", "refused"),
        [("assets", create_asset_report), ("statements", list_statements)],
    )
    def test_exiting_authorises_nothing(
        self, plaid: PlaidCaller, client: TestClient, product: str, refused: Any
    ) -> None:
        linked = link_item(plaid)
        frame = open_frame(client, update_token(plaid, linked.access_token, products=[product]))
        frame.act("exit")
        assert frame.act("exit_confirm")["outcome"]["type"] == "exit"
        assert error_code(refused(plaid, linked)) in (
            "PRODUCT_NOT_ENABLED",
            "PRODUCTS_NOT_SUPPORTED",
        )
