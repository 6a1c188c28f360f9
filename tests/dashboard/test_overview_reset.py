"""Starting over from the dashboard's overview: the signed-in client's sandbox data is wiped once
its box is ticked, as `gingham reset` wipes it, and nobody else's."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from tests.builders import PlaidCaller, link_token_request
from tests.dashboard.signing_in import post_form, sign_in


@pytest.fixture
def signed_in(client: TestClient, credentials: dict[str, str]) -> TestClient:
    assert sign_in(client, credentials).status_code == 303
    return client


def _item_count(client: TestClient) -> str:
    page = client.get("/dashboard").text
    marker = 'data-testid="item-count">'
    return page[page.index(marker) + len(marker) :].split("<", 1)[0]


class TestStartOver:
    def test_without_its_box_nothing_is_wiped(
        self, signed_in: TestClient, plaid: PlaidCaller
    ) -> None:
        access_token = plaid.access_token()
        response = post_form(signed_in, "/dashboard", "/dashboard/reset", {})
        assert response.status_code == 400
        assert "Nothing was wiped" in response.text and 'aria-invalid="true"' in response.text
        assert plaid.ok("/item/get", {"access_token": access_token})["item"]["item_id"]

    def test_the_clients_items_are_gone_and_its_keys_still_work(
        self, signed_in: TestClient, plaid: PlaidCaller, other_plaid: PlaidCaller
    ) -> None:
        mine = plaid.access_token()
        theirs = other_plaid.access_token()
        assert _item_count(signed_in) == "1"

        response = post_form(signed_in, "/dashboard", "/dashboard/reset", {"confirm": "yes"})

        assert response.status_code == 303
        page = signed_in.get("/dashboard").text
        assert "Your sandbox data was wiped (1 Item)" in page
        assert _item_count(signed_in) == "0"
        error = plaid.error("/item/get", {"access_token": mine})
        assert error["error_code"] in ("INVALID_ACCESS_TOKEN", "ITEM_NOT_FOUND")
        # The client's keys still work, and another client's Items are untouched.
        assert plaid.ok("/link/token/create", link_token_request())["link_token"]
        assert other_plaid.ok("/item/get", {"access_token": theirs})["item"]["item_id"]

    def test_a_form_from_elsewhere_wipes_nothing(
        self, signed_in: TestClient, plaid: PlaidCaller
    ) -> None:
        access_token = plaid.access_token()
        response = signed_in.post(
            "/dashboard/reset", data={"confirm": "yes", "csrf_token": "forged"}
        )
        assert response.status_code == 403
        assert plaid.ok("/item/get", {"access_token": access_token})["item"]["item_id"]
