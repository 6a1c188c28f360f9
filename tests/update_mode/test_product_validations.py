"""The seed's "Resolving ACCESS_NOT_GRANTED or NO_AUTH_ACCOUNTS errors via Product Validations"
(Update Mode with Product Validations, UMPV): update mode with `products` of auth and/or identity
makes the user share what those products need — turning Account Select on by itself when the Item
shares no checking or savings account, and refusing selections that leave Auth without one, also
preventively on an Item that already has Auth — while plain update mode validates nothing. UMPV
cannot share a session with adding Assets, Statements or Income."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.testclient import TestClient

from tests.builders import Linked, PlaidCaller, item_of
from tests.link.helpers import FrameDriver
from tests.update_mode.helpers import (
    DTM,
    complete,
    finish,
    link_item,
    open_frame,
    save_dtm,
    sign_in,
    update_request,
    update_token,
)

# user_good's accounts that suit transactions, in the bank's order (see
# tests/update_mode/test_account_selection.py); 0000, 1111 and 9002 have ACH numbers.
TRANSACTIONS_MASKS = [
    "0000",
    "1111",
    "2222",
    "3333",
    "4444",
    "7777",
    "8888",
    "9001",
    "9002",
    "9999",
]
CHECKING_ACCOUNT_NUMBER = "1111222233330000"


def shared(plaid: PlaidCaller, linked: Linked) -> dict[str, dict[str, Any]]:
    accounts = plaid.ok("/accounts/get", {"access_token": linked.access_token})["accounts"]
    return {account["mask"]: account for account in accounts}


def signed_in(client: TestClient, link_token: str) -> FrameDriver:
    frame = open_frame(client, link_token)
    frame.act("continue")
    sign_in(frame)
    return frame


def offered(frame: FrameDriver) -> dict[str, dict[str, Any]]:
    assert frame.view == "SELECT_ACCOUNT", frame.state["view"]
    return {account["mask"]: account for account in frame.state["view"]["accounts"]}


def select(frame: FrameDriver, *masks: str) -> None:
    shown = offered(frame)
    missing = [mask for mask in masks if mask not in shown]
    assert not missing, f"Account Select does not offer {missing}; it offers {list(shown)}"
    frame.act("select_accounts", account_ids=[shown[mask]["id"] for mask in masks])


def no_auth_accounts(plaid: PlaidCaller, linked: Linked) -> None:
    error = plaid.error("/auth/get", {"access_token": linked.access_token})
    assert (error["error_type"], error["error_code"]) == ("ITEM_ERROR", "NO_AUTH_ACCOUNTS")


def refused_for_auth(frame: FrameDriver) -> None:
    """Account Select stays, saying what is missing, and Link reports the error."""
    assert frame.view == "SELECT_ACCOUNT", frame.state["view"]
    error = frame.state["view"]["error"]
    assert (error["error_type"], error["error_code"]) == ("ITEM_ERROR", "NO_AUTH_ACCOUNTS")
    assert "checking or savings" in error["display_message"]
    assert frame.event_names()[-2:] == ["ERROR", "TRANSITION_VIEW:SELECT_ACCOUNT"]
    assert frame.events[-2]["metadata"]["error_code"] == "NO_AUTH_ACCOUNTS"


def auth_item(plaid: PlaidCaller) -> Linked:
    """An Item sharing a checking account and a credit card, with Auth added after Link (its
    first /auth/get)."""
    linked = link_item(plaid, masks=["0000", "3333"])
    plaid.ok("/auth/get", {"access_token": linked.access_token})
    assert "auth" in item_of(plaid, linked)["billed_products"]
    return linked


class TestNoAuthAccounts:
    def test_an_item_sharing_only_a_credit_card_has_no_auth_accounts(
        self, plaid: PlaidCaller
    ) -> None:
        no_auth_accounts(plaid, link_item(plaid, masks=["3333"]))

    def test_validating_auth_turns_account_select_on_with_the_items_accounts_ticked(
        self, plaid: PlaidCaller, client: TestClient
    ) -> None:
        linked = link_item(plaid, masks=["3333"])
        card_id = shared(plaid, linked)["3333"]["account_id"]

        frame = signed_in(client, update_token(plaid, linked.access_token, products=["auth"]))

        shown = offered(frame)
        assert list(shown) == TRANSACTIONS_MASKS
        assert [mask for mask, account in shown.items() if account["selected"]] == ["3333"]
        assert shown["3333"]["id"] == card_id
        assert frame.state["view"]["update_mode"] is True
        assert frame.state["view"]["error"] is None
        assert frame.event_names() == [
            "OPEN",
            "TRANSITION_VIEW:CREDENTIAL",
            "SUBMIT_CREDENTIALS",
            "TRANSITION_VIEW:LOADING",
            "TRANSITION_VIEW:SELECT_ACCOUNT",
        ]

    def test_a_selection_without_a_checking_or_savings_account_is_refused(
        self, plaid: PlaidCaller, client: TestClient
    ) -> None:
        linked = link_item(plaid, masks=["3333"])
        frame = signed_in(client, update_token(plaid, linked.access_token, products=["auth"]))

        select(frame, "3333", "9999")

        refused_for_auth(frame)
        assert list(shared(plaid, linked)) == ["3333"]
        no_auth_accounts(plaid, linked)

    def test_adding_a_checking_account_fixes_auth(
        self, plaid: PlaidCaller, client: TestClient
    ) -> None:
        linked = link_item(plaid, masks=["3333"])
        frame = signed_in(client, update_token(plaid, linked.access_token, products=["auth"]))
        select(frame, "3333")
        refused_for_auth(frame)

        select(frame, "3333", "0000")
        outcome = finish(frame)

        # The checking account joins the Item after the card it already shared.
        now_shared = shared(plaid, linked)
        assert list(now_shared) == ["3333", "0000"]
        assert [a["mask"] for a in outcome["metadata"]["accounts"]] == ["3333", "0000"]
        numbers = plaid.ok("/auth/get", {"access_token": linked.access_token})["numbers"]["ach"]
        assert [(n["account_id"], n["account"]) for n in numbers] == [
            (now_shared["0000"]["account_id"], CHECKING_ACCOUNT_NUMBER)
        ]
        item = item_of(plaid, linked)
        assert item["item_id"] == linked.item_id
        assert "auth" in item["billed_products"]

    def test_an_item_with_a_checking_account_needs_no_account_select(
        self, plaid: PlaidCaller, client: TestClient
    ) -> None:
        linked = link_item(plaid, masks=["0000", "3333"])
        frame = signed_in(client, update_token(plaid, linked.access_token, products=["auth"]))
        assert frame.view == "CONNECTED"
        assert "TRANSITION_VIEW:SELECT_ACCOUNT" not in frame.event_names()
        finish(frame)
        assert list(shared(plaid, linked)) == ["0000", "3333"]

    def test_without_validations_update_mode_does_not_ask_for_accounts(
        self, plaid: PlaidCaller, client: TestClient
    ) -> None:
        linked = link_item(plaid, masks=["3333"])
        frame = signed_in(client, update_token(plaid, linked.access_token))
        assert frame.view == "CONNECTED"
        finish(frame)
        no_auth_accounts(plaid, linked)

    def test_headless_link_adds_the_checking_account(self, plaid: PlaidCaller) -> None:
        linked = link_item(plaid, masks=["3333"])
        done = complete(
            plaid,
            update_token(plaid, linked.access_token, products=["auth"]),
            account_masks=["0000", "3333"],
        )
        assert done["status"] == "SUCCESS", done
        assert list(shared(plaid, linked)) == ["3333", "0000"]
        plaid.ok("/auth/get", {"access_token": linked.access_token})

    def test_headless_link_with_a_refused_selection_exits_with_the_error(
        self, plaid: PlaidCaller
    ) -> None:
        linked = link_item(plaid, masks=["3333"])
        response = plaid.post(
            "/_gingham/link/complete",
            {
                "link_token": update_token(plaid, linked.access_token, products=["auth"]),
                "account_masks": ["3333"],
            },
        )
        # The user cannot get past Account Select: an expected outcome, not a server error.
        assert response.status_code == 200, response.text
        done = response.json()
        assert done["status"] == "EXITED"
        assert done["error"]["error_code"] == "NO_AUTH_ACCOUNTS"
        assert done["metadata"]["status"] == "requires_account_selection"
        assert list(shared(plaid, linked)) == ["3333"]


class TestOnADataTransparencyItem:
    def test_validating_auth_gains_the_users_consent_to_it(self, plaid: PlaidCaller) -> None:
        # The seed: on a DTM Item, product consent is added with additional_consented_products,
        # "not the products parameter, unless ... using Product Validations".
        linked = link_item(plaid, customization=save_dtm(plaid), masks=["3333"])
        done = complete(
            plaid,
            update_token(
                plaid, linked.access_token, products=["auth"], link_customization_name=DTM
            ),
            account_masks=["0000", "3333"],
        )
        assert done["status"] == "SUCCESS", done
        assert "auth" in item_of(plaid, linked)["consented_products"]
        numbers = plaid.ok("/auth/get", {"access_token": linked.access_token})["numbers"]["ach"]
        assert [n["account"] for n in numbers] == [CHECKING_ACCOUNT_NUMBER]


class TestPreventiveValidation:
    @pytest.mark.parametrize("products", [["auth"], ["identity"]])
    def test_removing_every_checking_account_from_an_auth_item_is_refused(
        self, plaid: PlaidCaller, client: TestClient, products: list[str]
    ) -> None:
        # Validating identity as well keeps the Auth the Item already has.
        linked = auth_item(plaid)
        frame = signed_in(
            client,
            update_token(
                plaid,
                linked.access_token,
                products=products,
                update={"account_selection_enabled": True},
            ),
        )
        select(frame, "3333")

        refused_for_auth(frame)
        assert list(shared(plaid, linked)) == ["0000", "3333"]
        plaid.ok("/auth/get", {"access_token": linked.access_token})

    def test_keeping_a_checking_account_is_accepted(
        self, plaid: PlaidCaller, client: TestClient
    ) -> None:
        linked = auth_item(plaid)
        frame = signed_in(
            client,
            update_token(
                plaid,
                linked.access_token,
                products=["auth"],
                update={"account_selection_enabled": True},
            ),
        )
        select(frame, "0000", "1111")
        finish(frame)
        numbers = plaid.ok("/auth/get", {"access_token": linked.access_token})["numbers"]["ach"]
        assert sorted(n["account"][-4:] for n in numbers) == ["0000", "1111"]

    def test_plain_update_mode_lets_the_user_remove_them(
        self, plaid: PlaidCaller, client: TestClient
    ) -> None:
        linked = auth_item(plaid)
        frame = signed_in(
            client,
            update_token(plaid, linked.access_token, update={"account_selection_enabled": True}),
        )
        select(frame, "3333")
        finish(frame)

        assert list(shared(plaid, linked)) == ["3333"]
        no_auth_accounts(plaid, linked)


class TestLinkTokenRules:
    @pytest.mark.parametrize(
        "products",
        [
            ["auth", "assets"],
            ["identity", "statements"],
            ["auth", "identity", "income_verification"],
        ],
    )
    def test_validations_cannot_join_adding_a_product(
        self, plaid: PlaidCaller, products: list[str]
    ) -> None:
        access_token = plaid.access_token()
        error = plaid.error("/link/token/create", update_request(access_token, products=products))
        assert (error["error_type"], error["error_code"]) == ("INVALID_REQUEST", "INVALID_FIELD")
        assert "cannot combine" in error["error_message"]

    @pytest.mark.parametrize("field", ["required_if_supported_products", "optional_products"])
    def test_auth_in_other_product_fields_does_not_start_validations(
        self, plaid: PlaidCaller, client: TestClient, field: str
    ) -> None:
        # The seed: "including auth or identity in other fields such as
        # required_if_supported_products or optional_products will not activate UMPV"; Plaid
        # accepts the token all the same.
        linked = link_item(plaid, masks=["3333"])
        frame = signed_in(client, update_token(plaid, linked.access_token, **{field: ["auth"]}))
        assert frame.view == "CONNECTED"
        assert "TRANSITION_VIEW:SELECT_ACCOUNT" not in frame.event_names()
        finish(frame)
        no_auth_accounts(plaid, linked)

    @pytest.mark.parametrize("products", [["auth"], ["identity"], ["auth", "identity"]])
    def test_auth_and_identity_are_accepted(self, plaid: PlaidCaller, products: list[str]) -> None:
        access_token = plaid.access_token()
        plaid.ok("/link/token/create", update_request(access_token, products=products))

    def test_a_product_the_institution_does_not_offer_is_refused(self, plaid: PlaidCaller) -> None:
        # American Express offers Identity but not Auth.
        access_token = plaid.access_token(institution_id="ins_10")
        error = plaid.error("/link/token/create", update_request(access_token, products=["auth"]))
        assert (error["error_type"], error["error_code"]) == (
            "ITEM_ERROR",
            "PRODUCTS_NOT_SUPPORTED",
        )
        plaid.ok("/link/token/create", update_request(access_token, products=["identity"]))
