"""Update mode at OAuth banks, where the bank's consent page is where the user chooses accounts: a
newly opened account can be added and one left out stops being shared — except at Chase, whose
update mode cannot remove accounts (that takes Chase's Security Center)."""

from __future__ import annotations

from typing import Any

from starlette.testclient import TestClient

from tests.builders import Linked, PlaidCaller
from tests.lifecycle.helpers import exchange, link_oauth_item
from tests.oauth_bank.helpers import CHASE, PLATYPUS, BankBrowser
from tests.webhooks.receiver import Receiver

NEW_SAVINGS = {
    "type": "depository",
    "subtype": "savings",
    "starting_balance": 750,
    "meta": {"name": "Rainy day", "mask": "6543"},
}


def shared(api: PlaidCaller, linked: Linked) -> dict[str, dict[str, Any]]:
    accounts = api.ok("/accounts/get", {"access_token": linked.access_token})["accounts"]
    return {account["mask"]: account for account in accounts}


class TestOAuthUpdateMode:
    def test_the_banks_consent_page_adds_and_removes_accounts(
        self,
        api: PlaidCaller,
        app_client: TestClient,
        bank_browser: BankBrowser,
        receiver: Receiver,
        username: str,
    ) -> None:
        webhook = receiver.url + "/hook"
        linked = exchange(
            api,
            link_oauth_item(
                api, app_client, bank_browser, webhook, username=username, masks=["0000", "1111"]
            ),
        )
        before = shared(api, linked)
        api.ok(
            "/_gingham/bank/accounts/open",
            {"institution_id": PLATYPUS, "username": username, "account": NEW_SAVINGS},
        )

        frame = link_oauth_item(
            api,
            app_client,
            bank_browser,
            webhook,
            username=username,
            masks=["0000", "6543"],
            access_token=linked.access_token,
        )
        after = shared(api, linked)
        assert list(after) == ["0000", "6543"]
        assert after["0000"]["account_id"] == before["0000"]["account_id"]
        assert after["6543"]["balances"]["current"] == 750
        metadata = frame.state["outcome"]["metadata"]
        assert [(a["id"], a["mask"]) for a in metadata["accounts"]] == [
            (after[mask]["account_id"], mask) for mask in ("0000", "6543")
        ]
        gone = api.error(
            "/accounts/balance/get",
            {
                "access_token": linked.access_token,
                "options": {"account_ids": [before["1111"]["account_id"]]},
            },
        )
        assert gone["error_code"] == "INVALID_ACCOUNT_ID"

    def test_chase_adds_accounts_but_does_not_remove_them(
        self,
        api: PlaidCaller,
        app_client: TestClient,
        bank_browser: BankBrowser,
        receiver: Receiver,
        username: str,
    ) -> None:
        webhook = receiver.url + "/hook"
        linked = exchange(
            api,
            link_oauth_item(
                api,
                app_client,
                bank_browser,
                webhook,
                username=username,
                institution_id=CHASE,
                masks=["0000", "1111", "3333"],
            ),
        )
        before = shared(api, linked)
        api.ok(
            "/_gingham/bank/accounts/open",
            {"institution_id": CHASE, "username": username, "account": NEW_SAVINGS},
        )

        # The user ticks only the checking account and the new one at Chase's page.
        frame = link_oauth_item(
            api,
            app_client,
            bank_browser,
            webhook,
            username=username,
            institution_id=CHASE,
            masks=["0000", "6543"],
            access_token=linked.access_token,
        )
        after = shared(api, linked)
        assert list(after) == ["0000", "1111", "3333", "6543"]
        for mask in ("0000", "1111", "3333"):
            assert after[mask]["account_id"] == before[mask]["account_id"]
        metadata = frame.state["outcome"]["metadata"]
        assert [a["mask"] for a in metadata["accounts"]] == ["0000", "1111", "3333", "6543"]
        assert api.ok("/item/get", {"access_token": linked.access_token})["item"]["error"] is None
