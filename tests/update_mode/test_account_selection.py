"""Update mode that asks the user which accounts to share (update.account_selection_enabled), at a
credential bank: Account Select after the sign-in, offering the login's accounts as the bank holds
them now, and the Item then shares exactly what was selected."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.testclient import TestClient

from tests.builders import PlaidCaller, link_token_request
from tests.link.helpers import FrameDriver

BANK = "ins_109508"
HOLIDAY_FUND = {
    "type": "depository",
    "subtype": "savings",
    "starting_balance": 2500,
    "meta": {"name": "Holiday fund", "mask": "4321"},
}
# user_good's accounts that suit transactions (the Items' product), in the bank's order.
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


def link_with(plaid: PlaidCaller, masks: list[str], institution_id: str = BANK) -> str:
    """An Item sharing the accounts with these masks, linked through Link; its access token."""
    token = plaid.ok("/link/token/create", link_token_request())["link_token"]
    done = plaid.ok(
        "/_gingham/link/complete",
        {"link_token": token, "institution_id": institution_id, "account_masks": masks},
    )
    access_token: str = plaid.ok(
        "/item/public_token/exchange", {"public_token": done["public_token"]}
    )["access_token"]
    return access_token


def update_token(plaid: PlaidCaller, access_token: str, **options: Any) -> str:
    request = link_token_request(
        products=None,
        access_token=access_token,
        update={"account_selection_enabled": True},
        **options,
    )
    token: str = plaid.ok("/link/token/create", request)["link_token"]
    return token


def sign_in_again(client: TestClient, link_token: str) -> FrameDriver:
    frame = FrameDriver(client, link_token)
    frame.start()
    frame.act("continue")
    frame.act("submit_credentials", username="user_good", password="pass_good")
    return frame


def offered(frame: FrameDriver) -> dict[str, dict[str, Any]]:
    """The accounts Account Select shows, by mask."""
    assert frame.view == "SELECT_ACCOUNT", frame.state["view"]
    return {account["mask"]: account for account in frame.state["view"]["accounts"]}


def select(frame: FrameDriver, *masks: str) -> dict[str, Any]:
    shown = offered(frame)
    frame.act("select_accounts", account_ids=[shown[mask]["id"] for mask in masks])
    assert frame.view == "CONNECTED", frame.state["view"]
    outcome: dict[str, Any] = frame.act("continue")["outcome"]
    assert outcome["type"] == "success"
    return outcome


def shared(plaid: PlaidCaller, access_token: str) -> dict[str, dict[str, Any]]:
    """The accounts /accounts/get returns, by mask."""
    accounts = plaid.ok("/accounts/get", {"access_token": access_token})["accounts"]
    return {account["mask"]: account for account in accounts}


def open_account(plaid: PlaidCaller, spec: dict[str, Any], institution_id: str = BANK) -> None:
    plaid.ok(
        "/_gingham/bank/accounts/open",
        {"institution_id": institution_id, "username": "user_good", "account": spec},
    )


class TestAccountSelect:
    def test_shared_accounts_are_ticked_under_their_ids_and_a_new_one_is_offered(
        self, plaid: PlaidCaller, client: TestClient
    ) -> None:
        access_token = link_with(plaid, ["0000", "1111", "3333"])
        before = shared(plaid, access_token)
        open_account(plaid, HOLIDAY_FUND)

        frame = sign_in_again(client, update_token(plaid, access_token))
        shown = offered(frame)
        assert list(shown) == [*TRANSACTIONS_MASKS, "4321"]
        assert {mask for mask, account in shown.items() if account["selected"]} == {
            "0000",
            "1111",
            "3333",
        }
        for mask in ("0000", "1111", "3333"):
            assert shown[mask]["id"] == before[mask]["account_id"]
        assert shown["4321"]["name"] == "Holiday fund"
        assert frame.state["view"]["multi"] is True
        assert frame.state["view"]["update_mode"] is True
        assert frame.events[0]["metadata"]["is_update_mode"] == "true"
        assert frame.event_names()[-3:] == [
            "SUBMIT_CREDENTIALS",
            "TRANSITION_VIEW:LOADING",
            "TRANSITION_VIEW:SELECT_ACCOUNT",
        ]

    def test_without_account_selection_update_mode_does_not_show_it(
        self, plaid: PlaidCaller, client: TestClient
    ) -> None:
        access_token = link_with(plaid, ["0000"])
        open_account(plaid, HOLIDAY_FUND)
        token = plaid.ok(
            "/link/token/create", link_token_request(products=None, access_token=access_token)
        )["link_token"]
        frame = sign_in_again(client, token)
        assert frame.view == "CONNECTED"
        assert "TRANSITION_VIEW:SELECT_ACCOUNT" not in frame.event_names()
        outcome = frame.act("continue")["outcome"]
        assert [a["mask"] for a in outcome["metadata"]["accounts"]] == ["0000"]
        assert list(shared(plaid, access_token)) == ["0000"]

    def test_leaving_account_select_changes_nothing(
        self, plaid: PlaidCaller, client: TestClient
    ) -> None:
        access_token = link_with(plaid, ["0000", "1111"])
        before = shared(plaid, access_token)
        frame = sign_in_again(client, update_token(plaid, access_token))
        outcome = frame.act("force_exit")["outcome"]
        assert (outcome["type"], outcome["metadata"]["status"]) == (
            "exit",
            "requires_account_selection",
        )
        assert shared(plaid, access_token) == before


class TestAddingAnAccount:
    def test_a_newly_opened_account_is_shared_with_its_data(
        self, plaid: PlaidCaller, client: TestClient
    ) -> None:
        access_token = link_with(plaid, ["0000", "1111", "3333"])
        item_id = plaid.ok("/item/get", {"access_token": access_token})["item"]["item_id"]
        before = shared(plaid, access_token)
        open_account(plaid, HOLIDAY_FUND)

        frame = sign_in_again(client, update_token(plaid, access_token))
        outcome = select(frame, "0000", "1111", "3333", "4321")

        after = shared(plaid, access_token)
        assert list(after) == ["0000", "1111", "3333", "4321"]
        for mask in ("0000", "1111", "3333"):
            assert after[mask]["account_id"] == before[mask]["account_id"]
        holiday = after["4321"]
        assert (holiday["name"], holiday["subtype"]) == ("Holiday fund", "savings")
        assert (holiday["balances"]["available"], holiday["balances"]["current"]) == (2500, 2500)
        assert [(a["id"], a["mask"]) for a in outcome["metadata"]["accounts"]] == [
            (after[mask]["account_id"], mask) for mask in ("0000", "1111", "3333", "4321")
        ]
        # The same Item and access token.
        assert plaid.ok("/item/get", {"access_token": access_token})["item"]["item_id"] == item_id
        numbers = plaid.ok("/auth/get", {"access_token": access_token})["numbers"]["ach"]
        assert holiday["account_id"] in {n["account_id"] for n in numbers}
        balances = plaid.ok(
            "/accounts/balance/get",
            {"access_token": access_token, "options": {"account_ids": [holiday["account_id"]]}},
        )["accounts"]
        assert balances[0]["balances"]["current"] == 2500

    def test_the_headless_session_takes_account_masks(
        self, plaid: PlaidCaller, client: TestClient
    ) -> None:
        # /sandbox/public_token/create shares every account of the login.
        access_token = plaid.access_token()
        open_account(plaid, HOLIDAY_FUND)
        done = plaid.ok(
            "/_gingham/link/complete",
            {"link_token": update_token(plaid, access_token), "account_masks": ["0000", "4321"]},
        )
        assert done["status"] == "SUCCESS"
        assert [a["mask"] for a in done["metadata"]["accounts"]] == ["0000", "4321"]
        # The IRA and the 401k suit no product of the Item's, so Link never offered them: they
        # stay shared.
        assert list(shared(plaid, access_token)) == ["0000", "5555", "6666", "4321"]


class TestDeselecting:
    def test_a_deselected_account_is_no_longer_returned(
        self, plaid: PlaidCaller, client: TestClient
    ) -> None:
        access_token = link_with(plaid, ["0000", "1111", "3333"])
        gone = shared(plaid, access_token)["1111"]["account_id"]

        frame = sign_in_again(client, update_token(plaid, access_token))
        outcome = select(frame, "0000", "3333")

        assert [a["mask"] for a in outcome["metadata"]["accounts"]] == ["0000", "3333"]
        assert list(shared(plaid, access_token)) == ["0000", "3333"]
        numbers = plaid.ok("/auth/get", {"access_token": access_token})["numbers"]["ach"]
        assert gone not in {n["account_id"] for n in numbers}
        balances = plaid.ok("/accounts/balance/get", {"access_token": access_token})["accounts"]
        assert [a["mask"] for a in balances] == ["0000", "3333"]
        for path in ("/accounts/balance/get", "/auth/get", "/accounts/get"):
            error = plaid.error(
                path, {"access_token": access_token, "options": {"account_ids": [gone]}}
            )
            assert error["error_code"] == "INVALID_ACCOUNT_ID", path

    def test_selecting_it_again_brings_back_the_same_account_id(
        self, plaid: PlaidCaller, client: TestClient
    ) -> None:
        access_token = link_with(plaid, ["0000", "1111"])
        original = shared(plaid, access_token)["1111"]["account_id"]
        select(sign_in_again(client, update_token(plaid, access_token)), "0000")

        frame = sign_in_again(client, update_token(plaid, access_token))
        again = offered(frame)["1111"]
        assert (again["id"], again["selected"]) == (original, False)
        select(frame, "0000", "1111")
        assert shared(plaid, access_token)["1111"]["account_id"] == original


class TestAccountFilters:
    def test_filters_limit_what_is_offered_and_leave_hidden_accounts_as_they_were(
        self, plaid: PlaidCaller, client: TestClient
    ) -> None:
        access_token = link_with(plaid, ["0000", "1111", "3333"])
        open_account(plaid, HOLIDAY_FUND)
        open_account(plaid, {"type": "credit", "subtype": "credit card", "meta": {"mask": "8765"}})
        filters = {"depository": {"account_subtypes": ["checking", "savings"]}}
        frame = sign_in_again(client, update_token(plaid, access_token, account_filters=filters))
        assert list(offered(frame)) == ["0000", "1111", "4321"]

        outcome = select(frame, "1111", "4321")
        assert [a["mask"] for a in outcome["metadata"]["accounts"]] == ["1111", "4321"]
        # The credit card was hidden by the filters: the user made no choice about it.
        assert list(shared(plaid, access_token)) == ["1111", "3333", "4321"]

    def test_filters_need_account_selection(self, plaid: PlaidCaller) -> None:
        access_token = link_with(plaid, ["0000"])
        error = plaid.error(
            "/link/token/create",
            link_token_request(
                products=None,
                access_token=access_token,
                account_filters={"depository": {"account_subtypes": ["checking"]}},
            ),
        )
        assert (error["error_type"], error["error_code"]) == ("INVALID_REQUEST", "INVALID_FIELD")
        assert "update.account_selection_enabled" in error["error_message"]


class TestSingleAccountCustomization:
    def test_one_account_is_chosen_and_the_item_shares_only_it(
        self, plaid: PlaidCaller, client: TestClient
    ) -> None:
        access_token = link_with(plaid, ["0000", "1111"])
        token = update_token(plaid, access_token, link_customization_name="single_account_select")
        frame = sign_in_again(client, token)
        assert frame.state["view"]["multi"] is False
        shown = offered(frame)
        assert [mask for mask, a in shown.items() if a["selected"]] == ["0000"]

        two = frame.post("select_accounts", account_ids=[shown["0000"]["id"], shown["1111"]["id"]])
        assert two.status_code == 400
        assert "exactly one account" in two.json()["error_message"]

        outcome = select(frame, "1111")
        assert [a["mask"] for a in outcome["metadata"]["accounts"]] == ["1111"]
        assert outcome["metadata"]["account_id"] == shown["1111"]["id"]
        assert list(shared(plaid, access_token)) == ["1111"]


class TestUkAndEu:
    @pytest.mark.parametrize("institution_id", ["ins_117650", "ins_116834"])
    def test_account_selection_is_refused_for_a_uk_item(
        self, plaid: PlaidCaller, institution_id: str
    ) -> None:
        access_token = plaid.access_token(institution_id=institution_id)
        request = link_token_request(
            products=None,
            access_token=access_token,
            country_codes=["GB"],
            update={"account_selection_enabled": True},
        )
        error = plaid.error("/link/token/create", request)
        assert (error["error_type"], error["error_code"]) == ("INVALID_REQUEST", "INVALID_FIELD")
        assert "UK or the EU" in error["error_message"]
        assert "/item/remove" in error["error_message"]
        # Plain update mode (re-authentication) is still available there.
        plaid.ok("/link/token/create", {**request, "update": {}})
