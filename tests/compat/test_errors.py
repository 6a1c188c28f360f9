"""Error paths on a live server: through plaid-python, and as raw HTTP that no client would send."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import plaid
import pytest
from plaid.api import plaid_api
from plaid.model.country_code import CountryCode
from plaid.model.institutions_get_by_id_request import InstitutionsGetByIdRequest
from plaid.model.item_get_request import ItemGetRequest

from gingham.app import PLAID_ENDPOINTS
from tests.compat.conftest import (
    SANDBOX_INSTITUTION,
    LiveGingham,
    assert_plaid_error,
    sandbox_public_token,
)


def get_platypus(api: plaid_api.PlaidApi) -> None:
    api.institutions_get_by_id(
        InstitutionsGetByIdRequest(
            institution_id=SANDBOX_INSTITUTION, country_codes=[CountryCode("US")]
        )
    )


class TestErrorsThroughPlaidPython:
    def test_wrong_secret_is_invalid_api_keys(
        self, plaid_factory: Callable[..., plaid_api.PlaidApi]
    ) -> None:
        api = plaid_factory(secret="0" * 30)
        with pytest.raises(plaid.ApiException) as caught:
            get_platypus(api)
        assert_plaid_error(
            caught.value, status=400, error_type="INVALID_INPUT", error_code="INVALID_API_KEYS"
        )

    def test_unknown_client_id_is_invalid_api_keys(
        self, plaid_factory: Callable[..., plaid_api.PlaidApi]
    ) -> None:
        api = plaid_factory(client_id="f" * 24)
        with pytest.raises(plaid.ApiException) as caught:
            get_platypus(api)
        assert_plaid_error(
            caught.value, status=400, error_type="INVALID_INPUT", error_code="INVALID_API_KEYS"
        )

    @pytest.mark.parametrize(
        "access_token",
        [
            f"access-sandbox-{uuid.UUID(int=7, version=4)}",
            "access-production-not-ours",
            "not-a-token",
        ],
    )
    def test_made_up_access_token_is_invalid_access_token(
        self, plaid_client: plaid_api.PlaidApi, access_token: str
    ) -> None:
        with pytest.raises(plaid.ApiException) as caught:
            plaid_client.item_get(ItemGetRequest(access_token=access_token))
        assert_plaid_error(
            caught.value, status=400, error_type="INVALID_INPUT", error_code="INVALID_ACCESS_TOKEN"
        )

    def test_error_password_forces_item_locked(self, plaid_client: plaid_api.PlaidApi) -> None:
        with pytest.raises(plaid.ApiException) as caught:
            sandbox_public_token(plaid_client, password="error_ITEM_LOCKED")
        body = assert_plaid_error(
            caught.value, status=400, error_type="ITEM_ERROR", error_code="ITEM_LOCKED"
        )
        assert body["display_message"]

    def test_wrong_password_is_invalid_credentials(self, plaid_client: plaid_api.PlaidApi) -> None:
        with pytest.raises(plaid.ApiException) as caught:
            sandbox_public_token(plaid_client, password="pass_wrong")
        assert_plaid_error(
            caught.value, status=400, error_type="ITEM_ERROR", error_code="INVALID_CREDENTIALS"
        )


# --- Raw HTTP ---------------------------------------------------------------------------------

# Bodies no Plaid client sends. Each must get a Plaid error, never a 500, HTML or a traceback.
BAD_BODIES: dict[str, bytes] = {
    "truncated JSON": b'{"client_name": ',
    "JSON array": b"[]",
    "JSON null": b"null",
    "JSON string": b'"access_token"',
    "JSON number": b"42",
    "empty body": b"",
    "invalid UTF-8": b'{"access_token": "\xff\xfe"}',
    "empty object": b"{}",
    "unknown field": b'{"surprise": true}',
    "deep nesting": b'{"options": ' + b"[" * 200 + b"]" * 200 + b"}",
    "huge number": b'{"count": 1e999, "offset": -1}',
    "wrong types": b'{"access_token": 1, "public_token": [], "link_token": {}, "query": false}',
}


@pytest.fixture
def http(live_gingham: LiveGingham) -> Iterator[httpx.Client]:
    headers = {
        "PLAID-CLIENT-ID": live_gingham.client_id,
        "PLAID-SECRET": live_gingham.secret,
        "Plaid-Version": "2020-09-14",
    }
    with httpx.Client(base_url=live_gingham.base_url, headers=headers, timeout=10.0) as client:
        yield client


def assert_plaid_error_response(
    response: httpx.Response, status: int | None = None
) -> dict[str, Any]:
    """A Plaid error: 4xx (or `status`), JSON, the error fields, no traceback."""
    assert response.headers["content-type"].startswith("application/json"), response.text
    assert "Traceback" not in response.text and "<html" not in response.text.lower()
    if status is None:
        assert 400 <= response.status_code < 500, (response.status_code, response.text)
    else:
        assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    for key in ("error_type", "error_code", "error_message", "request_id"):
        assert isinstance(body.get(key), str) and body[key], (key, body)
    return body


class TestRawHttp:
    def test_malformed_json_is_invalid_body(self, http: httpx.Client) -> None:
        response = http.post(
            "/item/get", content=b'{"access_token": ', headers={"Content-Type": "application/json"}
        )
        body = assert_plaid_error_response(response, 400)
        assert (body["error_type"], body["error_code"]) == ("INVALID_REQUEST", "INVALID_BODY")

    def test_wrong_content_type_is_invalid_body(self, http: httpx.Client) -> None:
        response = http.post(
            "/item/get", content=b"access_token=x", headers={"Content-Type": "text/plain"}
        )
        body = assert_plaid_error_response(response, 400)
        assert body["error_code"] == "INVALID_BODY"

    def test_unknown_field_is_named(self, http: httpx.Client) -> None:
        response = http.post(
            "/institutions/get",
            json={"count": 1, "offset": 0, "country_codes": ["US"], "colour": "blue"},
        )
        body = assert_plaid_error_response(response, 400)
        assert (body["error_type"], body["error_code"]) == ("INVALID_REQUEST", "UNKNOWN_FIELDS")
        assert "colour" in body["error_message"]

    def test_missing_field_is_named(self, http: httpx.Client) -> None:
        response = http.post("/item/public_token/exchange", json={})
        body = assert_plaid_error_response(response, 400)
        assert (body["error_type"], body["error_code"]) == ("INVALID_REQUEST", "MISSING_FIELDS")
        assert "public_token" in body["error_message"]

    def test_wrong_type_is_invalid_field(self, http: httpx.Client) -> None:
        response = http.post(
            "/institutions/get", json={"count": "ten", "offset": 0, "country_codes": ["US"]}
        )
        body = assert_plaid_error_response(response, 400)
        assert (body["error_type"], body["error_code"]) == ("INVALID_REQUEST", "INVALID_FIELD")

    @pytest.mark.parametrize("path", sorted(PLAID_ENDPOINTS))
    def test_bad_bodies_never_crash_an_endpoint(self, http: httpx.Client, path: str) -> None:
        for label, content in BAD_BODIES.items():
            response = http.post(
                path, content=content, headers={"Content-Type": "application/json"}
            )
            try:
                assert_plaid_error_response(response)
            except AssertionError as failure:
                raise AssertionError(f"{path} with {label}: {failure}") from None

    def test_unknown_route_is_a_plaid_404(self, http: httpx.Client) -> None:
        body = assert_plaid_error_response(http.post("/no/such/endpoint", json={}), 404)
        assert body["error_code"] == "NOT_FOUND"

    def test_get_on_an_endpoint_is_a_plaid_405(self, http: httpx.Client) -> None:
        assert_plaid_error_response(http.get("/item/get"), 405)
