"""The API requests page: the request log, redacted as stored, searched, per client, each request
with its bodies; the dashboard's own actions do not crowd it."""

from __future__ import annotations

import re

import pytest
from starlette.testclient import TestClient

from tests.builders import PlaidCaller, link_token_request
from tests.dashboard.signing_in import post_form, sign_in


@pytest.fixture
def signed_in(client: TestClient, credentials: dict[str, str]) -> TestClient:
    assert sign_in(client, credentials).status_code == 303
    return client


def flush(client: TestClient) -> None:
    """Write what the request log has queued (no background writer on a rolled-back database)."""
    client.app.state.request_log.flush()  # type: ignore[attr-defined]


def detail_links(page: str) -> list[str]:
    return re.findall(r'href="(/dashboard/requests/[0-9A-Za-z]+)"', page)


class TestTheList:
    def test_shows_each_request_and_says_how_many_are_kept(
        self, signed_in: TestClient, plaid: PlaidCaller
    ) -> None:
        response = plaid.post("/link/token/create", link_token_request())
        flush(signed_in)
        page = signed_in.get("/dashboard/requests").text
        assert "/link/token/create" in page
        assert response.json()["request_id"] in page
        assert "newest 1,000" in page and "GINGHAM_REQUEST_LOG_RETENTION" in page
        assert response.json()["request_id"] in signed_in.get("/dashboard/requests/table").text

    def test_search_by_endpoint_status_request_id_and_text(
        self, signed_in: TestClient, plaid: PlaidCaller
    ) -> None:
        created = plaid.post("/link/token/create", link_token_request()).json()
        failed = plaid.post("/item/get", {"access_token": "access-sandbox-nonsense"}).json()
        flush(signed_in)

        def found(**params: str) -> str:
            page = signed_in.get("/dashboard/requests", params=params)
            assert page.status_code == 200
            return page.text

        by_endpoint = found(endpoint="/item/get")
        assert failed["request_id"] in by_endpoint and created["request_id"] not in by_endpoint
        by_status = found(status="400")
        assert failed["request_id"] in by_status and created["request_id"] not in by_status
        # The live refresh keeps the search.
        assert "/dashboard/requests/table?status=400" in by_status
        by_id = found(request_id=created["request_id"])
        assert created["request_id"] in by_id and failed["request_id"] not in by_id
        by_text = found(search="INVALID_ACCESS_TOKEN")
        assert failed["request_id"] in by_text and created["request_id"] not in by_text
        assert "No request matches" in found(search="nothing-like-this")

    def test_a_status_that_is_not_a_number_says_why(self, signed_in: TestClient) -> None:
        response = signed_in.get("/dashboard/requests", params={"status": "teapot"})
        assert response.status_code == 400
        assert "status" in response.text and 'data-testid="notice"' in response.text

    def test_another_clients_requests_are_not_shown(
        self, signed_in: TestClient, plaid: PlaidCaller, other_plaid: PlaidCaller
    ) -> None:
        theirs = other_plaid.post("/link/token/create", link_token_request()).json()
        flush(signed_in)
        assert theirs["request_id"] not in signed_in.get("/dashboard/requests").text
        other_client = other_plaid.credentials["client_id"]
        their_page = sign_in(signed_in, other_plaid.credentials)
        assert their_page.status_code == 303
        [link] = detail_links(signed_in.get("/dashboard/requests").text)
        assert sign_in(signed_in, plaid.credentials).status_code == 303
        response = signed_in.get(link)
        assert response.status_code == 404
        assert theirs["request_id"] not in response.text and other_client not in response.text

    def test_the_dashboards_own_actions_are_not_recorded(
        self, signed_in: TestClient, plaid: PlaidCaller
    ) -> None:
        access_token = plaid.access_token(options={"webhook": "https://app.example.com/hook"})
        item_id = plaid.ok("/item/get", {"access_token": access_token})["item"]["item_id"]
        flush(signed_in)
        before = len(detail_links(signed_in.get("/dashboard/requests").text))
        page = f"/dashboard/items/{item_id}"
        post_form(signed_in, page, f"{page}/reset_login", {})
        signed_in.get("/dashboard/webhooks")
        flush(signed_in)
        assert len(detail_links(signed_in.get("/dashboard/requests").text)) == before


class TestARequest:
    def test_shows_its_bodies_redacted(self, signed_in: TestClient, plaid: PlaidCaller) -> None:
        access_token = plaid.access_token()
        response = plaid.post("/item/get", {"access_token": access_token})
        flush(signed_in)
        listing = signed_in.get("/dashboard/requests", params={"endpoint": "/item/get"}).text
        [link] = detail_links(listing)
        page = signed_in.get(link)
        assert page.status_code == 200
        assert response.json()["request_id"] in page.text
        assert f"access-sandbox-****{access_token[-4:]}" in page.text
        assert response.json()["item"]["item_id"] in page.text
        # No secret or bearer token on any of the pages.
        secret = plaid.credentials["secret"]
        for shown in (listing, page.text, signed_in.get("/dashboard/requests").text):
            assert access_token not in shown and secret not in shown

    def test_an_unknown_request_is_not_found(self, signed_in: TestClient) -> None:
        response = signed_in.get("/dashboard/requests/0000nothing")
        assert response.status_code == 404
        assert "There is no request 0000nothing" in response.text
