"""Wire conventions every endpoint shares: body parsing, credentials, errors, request IDs."""

from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker
from starlette.applications import Starlette
from starlette.testclient import TestClient

from gingham.clients.attempts import FailedCredentials
from gingham.clients.authentication import ApiKeyAuthenticator
from gingham.clock import FrozenClock
from gingham.config import Settings
from gingham.crypto import SecretBox
from gingham.sandbox_clock.offsets import ClientClocks
from gingham.wire.context import JSONObject, RequestContext, Runtime
from gingham.wire.endpoint import plaid_route
from tests.builders import PlaidCaller, link_token_request


class TestBodyParsing:
    def test_malformed_json_is_invalid_body(
        self, client: TestClient, credentials: dict[str, str]
    ) -> None:
        response = client.post(
            "/link/token/create",
            content=b'{"client_name": ',
            headers={
                "Content-Type": "application/json",
                "PLAID-CLIENT-ID": credentials["client_id"],
                "PLAID-SECRET": credentials["secret"],
            },
        )
        assert response.status_code == 400
        body = response.json()
        assert body["error_type"] == "INVALID_REQUEST"
        assert body["error_code"] == "INVALID_BODY"
        assert "JSON" in body["error_message"]
        assert body["request_id"]

    def test_json_array_is_invalid_body(self, client: TestClient) -> None:
        response = client.post(
            "/item/get", content=b"[]", headers={"Content-Type": "application/json"}
        )
        assert response.json()["error_code"] == "INVALID_BODY"

    def test_form_encoded_body_is_invalid_body(self, client: TestClient) -> None:
        response = client.post(
            "/item/get",
            content=b"a=b",
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        body = response.json()
        assert response.status_code == 400
        assert body["error_code"] == "INVALID_BODY"
        assert "application/json" in body["error_message"]


class TestCredentials:
    def test_missing_credentials_are_named(self, client: TestClient) -> None:
        response = client.post(
            "/institutions/get", json={"count": 1, "offset": 0, "country_codes": ["US"]}
        )
        body = response.json()
        assert response.status_code == 400
        assert body["error_code"] == "MISSING_FIELDS"
        assert body["error_message"].endswith("client_id, secret")

    def test_headers_are_case_insensitive(
        self, client: TestClient, credentials: dict[str, str]
    ) -> None:
        response = client.post(
            "/institutions/get",
            json={"count": 1, "offset": 0, "country_codes": ["US"]},
            headers={
                "plaid-client-id": credentials["client_id"],
                "Plaid-Secret": credentials["secret"],
            },
        )
        assert response.status_code == 200

    def test_credentials_in_the_body_work(
        self, client: TestClient, credentials: dict[str, str]
    ) -> None:
        response = client.post(
            "/institutions/get",
            json={"count": 1, "offset": 0, "country_codes": ["US"], **credentials},
        )
        assert response.status_code == 200
        assert response.json()["total"] > 0

    def test_wrong_secret_is_invalid_api_keys(
        self, client: TestClient, credentials: dict[str, str]
    ) -> None:
        response = client.post(
            "/institutions/get",
            json={
                "count": 1,
                "offset": 0,
                "country_codes": ["US"],
                "client_id": credentials["client_id"],
                "secret": "0" * 30,
            },
        )
        body = response.json()
        assert response.status_code == 400
        assert (body["error_type"], body["error_code"]) == ("INVALID_INPUT", "INVALID_API_KEYS")

    def test_secret_of_another_client_is_refused(
        self, plaid: PlaidCaller, other_plaid: PlaidCaller
    ) -> None:
        mixed = PlaidCaller(
            plaid.client,
            {
                "client_id": plaid.credentials["client_id"],
                "secret": other_plaid.credentials["secret"],
            },
        )
        assert (
            mixed.error("/link/token/create", link_token_request())["error_code"]
            == "INVALID_API_KEYS"
        )


class TestFieldValidation:
    def test_missing_fields_are_all_named(self, plaid: PlaidCaller) -> None:
        error = plaid.error("/link/token/create", {"user": {}})
        assert error["error_code"] == "MISSING_FIELDS"
        assert error["error_message"] == (
            "the following required fields are missing: client_name, language, country_codes, user.client_user_id"
        )

    def test_unknown_fields_are_named_with_their_path(self, plaid: PlaidCaller) -> None:
        error = plaid.error(
            "/link/token/create",
            link_token_request(colour="blue", user={"client_user_id": "u", "age": 3}),
        )
        assert error["error_code"] == "UNKNOWN_FIELDS"
        assert "colour" in error["error_message"]
        assert "user.age" in error["error_message"]

    def test_wrong_type_names_the_field(self, plaid: PlaidCaller) -> None:
        error = plaid.error("/link/token/create", link_token_request(country_codes="US"))
        assert (error["error_code"], error["error_message"]) == (
            "INVALID_FIELD",
            "country_codes must be an array",
        )

    def test_wrong_enum_value_names_the_field(self, plaid: PlaidCaller) -> None:
        error = plaid.error("/link/token/create", link_token_request(country_codes=["XX"]))
        assert error["error_code"] == "INVALID_FIELD"
        assert error["error_message"].startswith("country_codes[0] must be one of")

    def test_boolean_is_not_an_integer(self, plaid: PlaidCaller) -> None:
        error = plaid.error(
            "/institutions/get", {"count": True, "offset": 0, "country_codes": ["US"]}
        )
        assert error["error_message"] == "count must be an integer"

    def test_bounds_are_checked(self, plaid: PlaidCaller) -> None:
        error = plaid.error(
            "/institutions/get", {"count": 501, "offset": 0, "country_codes": ["US"]}
        )
        assert error["error_message"] == "count must be at most 500"


class TestRoutes:
    def test_unknown_route_is_a_plaid_shaped_404(self, client: TestClient) -> None:
        response = client.post("/no/such/endpoint", json={})
        body = response.json()
        assert response.status_code == 404
        assert body["error_code"] == "NOT_FOUND"
        assert body["request_id"]

    def test_get_on_a_plaid_endpoint_is_refused_in_plaid_shape(self, client: TestClient) -> None:
        response = client.get("/item/get")
        assert response.status_code == 405
        assert response.json()["error_type"] == "INVALID_REQUEST"

    def test_every_success_carries_a_distinct_request_id(self, plaid: PlaidCaller) -> None:
        body = {"count": 1, "offset": 0, "country_codes": ["US"]}
        ids = {plaid.post("/institutions/get", body).json()["request_id"] for _ in range(5)}
        assert len(ids) == 5
        assert all(len(request_id) == 15 and request_id.isalnum() for request_id in ids)


class TestUnexpectedFailures:
    def test_a_crashing_handler_answers_internal_server_error_without_a_traceback(
        self,
        settings: Settings,
        clock: FrozenClock,
        session_factory: sessionmaker[Session],
        credentials: dict[str, str],
    ) -> None:
        def crash(ctx: RequestContext, body: JSONObject) -> JSONObject:
            raise RuntimeError("secret internals")

        runtime = Runtime(
            settings=settings,
            session_factory=session_factory,
            clock=clock,
            secrets=SecretBox(bytes(32)),
            authenticator=ApiKeyAuthenticator(FailedCredentials(limit=30)),
            client_clocks=ClientClocks(),
        )
        app = Starlette(routes=[plaid_route("/item/get", crash, runtime)])
        with TestClient(app, raise_server_exceptions=False) as test_client:
            response = test_client.post(
                "/item/get",
                json={"access_token": "access-sandbox-x", **credentials},
            )
        body = response.json()
        assert response.status_code == 500
        assert (body["error_type"], body["error_code"]) == ("API_ERROR", "INTERNAL_SERVER_ERROR")
        assert "secret internals" not in response.text and "Traceback" not in response.text
