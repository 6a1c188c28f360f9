"""Link opened with a public key (Plaid's legacy Plaid.create), through the frame's API."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy.orm import Session, sessionmaker
from starlette.testclient import TestClient

from gingham.clients import public_keys
from tests.builders import PlaidCaller, link_token_request
from tests.link.helpers import FrameDriver, LegacyFrameDriver


@pytest.fixture
def public_key(session_factory: sessionmaker[Session], credentials: dict[str, str]) -> str:
    with session_factory() as session, session.begin():
        return public_keys.public_key_of(session, credentials["client_id"])


@pytest.fixture
def switch(
    session_factory: sessionmaker[Session], credentials: dict[str, str]
) -> Callable[..., None]:
    """Turns the client's public key switches, as the dashboard did."""

    def turn(environment: str, **switches: bool) -> None:
        with session_factory() as session, session.begin():
            public_keys.set_switches(session, credentials["client_id"], environment, **switches)

    return turn


def legacy_frame(client: TestClient, public_key: str, **options: Any) -> LegacyFrameDriver:
    return LegacyFrameDriver(client, public_key, **options)


def start_error(client: TestClient, public_key: str, **options: Any) -> dict[str, Any]:
    response = legacy_frame(client, public_key, **options).start_response()
    assert response.status_code == 400, response.text
    error: dict[str, Any] = response.json()
    return error


class TestLinking:
    def test_links_an_item_the_app_exchanges(
        self, client: TestClient, plaid: PlaidCaller, public_key: str
    ) -> None:
        frame = legacy_frame(client, public_key)
        outcome = frame.link()
        assert outcome["type"] == "success"
        exchanged = plaid.ok(
            "/item/public_token/exchange", {"public_token": outcome["public_token"]}
        )
        item = plaid.ok("/item/get", {"access_token": exchanged["access_token"]})["item"]
        assert item["institution_id"] == "ins_109508"
        assert item["webhook"] in (None, "")

    def test_options_reach_the_link_token(
        self, client: TestClient, plaid: PlaidCaller, public_key: str
    ) -> None:
        frame = legacy_frame(
            client, public_key, product=["auth"], webhook="https://app.example.com/hook"
        )
        outcome = frame.link()
        access_token = plaid.ok(
            "/item/public_token/exchange", {"public_token": outcome["public_token"]}
        )["access_token"]
        item = plaid.ok("/item/get", {"access_token": access_token})["item"]
        assert item["webhook"] == "https://app.example.com/hook"
        assert "auth" in item["products"] or "auth" in item["billed_products"]

    def test_one_product_may_be_a_string(self, client: TestClient, public_key: str) -> None:
        frame = legacy_frame(client, public_key, product="transactions")
        assert frame.link()["type"] == "success"

    def test_onsuccess_metadata_takes_the_legacy_shape(
        self, client: TestClient, public_key: str
    ) -> None:
        frame = legacy_frame(client, public_key)
        frame.login()
        offered = [a["id"] for a in frame.state["view"]["accounts"]]
        frame.act("select_accounts", account_ids=offered[:2])
        metadata = frame.act("continue")["outcome"]["metadata"]
        assert set(metadata) == {"institution", "accounts", "link_session_id"}
        assert metadata["institution"] == {
            "name": "First Platypus Bank",
            "institution_id": "ins_109508",
        }
        assert [a["id"] for a in metadata["accounts"]] == offered[:2]
        assert set(metadata["accounts"][0]) == {
            "id",
            "name",
            "mask",
            "type",
            "subtype",
            "verification_status",
        }
        assert metadata["link_session_id"] == frame.state["link_session_id"]

    def test_select_account_asks_for_exactly_one(self, client: TestClient, public_key: str) -> None:
        frame = legacy_frame(client, public_key, selectAccount=True)
        frame.login()
        assert frame.state["view"]["multi"] is False
        ids = [a["id"] for a in frame.state["view"]["accounts"]]
        assert frame.post("select_accounts", account_ids=ids[:2]).status_code == 400
        frame.act("select_accounts", account_ids=ids[1:2])
        metadata = frame.act("continue")["outcome"]["metadata"]
        assert metadata["account_id"] == ids[1]
        assert metadata["account"]["id"] == ids[1]
        assert [a["id"] for a in metadata["accounts"]] == [ids[1]]

    def test_account_subtypes_filter_the_accounts(
        self, client: TestClient, public_key: str
    ) -> None:
        frame = legacy_frame(client, public_key, accountSubtypes={"credit": ["credit card"]})
        frame.login()
        assert [a["mask"] for a in frame.state["view"]["accounts"]] == ["3333", "9999"]

    def test_a_link_token_makes_the_legacy_options_ignored(
        self, client: TestClient, plaid: PlaidCaller, public_key: str
    ) -> None:
        link_token = plaid.ok("/link/token/create", link_token_request(client_name="Modern"))[
            "link_token"
        ]
        frame = legacy_frame(
            client, public_key, token=link_token, clientName="Legacy", selectAccount=True
        )
        frame.start()
        assert frame.link_token == link_token
        assert frame.state["view"]["client_name"] == "Modern"


