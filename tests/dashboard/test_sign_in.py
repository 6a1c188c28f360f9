"""Signing in to the dashboard with a client's keys: the session cookie, CSRF on every form,
and failed sign-ins counted like the API's wrong secrets."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from tests.builders import PlaidCaller
from tests.dashboard.signing_in import csrf_token, post_form, sign_in


class TestSignInForm:
    def test_asks_for_client_id_and_secret_with_a_csrf_token(self, client: TestClient) -> None:
        page = client.get("/dashboard/sign-in")
        assert page.status_code == 200
        assert 'name="client_id"' in page.text and 'name="secret"' in page.text
        assert csrf_token(page.text)

    def test_pages_send_a_browser_that_has_not_signed_in_to_the_form(
        self, client: TestClient
    ) -> None:
        for path in ("/dashboard", "/dashboard/keys", "/dashboard/items", "/dashboard/clock"):
            response = client.get(path, follow_redirects=False)
            assert response.status_code == 303
            assert response.headers["location"] == "/dashboard/sign-in"


class TestSignIn:
    def test_right_keys_open_a_session_in_a_strict_httponly_cookie(
        self, client: TestClient, credentials: dict[str, str]
    ) -> None:
        response = sign_in(client, credentials)
        assert response.status_code == 303
        assert response.headers["location"] == "/dashboard"
        cookie = response.headers["set-cookie"]
        assert cookie.startswith("gingham_dashboard=")
        assert "HttpOnly" in cookie
        assert "SameSite=strict" in cookie or "SameSite=Strict" in cookie
        assert "Path=/dashboard" in cookie
        # Sealed: neither key appears in it.
        assert credentials["secret"] not in cookie and credentials["client_id"] not in cookie
        overview = client.get("/dashboard")
        assert overview.status_code == 200
        assert credentials["client_id"] in overview.text
        assert overview.headers["cache-control"] == "no-store"

    def test_wrong_secret_is_refused_with_a_readable_message(
        self, client: TestClient, credentials: dict[str, str]
    ) -> None:
        response = sign_in(client, {**credentials, "secret": "0" * 30})
        assert response.status_code == 400
        assert "do not match" in response.text
        assert client.get("/dashboard", follow_redirects=False).status_code == 303

    def test_a_form_without_its_csrf_token_is_refused(
        self, client: TestClient, credentials: dict[str, str]
    ) -> None:
        client.get("/dashboard/sign-in")
        response = client.post("/dashboard/sign-in", data=credentials, follow_redirects=False)
        assert response.status_code == 403
        assert "Nothing was changed" in response.text
        assert client.get("/dashboard", follow_redirects=False).status_code == 303

    def test_a_token_from_another_browser_is_refused(
        self, client: TestClient, credentials: dict[str, str]
    ) -> None:
        token = csrf_token(client.get("/dashboard/sign-in").text)
        client.cookies.clear()
        response = client.post(
            "/dashboard/sign-in", data={**credentials, "csrf_token": token}, follow_redirects=False
        )
        assert response.status_code == 403

    def test_repeated_failures_are_rate_limited_like_the_api(
        self, client: TestClient, credentials: dict[str, str], plaid: PlaidCaller
    ) -> None:
        limit = client.app.state.runtime.settings.failed_credentials_limit  # type: ignore[attr-defined]
        for _ in range(limit):
            assert sign_in(client, {**credentials, "secret": "0" * 30}).status_code == 400
        refused = sign_in(client, {**credentials, "secret": "0" * 30})
        assert refused.status_code == 429
        assert "too many requests with invalid client_id or secret" in refused.text
        # The same counter as the API's: the address is refused there too.
        assert plaid.error("/_gingham/clock/get", status=429)["error_type"] == "RATE_LIMIT_EXCEEDED"


class TestSignOut:
    def test_ends_the_session(self, client: TestClient, credentials: dict[str, str]) -> None:
        sign_in(client, credentials)
        response = post_form(client, "/dashboard", "/dashboard/sign-out", {})
        assert response.status_code == 303
        assert client.get("/dashboard", follow_redirects=False).status_code == 303

    def test_without_the_csrf_token_is_refused(
        self, client: TestClient, credentials: dict[str, str]
    ) -> None:
        sign_in(client, credentials)
        assert client.post("/dashboard/sign-out", data={}).status_code == 403
        assert client.get("/dashboard", follow_redirects=False).status_code == 200


@pytest.mark.parametrize(
    ("action", "fields"),
    [
        ("/dashboard/keys/rotate", {"environment": "sandbox"}),
        ("/dashboard/allowed/redirect_uris/add", {"redirect_uri": "https://app.example.com/cb"}),
        ("/dashboard/clock/advance", {"by": "P1D"}),
        ("/dashboard/institutions/ins_109508/status", {"status": "DOWN"}),
    ],
)
class TestCsrf:
    def test_a_signed_in_form_without_its_token_changes_nothing(
        self,
        client: TestClient,
        credentials: dict[str, str],
        plaid: PlaidCaller,
        action: str,
        fields: dict[str, str],
    ) -> None:
        sign_in(client, credentials)
        before = plaid.ok("/_gingham/clock/get")["offset_seconds"]
        for token in (None, "forged"):
            data = fields if token is None else {**fields, "csrf_token": token}
            response = client.post(action, data=data, follow_redirects=False)
            assert response.status_code == 403
        # The keys still work, the list and the clock are as they were.
        assert plaid.ok("/_gingham/client/redirect_uris/list")["redirect_uris"] == []
        assert plaid.ok("/_gingham/clock/get")["offset_seconds"] == before


class TestLiveRefresh:
    def test_a_refresh_after_the_session_ended_sends_the_whole_page_to_sign_in(
        self, client: TestClient
    ) -> None:
        for path in ("/dashboard/items/table", "/dashboard/clock/status"):
            response = client.get(path, headers={"HX-Request": "true"}, follow_redirects=False)
            assert response.status_code == 204
            assert response.headers["hx-redirect"] == "/dashboard/sign-in"


class TestNotFound:
    def test_an_unknown_page_is_the_dashboards_own_not_found(
        self, client: TestClient, credentials: dict[str, str]
    ) -> None:
        sign_in(client, credentials)
        response = client.get("/dashboard/no-such-page")
        assert response.status_code == 404
        assert "There is no such page" in response.text
        assert response.headers["content-type"].startswith("text/html")
        # The assets are still served.
        assert client.get("/dashboard/static/dashboard.css").status_code == 200
