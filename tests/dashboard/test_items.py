"""Items in the dashboard: the list and detail show what /item/get and /accounts/get say, and
each action's effect is what the API then answers."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from tests.builders import PlaidCaller
from tests.dashboard.signing_in import post_form, sign_in


@pytest.fixture
def signed_in(client: TestClient, credentials: dict[str, str]) -> TestClient:
    assert sign_in(client, credentials).status_code == 303
    return client


@pytest.fixture
def access_token(plaid: PlaidCaller) -> str:
    return plaid.access_token(options={"webhook": "https://app.example.com/hooks"})


def _item_id(plaid: PlaidCaller, access_token: str) -> str:
    item_id: str = plaid.ok("/item/get", {"access_token": access_token})["item"]["item_id"]
    return item_id


def _act(client: TestClient, item_id: str, action: str, **fields: str) -> object:
    page = f"/dashboard/items/{item_id}"
    return post_form(client, page, f"{page}/{action}", fields)


class TestItemPages:
    def test_the_list_and_the_detail_show_the_item(
        self, signed_in: TestClient, plaid: PlaidCaller, access_token: str
    ) -> None:
        item_id = _item_id(plaid, access_token)
        listing = signed_in.get("/dashboard/items")
        assert item_id in listing.text and "First Platypus Bank" in listing.text
        # The table htmx refreshes, on its own.
        assert item_id in signed_in.get("/dashboard/items/table").text
        detail = signed_in.get(f"/dashboard/items/{item_id}")
        assert detail.status_code == 200
        assert "https://app.example.com/hooks" in detail.text
        assert "transactions" in detail.text
        for account in plaid.ok("/accounts/get", {"access_token": access_token})["accounts"]:
            assert account["account_id"] in detail.text

    def test_another_clients_item_is_not_found(
        self, signed_in: TestClient, other_plaid: PlaidCaller
    ) -> None:
        theirs = _item_id(other_plaid, other_plaid.access_token())
        response = signed_in.get(f"/dashboard/items/{theirs}")
        assert response.status_code == 404
        assert theirs not in signed_in.get("/dashboard/items").text


class TestItemActions:
    def test_reset_login(
        self, signed_in: TestClient, plaid: PlaidCaller, access_token: str
    ) -> None:
        response = _act(signed_in, _item_id(plaid, access_token), "reset_login")
        assert response.status_code == 303  # type: ignore[attr-defined]
        item = plaid.ok("/item/get", {"access_token": access_token})["item"]
        assert item["error"]["error_code"] == "ITEM_LOGIN_REQUIRED"

    def test_fire_webhook_queues_it(
        self, signed_in: TestClient, plaid: PlaidCaller, access_token: str
    ) -> None:
        item_id = _item_id(plaid, access_token)
        response = _act(signed_in, item_id, "fire_webhook", webhook="ITEM:NEW_ACCOUNTS_AVAILABLE")
        assert response.status_code == 303  # type: ignore[attr-defined]
        page = signed_in.get(f"/dashboard/items/{item_id}").text
        assert "NEW_ACCOUNTS_AVAILABLE is on its way" in page

    def test_fire_webhook_without_a_url_says_why(
        self, signed_in: TestClient, plaid: PlaidCaller
    ) -> None:
        item_id = _item_id(plaid, access_token := plaid.access_token())
        response = _act(signed_in, item_id, "fire_webhook", webhook="TRANSACTIONS:DEFAULT_UPDATE")
        assert response.status_code == 400  # type: ignore[attr-defined]
        assert "SANDBOX_WEBHOOK_INVALID" in response.text  # type: ignore[attr-defined]
        assert "no webhook URL" in response.text  # type: ignore[attr-defined]
        assert plaid.ok("/item/get", {"access_token": access_token})["item"]["error"] is None

    def test_remove(self, signed_in: TestClient, plaid: PlaidCaller, access_token: str) -> None:
        item_id = _item_id(plaid, access_token)
        response = _act(signed_in, item_id, "remove", confirm="yes")
        assert response.headers["location"] == "/dashboard/items"  # type: ignore[attr-defined]
        error = plaid.error("/item/get", {"access_token": access_token})
        assert error["error_code"] == "INVALID_ACCESS_TOKEN"
        assert item_id not in signed_in.get("/dashboard/items/table").text

    def test_remove_without_its_confirmation_changes_nothing(
        self, signed_in: TestClient, plaid: PlaidCaller, access_token: str
    ) -> None:
        item_id = _item_id(plaid, access_token)
        page = signed_in.get(f"/dashboard/items/{item_id}").text
        # The box is part of the form, required before the browser sends it.
        assert 'name="confirm" value="yes" required' in page
        for unconfirmed in ({}, {"confirm": ""}, {"confirm": "no"}):
            response = _act(signed_in, item_id, "remove", **unconfirmed)
            assert response.status_code == 400  # type: ignore[attr-defined]
            assert "Nothing was removed" in response.text  # type: ignore[attr-defined]
            assert 'aria-invalid="true"' in response.text  # type: ignore[attr-defined]
        assert plaid.ok("/item/get", {"access_token": access_token})["item"]["item_id"] == item_id

    def test_change_password_at_the_bank(
        self, signed_in: TestClient, plaid: PlaidCaller, access_token: str
    ) -> None:
        item_id = _item_id(plaid, access_token)
        _act(signed_in, item_id, "change_password", username="user_good", password="n3w-pass")
        item = plaid.ok("/item/get", {"access_token": access_token})["item"]
        assert item["error"]["error_code"] == "ITEM_LOGIN_REQUIRED"
        assert "1 of your Items" in signed_in.get(f"/dashboard/items/{item_id}").text

    def test_the_bank_asks_for_a_new_one_time_code(
        self, signed_in: TestClient, plaid: PlaidCaller, access_token: str
    ) -> None:
        item_id = _item_id(plaid, access_token)
        _act(signed_in, item_id, "expire_otp", username="user_good")
        item = plaid.ok("/item/get", {"access_token": access_token})["item"]
        assert item["error"]["error_code"] == "ITEM_LOGIN_REQUIRED"
        assert (
            "a new one-time code; 1 of your Items"
            in signed_in.get(f"/dashboard/items/{item_id}").text
        )

    def test_open_an_account_at_the_bank(
        self, signed_in: TestClient, plaid: PlaidCaller, access_token: str
    ) -> None:
        item_id = _item_id(plaid, access_token)
        response = _act(signed_in, item_id, "open_account", username="user_good", subtype="savings")
        assert response.status_code == 303  # type: ignore[attr-defined]
        assert "NEW_ACCOUNTS_AVAILABLE" in signed_in.get(f"/dashboard/items/{item_id}").text
        # The Item does not share the new account until its user adds it in update mode.
        before = plaid.ok("/accounts/get", {"access_token": access_token})["accounts"]
        assert all(account["mask"] != "" for account in before)

    def test_revoke_consent_of_a_credential_item_says_why_not(
        self, signed_in: TestClient, plaid: PlaidCaller, access_token: str
    ) -> None:
        response = _act(signed_in, _item_id(plaid, access_token), "revoke_consent")
        assert response.status_code == 400  # type: ignore[attr-defined]
        assert "does not reach its bank through OAuth" in response.text  # type: ignore[attr-defined]


class TestOverview:
    def test_counts_the_items_that_need_attention(
        self, signed_in: TestClient, plaid: PlaidCaller, access_token: str
    ) -> None:
        page = signed_in.get("/dashboard").text
        assert 'data-testid="item-count">1<' in page and "0 need attention" in page
        _act(signed_in, _item_id(plaid, access_token), "reset_login")
        assert "1 needs attention" in signed_in.get("/dashboard").text