class TestKeptOutOfTheLogs:
    def test_link_token_get_does_not_know_the_session(
        self, client: TestClient, plaid: PlaidCaller, public_key: str
    ) -> None:
        frame = legacy_frame(client, public_key)
        frame.link()
        error = plaid.error("/link/token/get", {"link_token": frame.link_token})
        assert error["error_code"] == "INVALID_LINK_TOKEN"


class TestUpdateMode:
    def test_a_public_token_repairs_its_item(
        self, client: TestClient, plaid: PlaidCaller, public_key: str
    ) -> None:
        outcome = legacy_frame(client, public_key).link()
        access_token = plaid.ok(
            "/item/public_token/exchange", {"public_token": outcome["public_token"]}
        )["access_token"]
        plaid.ok("/sandbox/item/reset_login", {"access_token": access_token})
        public_token = plaid.ok("/item/public_token/create", {"access_token": access_token})[
            "public_token"
        ]

        frame = legacy_frame(client, public_key, token=public_token)
        frame.start()
        frame.act("continue")
        assert frame.view == "CREDENTIAL"
        frame.act("submit_credentials", username="user_good", password="pass_good")
        assert frame.view == "CONNECTED"
        final = frame.act("continue")
        assert final["outcome"]["type"] == "success"
        assert final["outcome"]["metadata"]["institution"]["institution_id"] == "ins_109508"
        item = plaid.ok("/item/get", {"access_token": access_token})["item"]
        assert item["error"] is None

    def test_another_clients_public_token_is_refused(
        self, client: TestClient, other_plaid: PlaidCaller, public_key: str
    ) -> None:
        access_token = other_plaid.access_token()
        public_token = other_plaid.ok("/item/public_token/create", {"access_token": access_token})[
            "public_token"
        ]
        error = start_error(client, public_key, token=public_token)
        assert error["error_code"] == "INVALID_PUBLIC_TOKEN"

    def test_token_that_is_neither_public_nor_link_token(
        self, client: TestClient, public_key: str
    ) -> None:
        error = start_error(client, public_key, token="access-sandbox-nope")
        assert error["error_code"] == "INVALID_FIELD"
        assert "token" in error["error_message"]


class TestOAuthNeedsALinkToken:
    def test_an_oauth_institution_shows_the_error(
        self, client: TestClient, public_key: str
    ) -> None:
        frame = legacy_frame(client, public_key)
        frame.start()
        frame.act("continue")
        frame.act("select_institution", institution_id="ins_127287")
        assert frame.view == "ERROR"
        error = frame.state["view"]["error"]
        assert error["error_code"] == "INVALID_FIELD"
        assert "link_token" in error["error_message"]
        # Another bank, without OAuth, still links.
        frame.act("retry")
        assert frame.view == "SELECT_INSTITUTION"

    def test_update_mode_for_an_oauth_item_is_refused(
        self, client: TestClient, plaid: PlaidCaller, public_key: str
    ) -> None:
        access_token = plaid.access_token(institution_id="ins_127287")
        public_token = plaid.ok("/item/public_token/create", {"access_token": access_token})[
            "public_token"
        ]
        error = start_error(client, public_key, token=public_token)
        assert error["error_code"] == "INVALID_FIELD"
        assert "Platypus OAuth Bank" in error["error_message"]
        assert "link_token" in error["error_message"]

    def test_payment_token_is_refused(self, client: TestClient, public_key: str) -> None:
        error = start_error(client, public_key, paymentToken="payment-token-sandbox-1")
        assert error["error_code"] == "INVALID_FIELD"
        assert "paymentToken" in error["error_message"]
        assert "link_token" in error["error_message"]


SwitchTurner = Callable[..., None]


