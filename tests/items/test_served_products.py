"""/item/get lists only products Gingham serves, and a new Item starts with the products of all
four /link/token/create fields under Plaid's rules."""

from __future__ import annotations

from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from gingham.items.models import Item
from gingham.products import catalogue
from tests.builders import Linked, PlaidCaller, item_of
from tests.update_mode.helpers import link_item, open_frame, sign_in, update_token


def item_get(plaid: PlaidCaller, access_token: str) -> dict[str, Any]:
    item: dict[str, Any] = plaid.ok("/item/get", {"access_token": access_token})["item"]
    return item


class TestListedProducts:
    def test_available_products_are_served_ones(self, plaid: PlaidCaller) -> None:
        item = item_get(plaid, plaid.access_token())
        assert set(item["available_products"]) <= catalogue.LISTED
        assert {
            "auth",
            "balance",
            "identity",
            "identity_match",
            "investments",
            "liabilities",
            "recurring_transactions",
            "signal",
            "transactions_refresh",
        } <= set(item["available_products"])
        assert "transfer" not in item["available_products"]

    def test_a_uk_item_can_have_auth(self, plaid: PlaidCaller) -> None:
        item = item_get(plaid, plaid.access_token(institution_id="ins_117650"))
        assert item["available_products"] == ["auth", "balance", "identity"]

    def test_products_held_from_before_are_not_shown(
        self, plaid: PlaidCaller, session: Session
    ) -> None:
        access_token = plaid.access_token()
        item_id = item_get(plaid, access_token)["item_id"]
        # An Item linked before Gingham refused Transfer.
        session.execute(
            update(Item)
            .where(Item.id == item_id)
            .values(
                billed_products=["transactions", "transfer"],
                consented_products=["payment_initiation", "transactions", "transfer"],
            )
        )
        item = plaid.ok("/item/get", {"access_token": access_token})
        assert item["item"]["billed_products"] == item["item"]["products"] == ["transactions"]
        assert item["item"]["consented_products"] == ["transactions"]
        assert "transfer" not in item["item"]["available_products"]


class TestProductsAtLink:
    def linked(self, plaid: PlaidCaller, **fields: Any) -> Linked:
        return link_item(plaid, products=["identity"], **fields)

    def test_required_if_supported_and_optional_products_start_with_the_item(
        self, plaid: PlaidCaller
    ) -> None:
        linked = self.linked(
            plaid,
            required_if_supported_products=["investments"],
            optional_products=["liabilities", "signal"],
            additional_consented_products=["transactions"],
        )
        item = item_of(plaid, linked)
        # Optional Auth, Identity and Signal are billed on first use, as at Plaid.
        assert item["billed_products"] == ["identity", "investments", "liabilities"]
        assert item["consented_products"] == [
            "identity",
            "investments",
            "liabilities",
            "signal",
            "transactions",
        ]

    def test_not_where_the_institution_lacks_them(self, plaid: PlaidCaller) -> None:
        linked = self.linked(
            plaid,
            institution_id="ins_117650",
            country_codes=["GB"],
            required_if_supported_products=["investments"],
            optional_products=["liabilities"],
        )
        assert item_of(plaid, linked)["billed_products"] == ["identity"]

    def test_nor_without_an_account_that_suits_them(self, plaid: PlaidCaller) -> None:
        # Only the checking account is shared: nothing for Investments or Liabilities.
        linked = self.linked(
            plaid,
            masks=["0000"],
            required_if_supported_products=["investments"],
            optional_products=["liabilities"],
        )
        assert item_of(plaid, linked)["billed_products"] == ["identity"]

    def test_update_mode_account_select_still_follows_the_tokens_products(
        self, plaid: PlaidCaller, client: TestClient
    ) -> None:
        linked = self.linked(plaid, required_if_supported_products=["investments"])
        assert item_of(plaid, linked)["billed_products"] == ["identity", "investments"]
        frame = open_frame(
            client,
            update_token(plaid, linked.access_token, update={"account_selection_enabled": True}),
        )
        frame.act("continue")
        sign_in(frame)
        assert frame.view == "SELECT_ACCOUNT"
        # Identity suits every account: not only the investment ones are offered.
        types = {account["type"] for account in frame.state["view"]["accounts"]}
        assert {"depository", "credit", "investment", "loan"} <= types
