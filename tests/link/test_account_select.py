"""Account Select's pane: the accounts offered, and those the products leave out."""

from __future__ import annotations

from typing import Any

from starlette.testclient import TestClient

from tests.builders import USER_GOOD_ACCOUNTS, PlaidCaller, link_token_request
from tests.link.helpers import FrameDriver


def _select_account_pane(client: TestClient, plaid: PlaidCaller, **request: Any) -> dict[str, Any]:
    link_token = plaid.ok("/link/token/create", link_token_request(**request))["link_token"]
    frame = FrameDriver(client, link_token)
    view: dict[str, Any] = frame.login()["view"]
    assert view["name"] == "SELECT_ACCOUNT", view
    return view


class TestAccountsLeftOut:
    def test_auth_leaves_out_accounts_without_ach_numbers_and_says_so(
        self, client: TestClient, plaid: PlaidCaller
    ) -> None:
        view = _select_account_pane(client, plaid, products=["auth"])
        offered = {account["mask"] for account in view["accounts"]}
        left_out = {account["mask"] for account in view["left_out"]}
        assert offered == {"0000", "1111", "9002"}
        assert offered | left_out == {mask for _, mask, _, _ in USER_GOOD_ACCOUNTS}
        assert not offered & left_out
        assert view["left_out_products"] == ["Account and routing numbers"]

    def test_nothing_is_left_out_when_every_account_serves_the_products(
        self, client: TestClient, plaid: PlaidCaller
    ) -> None:
        view = _select_account_pane(client, plaid, products=["identity"])
        assert len(view["accounts"]) == len(USER_GOOD_ACCOUNTS)
        assert (view["left_out"], view["left_out_products"]) == ([], [])

    def test_accounts_the_apps_filters_hide_are_not_reported_as_left_out(
        self, client: TestClient, plaid: PlaidCaller
    ) -> None:
        """account_filters are the app's choice, not the products': Link shows no note for them."""
        view = _select_account_pane(
            client,
            plaid,
            products=["transactions"],
            account_filters={"depository": {"account_subtypes": ["checking", "savings"]}},
        )
        assert {account["mask"] for account in view["accounts"]} == {"0000", "1111"}
        assert view["left_out"] == []
