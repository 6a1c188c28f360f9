"""Keys and allow-lists in the dashboard act through the same code as the API: what a page
changes, the API then answers."""

from __future__ import annotations

import re

import pytest
from starlette.testclient import TestClient

from tests.builders import PlaidCaller
from tests.dashboard.signing_in import post_form, sign_in


@pytest.fixture
def signed_in(client: TestClient, credentials: dict[str, str]) -> TestClient:
    assert sign_in(client, credentials).status_code == 303
    return client


def _new_secret(page: str) -> str:
    match = re.search(r'data-testid="new-secret">([^<]+)<', page)
    assert match, "the page shows no new secret"
    return match.group(1)


class TestKeysPage:
    def test_shows_the_client_id_and_public_key_but_no_secret(
        self, signed_in: TestClient, credentials: dict[str, str], plaid: PlaidCaller
    ) -> None:
        page = signed_in.get("/dashboard/keys")
        assert page.status_code == 200
        assert credentials["client_id"] in page.text
        assert plaid.ok("/_gingham/client/public_key/get")["public_key"] in page.text
        assert credentials["secret"] not in page.text


class TestRotateSecret:
    def test_the_new_secret_is_shown_once_and_the_old_one_stops_working(
        self, signed_in: TestClient, credentials: dict[str, str], plaid: PlaidCaller
    ) -> None:
        response = post_form(
            signed_in, "/dashboard/keys", "/dashboard/keys/rotate", {"environment": "sandbox"}
        )
        assert response.status_code == 303
        assert response.headers["location"] == "/dashboard/keys"
        shown = signed_in.get("/dashboard/keys")
        secret = _new_secret(shown.text)
        assert secret != credentials["secret"]
        assert "no longer works" in shown.text
        # The API refuses the old secret at once, and takes the new one.
        assert plaid.error("/_gingham/clock/get")["error_code"] == "INVALID_API_KEYS"
        renewed = PlaidCaller(signed_in, {**credentials, "secret": secret})
        assert "now" in renewed.ok("/_gingham/clock/get")
        # Shown once: the page never shows it again, and this browser stays signed in.
        again = signed_in.get("/dashboard/keys")
        assert again.status_code == 200
        assert secret not in again.text

    def test_ends_other_sessions_opened_with_the_old_secret(
        self, client: TestClient, credentials: dict[str, str]
    ) -> None:
        app = client.app
        with TestClient(app) as other:  # type: ignore[arg-type]
            assert sign_in(other, credentials).status_code == 303
            sign_in(client, credentials)
            post_form(
                client, "/dashboard/keys", "/dashboard/keys/rotate", {"environment": "sandbox"}
            )
            assert other.get("/dashboard", follow_redirects=False).status_code == 303

    def test_a_production_secret_can_be_made_and_signs_in_to_production(
        self, signed_in: TestClient, credentials: dict[str, str], client: TestClient
    ) -> None:
        response = post_form(
            signed_in, "/dashboard/keys", "/dashboard/keys/rotate", {"environment": "production"}
        )
        secret = _new_secret(signed_in.get(response.headers["location"]).text)
        # The sandbox secret this browser signed in with still works.
        assert signed_in.get("/dashboard/keys").status_code == 200
        client.cookies.clear()
        assert sign_in(client, {**credentials, "secret": secret}).status_code == 303
        assert "production" in client.get("/dashboard").text


class TestPublicKeySwitches:
    def test_switching_off_reaches_the_api(self, signed_in: TestClient, plaid: PlaidCaller) -> None:
        response = post_form(
            signed_in,
            "/dashboard/keys",
            "/dashboard/keys/public_key",
            {"environment": "sandbox", "api": "on"},
        )
        assert response.status_code == 303
        switches = plaid.ok("/_gingham/client/public_key/get")["environments"]
        assert switches["sandbox"] == {"link": False, "api": True}
        assert switches["production"] == {"link": True, "api": True}
        assert "Link off, API on" in signed_in.get("/dashboard/keys").text


class TestAllowLists:
    def test_a_redirect_uri_added_and_removed_reaches_the_api(
        self, signed_in: TestClient, plaid: PlaidCaller
    ) -> None:
        uri = "https://app.example.com/oauth.html"
        added = post_form(
            signed_in,
            "/dashboard/allowed",
            "/dashboard/allowed/redirect_uris/add",
            {"redirect_uri": uri},
        )
        assert added.status_code == 303
        assert plaid.ok("/_gingham/client/redirect_uris/list")["redirect_uris"] == [uri]
        page = signed_in.get("/dashboard/allowed")
        assert uri in page.text and "Redirect URI added" in page.text
        removed = post_form(
            signed_in,
            "/dashboard/allowed",
            "/dashboard/allowed/redirect_uris/remove",
            {"redirect_uri": uri},
        )
        assert removed.status_code == 303
        assert plaid.ok("/_gingham/client/redirect_uris/list")["redirect_uris"] == []

    def test_the_api_rules_refuse_with_a_readable_message(
        self, signed_in: TestClient, plaid: PlaidCaller
    ) -> None:
        refused = post_form(
            signed_in,
            "/dashboard/allowed",
            "/dashboard/allowed/redirect_uris/add",
            {"redirect_uri": "http://app.example.com/oauth.html"},
        )
        assert refused.status_code == 400
        assert "INVALID_FIELD" in refused.text
        # The page keeps what was typed, so it can be corrected.
        assert 'value="http://app.example.com/oauth.html"' in refused.text
        assert plaid.ok("/_gingham/client/redirect_uris/list")["redirect_uris"] == []

    def test_an_android_package_name_reaches_the_api(
        self, signed_in: TestClient, plaid: PlaidCaller
    ) -> None:
        post_form(
            signed_in,
            "/dashboard/allowed",
            "/dashboard/allowed/android_package_names/add",
            {"android_package_name": "com.example.app"},
        )
        listing = plaid.ok("/_gingham/client/android_package_names/list")
        assert listing["android_package_names"] == ["com.example.app"]
