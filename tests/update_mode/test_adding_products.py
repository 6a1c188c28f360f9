"""The seed's "Adding Assets, Statements, or Bank Income": update mode with `products` of assets,
statements or income_verification takes the user through that product's consent pane; a user who
connected less than two years ago (in the client's sandbox time) and whose Item works skips the
credentials pane, anyone else signs in as well; the product is then added to the same Item, whose
access token never changes."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from tests.builders import Linked, PlaidCaller, advance, item_of
from tests.update_mode.helpers import (
    complete,
    finish,
    link_item,
    open_frame,
    sign_in,
    update_request,
    update_token,
)

PRODUCTS = ["assets", "statements", "income_verification"]
CONSENT_ONLY_EVENTS = [
    "OPEN",
    "TRANSITION_VIEW:LOADING",
    "TRANSITION_VIEW:CONNECTED",
    "HANDOFF",
]
SIGN_IN_EVENTS = [
    "OPEN",
    "TRANSITION_VIEW:CREDENTIAL",
    "SUBMIT_CREDENTIALS",
    "TRANSITION_VIEW:LOADING",
    "TRANSITION_VIEW:CONNECTED",
    "HANDOFF",
]
CONSENTS = {
    "assets": {
        "product": "assets",
        "name": "Assets",
        "text": "a report of your account balances, up to two years of transactions and the "
        "account holders' names and addresses, which Test App may share with lenders you apply to",
    },
    "statements": {
        "product": "statements",
        "name": "Statements",
        "text": "copies of your account statements, as your bank issues them",
    },
    "income_verification": {
        "product": "income_verification",
        "name": "Income",
        "text": "your deposits and the income they show, to verify your income",
    },
}


def billed(plaid: PlaidCaller, linked: Linked) -> list[str]:
    products: list[str] = item_of(plaid, linked)["billed_products"]
    return products


class TestConsentOnly:
    @pytest.mark.parametrize("product", PRODUCTS)
    def test_a_recent_healthy_item_needs_only_the_consent_pane(
        self, plaid: PlaidCaller, client: TestClient, product: str
    ) -> None:
        linked = link_item(plaid, masks=["0000", "1111"])
        frame = open_frame(client, update_token(plaid, linked.access_token, products=[product]))
        view = frame.state["view"]
        assert view["product_consents"] == [CONSENTS[product]]
        assert view["products"] == [CONSENTS[product]["name"]]
        assert view["update_mode"] is True

        frame.act("continue")
        assert frame.view == "CONNECTED"
        outcome = finish(frame)

        assert frame.event_names() == CONSENT_ONLY_EVENTS
        assert frame.events[0]["metadata"]["is_update_mode"] == "true"
        assert [a["mask"] for a in outcome["metadata"]["accounts"]] == ["0000", "1111"]
        assert billed(plaid, linked) == sorted(["transactions", product])
        # The same Item, reached with the same access token.
        assert item_of(plaid, linked)["item_id"] == linked.item_id
        assert product in item_of(plaid, linked)["consented_products"]

    def test_the_public_token_is_for_the_same_item(
        self, plaid: PlaidCaller, client: TestClient
    ) -> None:
        linked = link_item(plaid)
        frame = open_frame(client, update_token(plaid, linked.access_token, products=["assets"]))
        frame.act("continue")
        outcome = finish(frame)
        exchanged = plaid.ok(
            "/item/public_token/exchange", {"public_token": outcome["public_token"]}
        )
        assert exchanged["item_id"] == linked.item_id

    def test_just_under_two_years_after_linking_still_needs_only_consent(
        self, plaid: PlaidCaller, client: TestClient
    ) -> None:
        linked = link_item(plaid)
        advance(plaid, "P729DT23H")
        frame = open_frame(client, update_token(plaid, linked.access_token, products=["assets"]))
        frame.act("continue")
        assert frame.view == "CONNECTED"
        finish(frame)
        assert "assets" in billed(plaid, linked)

    def test_headless_link_adds_the_product(self, plaid: PlaidCaller) -> None:
        linked = link_item(plaid)
        done = complete(plaid, update_token(plaid, linked.access_token, products=["statements"]))
        assert done["status"] == "SUCCESS", done
        names = [
            e["event_name"]
            if e["event_name"] != "TRANSITION_VIEW"
            else f"TRANSITION_VIEW:{e['metadata']['view_name']}"
            for e in done["events"]
        ]
        assert names == CONSENT_ONLY_EVENTS
        assert billed(plaid, linked) == ["statements", "transactions"]

    def test_exiting_from_the_consent_pane_adds_nothing(
        self, plaid: PlaidCaller, client: TestClient
    ) -> None:
        linked = link_item(plaid)
        frame = open_frame(client, update_token(plaid, linked.access_token, products=["assets"]))
        frame.act("exit")
        outcome = frame.act("exit_confirm")["outcome"]
        assert outcome["type"] == "exit"
        assert billed(plaid, linked) == ["transactions"]
        assert "assets" not in item_of(plaid, linked)["consented_products"]


class TestSigningInAsWell:
    @pytest.mark.parametrize("product", PRODUCTS)
    def test_two_years_after_linking(
        self, plaid: PlaidCaller, client: TestClient, product: str
    ) -> None:
        linked = link_item(plaid)
        advance(plaid, "P731D")
        frame = open_frame(client, update_token(plaid, linked.access_token, products=[product]))
        assert frame.state["view"]["product_consents"] == [CONSENTS[product]]
        frame.act("continue")
        assert frame.view == "CREDENTIAL"
        sign_in(frame)
        finish(frame)

        assert frame.event_names() == SIGN_IN_EVENTS
        assert billed(plaid, linked) == sorted(["transactions", product])
        assert item_of(plaid, linked)["item_id"] == linked.item_id

    def test_exactly_two_years_after_linking(self, plaid: PlaidCaller, client: TestClient) -> None:
        linked = link_item(plaid)
        advance(plaid, "P730D")
        frame = open_frame(client, update_token(plaid, linked.access_token, products=["assets"]))
        frame.act("continue")
        assert frame.view == "CREDENTIAL"

    def test_an_item_that_needs_its_login_again(
        self, plaid: PlaidCaller, client: TestClient
    ) -> None:
        linked = link_item(plaid)
        plaid.ok("/sandbox/item/reset_login", {"access_token": linked.access_token})
        frame = open_frame(client, update_token(plaid, linked.access_token, products=["assets"]))
        frame.act("continue")
        assert frame.view == "CREDENTIAL"
        sign_in(frame)
        finish(frame)

        assert frame.event_names() == SIGN_IN_EVENTS
        item = item_of(plaid, linked)
        assert item["error"] is None
        assert item["billed_products"] == ["assets", "transactions"]
        plaid.ok("/accounts/get", {"access_token": linked.access_token})

    def test_leaving_at_the_credentials_pane_adds_nothing(
        self, plaid: PlaidCaller, client: TestClient
    ) -> None:
        linked = link_item(plaid)
        plaid.ok("/sandbox/item/reset_login", {"access_token": linked.access_token})
        frame = open_frame(client, update_token(plaid, linked.access_token, products=["assets"]))
        frame.act("continue")
        outcome = frame.act("force_exit")["outcome"]
        assert outcome["metadata"]["status"] == "requires_credentials"
        assert billed(plaid, linked) == ["transactions"]
        assert item_of(plaid, linked)["error"]["error_code"] == "ITEM_LOGIN_REQUIRED"


class TestLinkTokenRules:
    @pytest.mark.parametrize("field", ["products", "additional_consented_products"])
    def test_a_product_the_institution_does_not_offer_is_refused(
        self, plaid: PlaidCaller, field: str
    ) -> None:
        access_token = plaid.access_token(institution_id="ins_117650")
        error = plaid.error(
            "/link/token/create",
            update_request(access_token, country_codes=["GB"], **{field: ["assets"]}),
        )
        assert (error["error_type"], error["error_code"]) == (
            "ITEM_ERROR",
            "PRODUCTS_NOT_SUPPORTED",
        )
        assert error["error_message"].startswith("Royal Bank of Plaid (ins_117650)")
        assert "assets" in error["error_message"]

    @pytest.mark.parametrize("product", ["transactions", "investments", "liabilities"])
    def test_other_products_are_refused_in_update_mode(
        self, plaid: PlaidCaller, product: str
    ) -> None:
        access_token = plaid.access_token()
        error = plaid.error("/link/token/create", update_request(access_token, products=[product]))
        assert (error["error_type"], error["error_code"]) == ("INVALID_REQUEST", "INVALID_FIELD")
        assert f"not allowed here: {product}" in error["error_message"]
        assert "additional_consented_products" in error["error_message"]
