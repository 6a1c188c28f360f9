"""Legacy public keys over HTTP: the management endpoints (Plaid's dashboard switches), the three
endpoints that take a public_key in place of client_id and secret, and every refusal."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import httpx2 as httpx
import pytest
from sqlalchemy.orm import Session, sessionmaker
from starlette.testclient import TestClient

from gingham.app import create_app
from gingham.clock import FrozenClock
from gingham.config import Settings
from tests.builders import PlaidCaller

GET = "/_gingham/client/public_key/get"
SET = "/_gingham/client/public_key/set"
ALL_ON = {"sandbox": {"link": True, "api": True}, "production": {"link": True, "api": True}}
SEARCH = {"query": "Platypus", "products": ["transactions"], "country_codes": ["US"]}
BY_ID = {"institution_id": "ins_109508", "country_codes": ["US"]}
SANDBOX_ITEM = {"institution_id": "ins_109508", "initial_products": ["transactions"]}
# The three endpoints Plaid's legacy API let a public key call, with a body each accepts.
LEGACY_CALLS = [
    ("/institutions/search", SEARCH),
    ("/institutions/get_by_id", BY_ID),
    ("/sandbox/public_token/create", SANDBOX_ITEM),
]


def public_key(plaid: PlaidCaller) -> str:
    key: str = plaid.ok(GET)["public_key"]
    return key


def with_key(client: TestClient, path: str, body: dict[str, Any], **extra: Any) -> httpx.Response:
    """A legacy call: the public key in the body and no credential headers, as Plaid's old
    client libraries sent it."""
    return client.post(path, json={**body, **extra}, headers={"Plaid-Version": "2020-09-14"})


def refusal(response: httpx.Response, status: int = 400) -> dict[str, Any]:
    assert response.status_code == status, response.text
    error: dict[str, Any] = response.json()
    assert error["request_id"]
    return error


class TestManagement:
    def test_get_answers_the_key_and_every_switch_on(self, plaid: PlaidCaller) -> None:
        got = plaid.ok(GET, {})
        assert set(got) == {"public_key", "environments"}
        assert len(got["public_key"]) == 30
        assert got["environments"] == ALL_ON
        assert plaid.ok(GET) == got

    def test_each_client_has_its_own_key(
        self, plaid: PlaidCaller, other_plaid: PlaidCaller
    ) -> None:
        assert public_key(plaid) != public_key(other_plaid)

    def test_set_switches_one_or_both_in_one_environment(self, plaid: PlaidCaller) -> None:
        key = public_key(plaid)
        after = plaid.ok(SET, {"environment": "sandbox", "link": False})
        assert after == {
            "public_key": key,
            "environments": {
                "sandbox": {"link": False, "api": True},
                "production": {"link": True, "api": True},
            },
        }
        after = plaid.ok(SET, {"environment": "production", "link": False, "api": False})
        assert after["environments"]["production"] == {"link": False, "api": False}
        assert after["environments"]["sandbox"] == {"link": False, "api": True}
        after = plaid.ok(SET, {"environment": "sandbox", "link": True})
        assert after["environments"]["sandbox"] == {"link": True, "api": True}
        assert plaid.ok(SET, {"environment": "sandbox"})["environments"] == after["environments"]
        assert plaid.ok(GET)["environments"] == after["environments"]

    def test_one_clients_switches_leave_anothers_alone(
        self, plaid: PlaidCaller, other_plaid: PlaidCaller
    ) -> None:
        plaid.ok(SET, {"environment": "sandbox", "link": False, "api": False})
        assert other_plaid.ok(GET)["environments"] == ALL_ON

    @pytest.mark.parametrize(
        ("body", "code", "named"),
        [
            ({}, "MISSING_FIELDS", "environment"),
            ({"link": False}, "MISSING_FIELDS", "environment"),
            ({"environment": "development"}, "INVALID_FIELD", "environment"),
            ({"environment": 1}, "INVALID_FIELD", "environment"),
            ({"environment": "sandbox", "link": "no"}, "INVALID_FIELD", "link"),
            ({"environment": "sandbox", "api": None}, "INVALID_FIELD", "api"),
            ({"environment": "sandbox", "api": 0}, "INVALID_FIELD", "api"),
            ({"environment": "sandbox", "key": "x"}, "UNKNOWN_FIELDS", "key"),
        ],
    )
    def test_bad_switch_requests_name_the_field(
        self, plaid: PlaidCaller, body: dict[str, Any], code: str, named: str
    ) -> None:
        error = plaid.error(SET, body)
        assert (error["error_type"], error["error_code"]) == ("INVALID_REQUEST", code)
        assert named in error["error_message"]
        assert plaid.ok(GET)["environments"] == ALL_ON

    def test_get_takes_no_fields(self, plaid: PlaidCaller) -> None:
        assert plaid.error(GET, {"environment": "sandbox"})["error_code"] == "UNKNOWN_FIELDS"

    def test_the_key_cannot_manage_itself(self, plaid: PlaidCaller) -> None:
        key = public_key(plaid)
        for path, body in ((GET, {}), (SET, {"environment": "sandbox", "api": True})):
            error = refusal(with_key(plaid.client, path, body, public_key=key))
            assert (error["error_type"], error["error_code"]) == (
                "INVALID_REQUEST",
                "INCOMPATIBLE_API_VERSION",
            )

    def test_credentials_are_required(self, plaid: PlaidCaller) -> None:
        error = refusal(plaid.post(GET, {}, authenticated=False))
        assert error["error_code"] == "MISSING_FIELDS"


class TestLegacyCalls:
    @pytest.mark.parametrize(("path", "body"), LEGACY_CALLS)
    def test_a_public_key_calls_in_place_of_client_id_and_secret(
        self, plaid: PlaidCaller, path: str, body: dict[str, Any]
    ) -> None:
        response = with_key(plaid.client, path, body, public_key=public_key(plaid))
        assert response.status_code == 200, response.text
        assert response.json()["request_id"]

    def test_institutions_answer_as_they_do_for_the_secret(self, plaid: PlaidCaller) -> None:
        key = public_key(plaid)
        for path, body in LEGACY_CALLS[:2]:
            legacy = with_key(plaid.client, path, body, public_key=key).json()
            legacy.pop("request_id")
            assert legacy == plaid.ok(path, body)

    def test_a_sandbox_public_token_made_with_the_key_is_its_clients(
        self, plaid: PlaidCaller, other_plaid: PlaidCaller
    ) -> None:
        response = with_key(
            plaid.client, "/sandbox/public_token/create", SANDBOX_ITEM, public_key=public_key(plaid)
        )
        public_token = response.json()["public_token"]
        assert public_token.startswith("public-sandbox-")
        error = other_plaid.error("/item/public_token/exchange", {"public_token": public_token})
        assert error["error_code"] == "INVALID_PUBLIC_TOKEN"
        exchanged = plaid.ok("/item/public_token/exchange", {"public_token": public_token})
        assert exchanged["access_token"].startswith("access-sandbox-")

    def test_a_key_reaches_only_its_own_client(
        self, plaid: PlaidCaller, other_plaid: PlaidCaller
    ) -> None:
        # The other client's key makes the other client's Item, never this one's.
        response = with_key(
            plaid.client,
            "/sandbox/public_token/create",
            SANDBOX_ITEM,
            public_key=public_key(other_plaid),
        )
        public_token = response.json()["public_token"]
        assert plaid.error("/item/public_token/exchange", {"public_token": public_token})[
            "error_code"
        ] == ("INVALID_PUBLIC_TOKEN")
        other_plaid.ok("/item/public_token/exchange", {"public_token": public_token})

    @pytest.mark.parametrize(
        "path",
        ["/institutions/get", "/item/get", "/link/token/create", "/item/public_token/exchange"],
    )
    def test_no_other_endpoint_takes_a_key(self, plaid: PlaidCaller, path: str) -> None:
        error = refusal(with_key(plaid.client, path, {}, public_key=public_key(plaid)))
        assert (error["error_type"], error["error_code"]) == (
            "INVALID_REQUEST",
            "INCOMPATIBLE_API_VERSION",
        )
        assert path in error["error_message"]
        assert "client_id and secret" in error["error_message"]


class TestApiSwitch:
    @pytest.mark.parametrize(("path", "body"), LEGACY_CALLS)
    def test_switched_off_the_key_is_refused_and_the_secret_still_works(
        self, plaid: PlaidCaller, path: str, body: dict[str, Any]
    ) -> None:
        key = public_key(plaid)
        plaid.ok(SET, {"environment": "sandbox", "api": False})
        error = refusal(with_key(plaid.client, path, body, public_key=key))
        assert (error["error_type"], error["error_code"]) == ("INVALID_INPUT", "INVALID_API_KEYS")
        assert error["error_message"] == (
            "the public_key is disabled for the API in the sandbox environment. "
            f"Call {path} with your client_id and secret instead"
        )
        plaid.ok(path, body)

    def test_switched_on_again_the_key_works(self, plaid: PlaidCaller) -> None:
        key = public_key(plaid)
        plaid.ok(SET, {"environment": "sandbox", "api": False})
        plaid.ok(SET, {"environment": "sandbox", "api": True})
        assert with_key(plaid.client, *LEGACY_CALLS[0], public_key=key).status_code == 200

    def test_other_switches_leave_the_sandbox_api_on(self, plaid: PlaidCaller) -> None:
        key = public_key(plaid)
        plaid.ok(SET, {"environment": "production", "api": False, "link": False})
        plaid.ok(SET, {"environment": "sandbox", "link": False})
        assert with_key(plaid.client, *LEGACY_CALLS[0], public_key=key).status_code == 200


class TestBadKeys:
    @pytest.mark.parametrize("key", ["0" * 30, "f" * 29, "not-a-key", "x" * 5000, "a\u0000b"])
    def test_an_unknown_key_is_named(self, plaid: PlaidCaller, key: str) -> None:
        error = refusal(with_key(plaid.client, *LEGACY_CALLS[0], public_key=key))
        assert (error["error_type"], error["error_code"]) == ("INVALID_INPUT", "INVALID_API_KEYS")
        assert error["error_message"].startswith("invalid public_key provided")

    @pytest.mark.parametrize("key", [42, None, "", ["k"], {"k": 1}, True])
    def test_a_key_of_the_wrong_type_is_named(self, plaid: PlaidCaller, key: Any) -> None:
        error = refusal(with_key(plaid.client, *LEGACY_CALLS[1], public_key=key))
        assert (error["error_type"], error["error_code"]) == ("INVALID_REQUEST", "INVALID_FIELD")
        assert error["error_message"] == "public_key must be a non-empty string"

    @pytest.mark.parametrize(
        "given", [{"client_id": "x"}, {"secret": "y"}, {"client_id": "x", "secret": "y"}]
    )
    def test_a_key_with_client_id_or_secret_in_the_body_is_refused(
        self, plaid: PlaidCaller, given: dict[str, str]
    ) -> None:
        response = with_key(plaid.client, *LEGACY_CALLS[0], public_key=public_key(plaid), **given)
        error = refusal(response)
        assert (error["error_type"], error["error_code"]) == ("INVALID_REQUEST", "INVALID_FIELD")
        assert "either public_key or client_id and secret" in error["error_message"]

    def test_a_key_with_credential_headers_is_refused(self, plaid: PlaidCaller) -> None:
        path, body = LEGACY_CALLS[2]
        error = plaid.error(path, {**body, "public_key": public_key(plaid)})
        assert error["error_code"] == "INVALID_FIELD"
        assert "either public_key or client_id and secret" in error["error_message"]


@pytest.fixture
def strict_client(
    settings: Settings, clock: FrozenClock, session_factory: sessionmaker[Session]
) -> Iterator[TestClient]:
    app = create_app(
        replace(settings, failed_credentials_limit=3), clock=clock, session_factory=session_factory
    )
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


class TestGuessing:
    def test_an_address_that_keeps_guessing_keys_is_refused_for_a_while(
        self, strict_client: TestClient
    ) -> None:
        for _ in range(3):
            error = refusal(with_key(strict_client, *LEGACY_CALLS[0], public_key="0" * 30))
            assert error["error_code"] == "INVALID_API_KEYS"
        error = refusal(with_key(strict_client, *LEGACY_CALLS[0], public_key="0" * 30), 429)
        assert error["error_type"] == "RATE_LIMIT_EXCEEDED"
