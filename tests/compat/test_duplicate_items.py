"""Plaid's "Preventing duplicate Items", as an app built on plaid-python does it against a live
Gingham: before exchanging a public token, compare the onSuccess metadata (institution_id, each
account's name and mask) with the Items the user already has, and never exchange a duplicate.
Plaid Pattern does the same with the institution_id alone."""

from __future__ import annotations

from typing import Any

import httpx
from plaid.api import plaid_api
from plaid.model.accounts_get_request import AccountsGetRequest
from plaid.model.country_code import CountryCode
from plaid.model.item_public_token_exchange_request import ItemPublicTokenExchangeRequest
from plaid.model.link_token_create_request import LinkTokenCreateRequest
from plaid.model.link_token_create_request_user import LinkTokenCreateRequestUser
from plaid.model.link_token_get_request import LinkTokenGetRequest
from plaid.model.products import Products

from tests.live_server import LiveGingham

Fingerprint = tuple[str, str | None, str | None]


class App:
    """The part of an app that receives Link's onSuccess: it keeps each user's Items and the
    (institution_id, name, mask) of their accounts."""

    def __init__(self, plaid_client: plaid_api.PlaidApi) -> None:
        self.plaid = plaid_client
        self.accounts: dict[str, set[Fingerprint]] = {}
        self.access_tokens: dict[str, list[str]] = {}
        self.exchanges = 0

    def on_success(self, user_id: str, public_token: str, metadata: dict[str, Any]) -> bool:
        """True if the Item was added; False, without exchanging, for a duplicate."""
        institution_id = metadata["institution"]["institution_id"]
        fingerprints = {
            (institution_id, account["name"], account["mask"]) for account in metadata["accounts"]
        }
        if fingerprints & self.accounts.get(user_id, set()):
            return False
        exchanged = self.plaid.item_public_token_exchange(
            ItemPublicTokenExchangeRequest(public_token=public_token)
        )
        self.exchanges += 1
        self.accounts.setdefault(user_id, set()).update(fingerprints)
        self.access_tokens.setdefault(user_id, []).append(exchanged.access_token)
        return True


def link(
    live_gingham: LiveGingham, plaid_client: plaid_api.PlaidApi, user_id: str, **fields: object
) -> tuple[str, dict[str, Any]]:
    """A whole Link session for `user_id`, as the user goes through it; the link token and the
    onSuccess (public token and metadata)."""
    link_token: str = plaid_client.link_token_create(
        LinkTokenCreateRequest(
            client_name="Compat App",
            language="en",
            country_codes=[CountryCode("US")],
            user=LinkTokenCreateRequestUser(client_user_id=user_id),
            products=[Products("transactions")],
        )
    ).link_token
    response = httpx.post(
        f"{live_gingham.base_url}/_gingham/link/complete",
        json={"link_token": link_token, **fields},
        headers={"PLAID-CLIENT-ID": live_gingham.client_id, "PLAID-SECRET": live_gingham.secret},
    )
    assert response.status_code == 200, response.text
    done: dict[str, Any] = response.json()
    return link_token, done


class TestAnAppRefusingDuplicates:
    def test_the_same_login_again_is_refused_before_the_exchange(
        self, live_gingham: LiveGingham, plaid_client: plaid_api.PlaidApi
    ) -> None:
        app = App(plaid_client)
        _, first = link(live_gingham, plaid_client, "dup-alice")
        assert app.on_success("dup-alice", first["public_token"], first["metadata"])
        _, again = link(live_gingham, plaid_client, "dup-alice")
        assert not app.on_success("dup-alice", again["public_token"], again["metadata"])
        assert app.exchanges == 1 and len(app.access_tokens["dup-alice"]) == 1

    def test_one_of_the_same_accounts_is_enough_to_refuse(
        self, live_gingham: LiveGingham, plaid_client: plaid_api.PlaidApi
    ) -> None:
        app = App(plaid_client)
        _, first = link(live_gingham, plaid_client, "dup-bob", account_masks=["0000", "1111"])
        assert app.on_success("dup-bob", first["public_token"], first["metadata"])
        _, overlap = link(live_gingham, plaid_client, "dup-bob", account_masks=["1111"])
        assert not app.on_success("dup-bob", overlap["public_token"], overlap["metadata"])

    def test_another_bank_or_another_user_is_not_a_duplicate(
        self, live_gingham: LiveGingham, plaid_client: plaid_api.PlaidApi
    ) -> None:
        app = App(plaid_client)
        _, first = link(live_gingham, plaid_client, "dup-carol")
        assert app.on_success("dup-carol", first["public_token"], first["metadata"])
        # Tartan Bank's sandbox accounts have the same names and masks: the institution differs.
        _, tartan = link(live_gingham, plaid_client, "dup-carol", institution_id="ins_109511")
        assert [(a["name"], a["mask"]) for a in tartan["metadata"]["accounts"]] == [
            (a["name"], a["mask"]) for a in first["metadata"]["accounts"]
        ]
        assert app.on_success("dup-carol", tartan["public_token"], tartan["metadata"])
        _, other_user = link(live_gingham, plaid_client, "dup-dave")
        assert app.on_success("dup-dave", other_user["public_token"], other_user["metadata"])
        assert app.exchanges == 3

    def test_hosted_link_apps_compare_link_token_get_results_the_same_way(
        self, live_gingham: LiveGingham, plaid_client: plaid_api.PlaidApi
    ) -> None:
        # With no onSuccess in the app's page, the metadata comes from /link/token/get.
        app = App(plaid_client)
        for expected in (True, False):
            link_token, _ = link(live_gingham, plaid_client, "dup-erin")
            session = plaid_client.link_token_get(
                LinkTokenGetRequest(link_token=link_token)
            ).link_sessions[0]
            result = session.results.item_add_results[0]
            metadata = {
                "institution": {"institution_id": result.institution.institution_id},
                "accounts": [{"name": a.name, "mask": a.mask} for a in result.accounts],
            }
            assert app.on_success("dup-erin", result.public_token, metadata) is expected

    def test_accounts_get_agrees_with_the_metadata_for_items_linked_earlier(
        self, live_gingham: LiveGingham, plaid_client: plaid_api.PlaidApi
    ) -> None:
        # Plaid's way to find duplicates among Items already held: the same comparison, on
        # /accounts/get.
        _, first = link(live_gingham, plaid_client, "dup-frank")
        access_token = plaid_client.item_public_token_exchange(
            ItemPublicTokenExchangeRequest(public_token=first["public_token"])
        ).access_token
        held = plaid_client.accounts_get(AccountsGetRequest(access_token=access_token))
        _, again = link(live_gingham, plaid_client, "dup-frank")
        assert sorted((a.name, a.mask) for a in held.accounts) == sorted(
            (a["name"], a["mask"]) for a in again["metadata"]["accounts"]
        )
        assert held.item.institution_id == again["metadata"]["institution"]["institution_id"]