class TestLinkSwitch:
    def test_disabled_link_refuses_the_key_but_not_link_tokens(
        self, client: TestClient, plaid: PlaidCaller, public_key: str, switch: SwitchTurner
    ) -> None:
        switch("sandbox", link=False)
        response = legacy_frame(client, public_key).start_response()
        assert response.status_code >= 400
        error = response.json()
        assert error["error_type"] and error["error_code"]
        assert "sandbox" in error["error_message"]

        token = plaid.ok("/link/token/create", link_token_request())["link_token"]
        frame = FrameDriver(client, token)
        frame.start()
        assert frame.view == "CONSENT"

    def test_each_environment_is_switched_separately(
        self, client: TestClient, public_key: str, switch: SwitchTurner
    ) -> None:
        switch("production", link=False)
        assert legacy_frame(client, public_key).link()["type"] == "success"
        error = start_error(client, public_key, env="production")
        assert "production" in error["error_message"]
        switch("production", link=True)
        switch("sandbox", link=False)
        frame = legacy_frame(client, public_key, env="production")
        frame.start()
        assert frame.link_token.startswith("link-production-")
        assert "sandbox" in start_error(client, public_key)["error_message"]

    def test_the_api_switch_leaves_link_alone(
        self, client: TestClient, public_key: str, switch: SwitchTurner
    ) -> None:
        switch("sandbox", api=False)
        assert legacy_frame(client, public_key).link()["type"] == "success"

    def test_link_on_again_works_again(
        self, client: TestClient, public_key: str, switch: SwitchTurner
    ) -> None:
        switch("sandbox", link=False)
        switch("sandbox", link=True)
        assert legacy_frame(client, public_key).link()["type"] == "success"


class TestBadInput:
    def test_unknown_public_key(self, client: TestClient) -> None:
        response = legacy_frame(client, "public-sandbox-unknown").start_response()
        assert response.status_code >= 400
        error = response.json()
        assert error["error_code"] and "public_key" in error["error_message"]

    def test_neither_link_token_nor_public_key(self, client: TestClient) -> None:
        response = client.post("/link/frame/sessions", json={})
        assert response.status_code == 400
        assert response.json()["error_code"] == "MISSING_FIELDS"

    @pytest.mark.parametrize(
        ("option", "value", "code"),
        [
            ("clientName", 5, "INVALID_FIELD"),
            ("clientName", None, "MISSING_FIELDS"),
            ("env", "development", "INVALID_FIELD"),
            ("env", None, "MISSING_FIELDS"),
            ("product", None, "MISSING_FIELDS"),
            ("product", [], "INVALID_FIELD"),
            ("product", [3], "INVALID_FIELD"),
            ("product", ["not_a_product"], "INVALID_PRODUCT"),
            ("countryCodes", "US", "INVALID_FIELD"),
            ("countryCodes", ["usa"], "INVALID_FIELD"),
            ("countryCodes", ["ZZ"], "INVALID_FIELD"),
            ("countryCodes", [], "INVALID_FIELD"),
            ("language", 1, "INVALID_FIELD"),
            ("language", "xx", "INVALID_FIELD"),
            ("webhook", "not a url", "INVALID_FIELD"),
            ("accountSubtypes", ["checking"], "INVALID_FIELD"),
            ("accountSubtypes", {"depository": "checking"}, "INVALID_FIELD"),
            ("accountSubtypes", {"savings": ["checking"]}, "INVALID_FIELD"),
            ("accountSubtypes", {"credit": ["checking"]}, "INVALID_FIELD"),
            ("accountSubtypes", {}, "INVALID_FIELD"),
            ("selectAccount", "yes", "INVALID_FIELD"),
            ("token", 7, "INVALID_FIELD"),
            ("userLegalName", 1, "INVALID_FIELD"),
            ("userEmailAddress", [], "INVALID_FIELD"),
            ("oauthNonce", 1, "INVALID_FIELD"),
            ("oauthRedirectUri", 1, "INVALID_FIELD"),
            ("paymentToken", 1, "INVALID_FIELD"),
        ],
    )
    def test_a_bad_option_is_named(
        self, client: TestClient, public_key: str, option: str, value: Any, code: str
    ) -> None:
        frame = legacy_frame(client, public_key)
        if value is None:
            frame.options.pop(option, None)
        else:
            frame.options[option] = value
        response = frame.start_response()
        assert response.status_code == 400, response.text
        error = response.json()
        assert error["error_code"] == code
        named = "webhook" if option == "webhook" else option
        assert named in error["error_message"] or (
            option == "product" and "not_a_product" in error["error_message"]
        )
