"""Link customizations, which the seed's "Using update mode to request new accounts" (the
`link_customization_name` whose settings decide the Account Select pane's View Behavior) and
"Requesting additional consented products" (a customization with Data Transparency Messaging
enabled) rely on: saving and reading them, choosing one in /link/token/create, and Account Select
following a saved SINGLE_SELECT customization."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.testclient import TestClient

from tests.builders import PlaidCaller, link_token_request
from tests.link.helpers import FrameDriver
from tests.update_mode.helpers import (
    DEFAULT_USE_CASES,
    complete,
    link_item,
    save_customization,
    update_token,
)

# What a customization that sets none of Link's looks or words answers with.
PLAID_DEFAULT_LOOKS = {
    "background_color": None,
    "text_strings": {},
    "institution_select": {"mode": "AUTOMATIC", "institution_ids": []},
}


def get_customization(plaid: PlaidCaller, name: str) -> dict[str, Any]:
    found: dict[str, Any] = plaid.ok("/_gingham/link_customizations/get", {"name": name})[
        "link_customization"
    ]
    return found


def unknown_customization(plaid: PlaidCaller, path: str, body: dict[str, Any], name: str) -> None:
    error = plaid.error(path, body)
    assert (error["error_type"], error["error_code"]) == (
        "INVALID_INPUT",
        "INVALID_LINK_CUSTOMIZATION",
    )
    assert f"link_customization_name {name!r}" in error["error_message"]


def shared_masks(plaid: PlaidCaller, access_token: str) -> list[str]:
    accounts = plaid.ok("/accounts/get", {"access_token": access_token})["accounts"]
    return [account["mask"] for account in accounts]


class TestSaveAndGet:
    def test_a_saved_customization_reads_back_as_saved(self, plaid: PlaidCaller) -> None:
        saved = save_customization(
            plaid,
            "lending",
            account_select="SINGLE_SELECT",
            data_transparency_messaging={
                "enabled": True,
                "use_cases": ["Verify your income", "Check your balance before a payment"],
            },
        )
        expected = {
            "name": "lending",
            "account_select": "SINGLE_SELECT",
            "data_transparency_messaging": {
                "enabled": True,
                "use_cases": ["Verify your income", "Check your balance before a payment"],
            },
            **PLAID_DEFAULT_LOOKS,
        }
        assert saved == expected
        assert get_customization(plaid, "lending") == expected

    def test_data_transparency_without_use_cases_has_the_default_use_case(
        self, plaid: PlaidCaller
    ) -> None:
        save_customization(plaid, "dtm", data_transparency_messaging={"enabled": True})
        assert get_customization(plaid, "dtm") == {
            "name": "dtm",
            "account_select": "MULTI_SELECT",
            "data_transparency_messaging": {"enabled": True, "use_cases": DEFAULT_USE_CASES},
            **PLAID_DEFAULT_LOOKS,
        }

    def test_only_a_name_means_multi_select_without_data_transparency(
        self, plaid: PlaidCaller
    ) -> None:
        assert save_customization(plaid, "plain") == {
            "name": "plain",
            "account_select": "MULTI_SELECT",
            "data_transparency_messaging": {"enabled": False, "use_cases": []},
            **PLAID_DEFAULT_LOOKS,
        }

    def test_saving_the_same_name_again_replaces_it(self, plaid: PlaidCaller) -> None:
        save_customization(
            plaid,
            "mine",
            account_select="SINGLE_SELECT",
            data_transparency_messaging={"enabled": True, "use_cases": ["Budgeting"]},
        )
        save_customization(plaid, "mine", data_transparency_messaging={"enabled": False})
        # Replaced, not merged: what the second save left out is back to its default.
        assert get_customization(plaid, "mine") == {
            "name": "mine",
            "account_select": "MULTI_SELECT",
            "data_transparency_messaging": {"enabled": False, "use_cases": []},
            **PLAID_DEFAULT_LOOKS,
        }

    @pytest.mark.parametrize(
        ("name", "account_select"),
        [("default", "MULTI_SELECT"), ("single_account_select", "SINGLE_SELECT")],
    )
    def test_the_built_in_customizations(
        self, plaid: PlaidCaller, name: str, account_select: str
    ) -> None:
        assert get_customization(plaid, name) == {
            "name": name,
            "account_select": account_select,
            "data_transparency_messaging": {"enabled": False, "use_cases": []},
            **PLAID_DEFAULT_LOOKS,
        }

    def test_a_name_never_saved_is_not_found(self, plaid: PlaidCaller) -> None:
        unknown_customization(
            plaid, "/_gingham/link_customizations/get", {"name": "never-saved"}, "never-saved"
        )


class TestChoosingOneForALinkToken:
    def test_an_unknown_name_is_refused_naming_it(self, plaid: PlaidCaller) -> None:
        unknown_customization(
            plaid,
            "/link/token/create",
            link_token_request(link_customization_name="no-such-thing"),
            "no-such-thing",
        )

    def test_an_unknown_name_is_refused_in_update_mode_too(self, plaid: PlaidCaller) -> None:
        access_token = plaid.access_token()
        unknown_customization(
            plaid,
            "/link/token/create",
            link_token_request(
                products=None, access_token=access_token, link_customization_name="no-such-thing"
            ),
            "no-such-thing",
        )

    @pytest.mark.parametrize("name", ["default", "single_account_select", "saved-one"])
    def test_a_built_in_or_saved_name_is_accepted(self, plaid: PlaidCaller, name: str) -> None:
        save_customization(plaid, "saved-one")
        created = plaid.ok("/link/token/create", link_token_request(link_customization_name=name))
        assert created["link_token"].startswith("link-sandbox-")


class TestAnotherClient:
    def test_cannot_see_or_use_a_customization_it_did_not_save(
        self, plaid: PlaidCaller, other_plaid: PlaidCaller
    ) -> None:
        save_customization(plaid, "ours", account_select="SINGLE_SELECT")

        unknown_customization(
            other_plaid, "/_gingham/link_customizations/get", {"name": "ours"}, "ours"
        )
        unknown_customization(
            other_plaid,
            "/link/token/create",
            link_token_request(link_customization_name="ours"),
            "ours",
        )

    def test_saving_the_same_name_leaves_the_first_clients_alone(
        self, plaid: PlaidCaller, other_plaid: PlaidCaller
    ) -> None:
        save_customization(plaid, "shared-name", account_select="SINGLE_SELECT")
        save_customization(
            other_plaid, "shared-name", data_transparency_messaging={"enabled": True}
        )

        assert get_customization(plaid, "shared-name")["account_select"] == "SINGLE_SELECT"
        assert get_customization(plaid, "shared-name")["data_transparency_messaging"] == {
            "enabled": False,
            "use_cases": [],
        }
        assert get_customization(other_plaid, "shared-name")["account_select"] == "MULTI_SELECT"


class TestBadInput:
    @pytest.mark.parametrize(
        ("body", "error_code", "message"),
        [
            ({}, "MISSING_FIELDS", "the following required fields are missing: name"),
            ({"name": ""}, "INVALID_FIELD", "name must not be empty"),
            ({"name": 7}, "INVALID_FIELD", "name must be a string"),
            (
                {"name": "x", "colour": "teal"},
                "UNKNOWN_FIELDS",
                "the following fields are not recognized by this endpoint: colour",
            ),
            (
                {"name": "x", "account_select": "single"},
                "INVALID_FIELD",
                "account_select must be one of: MULTI_SELECT, SINGLE_SELECT (got 'single')",
            ),
            (
                {"name": "x", "data_transparency_messaging": True},
                "INVALID_FIELD",
                "data_transparency_messaging must be an object",
            ),
            (
                {"name": "x", "data_transparency_messaging": {}},
                "MISSING_FIELDS",
                "the following required fields are missing: data_transparency_messaging.enabled",
            ),
            (
                {"name": "x", "data_transparency_messaging": {"enabled": "yes"}},
                "INVALID_FIELD",
                "data_transparency_messaging.enabled must be a boolean",
            ),
            (
                {"name": "x", "data_transparency_messaging": {"enabled": True, "mode": "v2"}},
                "UNKNOWN_FIELDS",
                "the following fields are not recognized by this endpoint: "
                "data_transparency_messaging.mode",
            ),
            (
                {
                    "name": "x",
                    "data_transparency_messaging": {"enabled": True, "use_cases": "Budgeting"},
                },
                "INVALID_FIELD",
                "data_transparency_messaging.use_cases must be an array",
            ),
            (
                {"name": "x", "data_transparency_messaging": {"enabled": True, "use_cases": [3]}},
                "INVALID_FIELD",
                "data_transparency_messaging.use_cases[0] must be a string",
            ),
            (
                {"name": "x", "data_transparency_messaging": {"enabled": True, "use_cases": [""]}},
                "INVALID_FIELD",
                "data_transparency_messaging.use_cases[0] must not be empty",
            ),
        ],
    )
    def test_is_refused_with_plaids_error_and_nothing_is_saved(
        self, plaid: PlaidCaller, body: dict[str, Any], error_code: str, message: str
    ) -> None:
        error = plaid.error("/_gingham/link_customizations/save", body)
        assert (error["error_type"], error["error_code"]) == ("INVALID_REQUEST", error_code)
        assert error["error_message"] == message
        unknown_customization(plaid, "/_gingham/link_customizations/get", {"name": "x"}, "x")

    def test_get_needs_a_name(self, plaid: PlaidCaller) -> None:
        error = plaid.error("/_gingham/link_customizations/get", {})
        assert (error["error_type"], error["error_code"]) == ("INVALID_REQUEST", "MISSING_FIELDS")


class TestAccountSelectBehaviour:
    def test_a_saved_single_select_customization_takes_one_account(
        self, plaid: PlaidCaller, client: TestClient
    ) -> None:
        save_customization(plaid, "one-account", account_select="SINGLE_SELECT")
        frame = FrameDriver(
            client,
            plaid.ok(
                "/link/token/create", link_token_request(link_customization_name="one-account")
            )["link_token"],
        )
        frame.login()
        assert frame.view == "SELECT_ACCOUNT"
        assert frame.state["view"]["multi"] is False
        shown = {account["mask"]: account["id"] for account in frame.state["view"]["accounts"]}

        two = frame.post("select_accounts", account_ids=[shown["0000"], shown["1111"]])
        assert two.status_code == 400
        assert two.json()["error_code"] == "INVALID_FIELD"
        assert "exactly one account" in two.json()["error_message"]

        frame.act("select_accounts", account_ids=[shown["1111"]])
        outcome = frame.act("continue")["outcome"]
        assert outcome["type"] == "success"
        assert outcome["metadata"]["account_id"] == shown["1111"]
        access_token = plaid.ok(
            "/item/public_token/exchange", {"public_token": outcome["public_token"]}
        )["access_token"]
        assert shared_masks(plaid, access_token) == ["1111"]

    def test_a_saved_default_applies_when_the_token_names_none(
        self, plaid: PlaidCaller, other_plaid: PlaidCaller, client: TestClient
    ) -> None:
        save_customization(
            plaid, "default", data_transparency_messaging={"enabled": True, "use_cases": ["Tax"]}
        )
        frame = FrameDriver(
            client, plaid.ok("/link/token/create", link_token_request())["link_token"]
        )
        frame.start()
        assert frame.state["view"]["use_cases"] == ["Tax"]
        # Another client's default stays the built-in one.
        other = FrameDriver(
            client, other_plaid.ok("/link/token/create", link_token_request())["link_token"]
        )
        other.start()
        assert other.state["view"]["use_cases"] is None

    def test_a_saved_multi_select_customization_takes_several(
        self, plaid: PlaidCaller, client: TestClient
    ) -> None:
        save_customization(plaid, "many", account_select="MULTI_SELECT")
        frame = FrameDriver(
            client,
            plaid.ok("/link/token/create", link_token_request(link_customization_name="many"))[
                "link_token"
            ],
        )
        frame.login()
        assert frame.state["view"]["multi"] is True
        shown = {account["mask"]: account["id"] for account in frame.state["view"]["accounts"]}
        frame.act("select_accounts", account_ids=[shown["0000"], shown["1111"]])
        outcome = frame.act("continue")["outcome"]
        assert [account["mask"] for account in outcome["metadata"]["accounts"]] == [
            "0000",
            "1111",
        ]

    def test_update_mode_account_select_follows_a_saved_single_select(
        self, plaid: PlaidCaller, client: TestClient
    ) -> None:
        save_customization(plaid, "one-account", account_select="SINGLE_SELECT")
        linked = link_item(plaid, masks=["0000", "1111"])
        frame = FrameDriver(
            client,
            update_token(
                plaid,
                linked.access_token,
                link_customization_name="one-account",
                update={"account_selection_enabled": True},
            ),
        )
        frame.start()
        frame.act("continue")
        frame.act("submit_credentials", username="user_good", password="pass_good")
        assert frame.view == "SELECT_ACCOUNT"
        assert frame.state["view"]["multi"] is False
        ticked = [a["mask"] for a in frame.state["view"]["accounts"] if a["selected"]]
        assert ticked == ["0000"]

    def test_headless_link_with_single_select_takes_the_first_account_offered(
        self, plaid: PlaidCaller
    ) -> None:
        save_customization(plaid, "one-account", account_select="SINGLE_SELECT")
        link_token = plaid.ok(
            "/link/token/create", link_token_request(link_customization_name="one-account")
        )["link_token"]
        done = complete(plaid, link_token, account_masks=["1111", "3333"])
        assert done["status"] == "SUCCESS"
        assert [account["mask"] for account in done["metadata"]["accounts"]] == ["1111"]
