"""What Plaid's "Preventing duplicate Items" asks of Link: the same login linked twice gives the
same `institution.institution_id` and the same account names and masks in onSuccess metadata
(and in /link/token/get's `item_add_results`, for Hosted Link), so an app can compare them with
the Items it holds before it exchanges the public token. The account ids are new each time: they
belong to the new Item.

Link itself does not refuse or flag the second link: Plaid's docs describe duplicate prevention
as the app's check, and Gingham, like Plaid, makes a second Item if the app exchanges."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.testclient import TestClient

from tests.builders import PlaidCaller, link_token_request
from tests.link.helpers import FrameDriver

CUSTOM_USER = (
    '{"override_accounts": [{"type": "depository", "subtype": "checking", "meta": '
    '{"name": "Joint Checking", "mask": "4321"}}, {"type": "credit", "subtype": "credit card", '
    '"meta": {"name": "Rewards Card", "mask": "8765"}}]}'
)


def link_in_frame(plaid: PlaidCaller, client: TestClient, **token: Any) -> dict[str, Any]:
    """One whole Link session in the frame, every account chosen; the onSuccess metadata."""
    link_token = plaid.ok("/link/token/create", link_token_request(**token))["link_token"]
    frame = FrameDriver(client, link_token)
    frame.login()
    assert frame.view == "SELECT_ACCOUNT", frame.state["view"]
    offered = [account["id"] for account in frame.state["view"]["accounts"]]
    frame.act("select_accounts", account_ids=offered)
    outcome = frame.act("continue")["outcome"]
    assert outcome["type"] == "success", outcome
    metadata: dict[str, Any] = outcome["metadata"]
    return metadata


def link_headless(plaid: PlaidCaller, **fields: Any) -> tuple[str, dict[str, Any]]:
    link_token = plaid.ok("/link/token/create", link_token_request())["link_token"]
    done = plaid.ok("/_gingham/link/complete", {"link_token": link_token, **fields})
    return link_token, done["metadata"]


def comparable(metadata: dict[str, Any]) -> tuple[Any, ...]:
    """What Plaid's docs compare: institution_id, and each account's name and mask."""
    return (
        metadata["institution"]["institution_id"],
        [(account["name"], account["mask"]) for account in metadata["accounts"]],
    )


class TestTheSameLoginLinkedTwice:
    def test_the_frame_gives_the_same_institution_names_and_masks(
        self, plaid: PlaidCaller, client: TestClient
    ) -> None:
        first = link_in_frame(plaid, client)
        second = link_in_frame(plaid, client)
        assert (
            first["institution"]
            == second["institution"]
            == {
                "name": "First Platypus Bank",
                "institution_id": "ins_109508",
            }
        )
        assert comparable(first) == comparable(second)
        assert all(account["mask"] for account in first["accounts"])
        # A new Item's accounts, and another session.
        first_ids = {account["id"] for account in first["accounts"]}
        assert first_ids.isdisjoint(account["id"] for account in second["accounts"])
        assert first["link_session_id"] != second["link_session_id"]

    @pytest.mark.parametrize(
        "login",
        [
            {"password": "pass_good"},
            {"password": "mfa_device"},
            {"username": "user_custom", "password": CUSTOM_USER},
            {"institution_id": "ins_109508", "account_masks": ["0000"]},
        ],
        ids=["plain", "mfa", "custom-user", "one-account"],
    )
    def test_headless_link_gives_the_same_too(
        self, plaid: PlaidCaller, login: dict[str, Any]
    ) -> None:
        _, first = link_headless(plaid, **login)
        _, second = link_headless(plaid, **login)
        assert comparable(first) == comparable(second)

    def test_a_custom_users_own_account_names_and_masks_are_what_link_reports(
        self, plaid: PlaidCaller
    ) -> None:
        _, metadata = link_headless(plaid, username="user_custom", password=CUSTOM_USER)
        assert comparable(metadata) == (
            "ins_109508",
            [("Joint Checking", "4321"), ("Rewards Card", "8765")],
        )

    def test_link_token_get_reports_the_same_for_hosted_link(self, plaid: PlaidCaller) -> None:
        tokens = [link_headless(plaid)[0] for _ in range(2)]
        results = [
            plaid.ok("/link/token/get", {"link_token": token})["link_sessions"][0]["results"][
                "item_add_results"
            ][0]
            for token in tokens
        ]
        assert [r["institution"] for r in results] == [
            {"name": "First Platypus Bank", "institution_id": "ins_109508"}
        ] * 2
        assert [[(a["name"], a["mask"]) for a in r["accounts"]] for r in results] == [
            [(a["name"], a["mask"]) for a in results[0]["accounts"]]
        ] * 2

    def test_link_does_not_stop_the_second_link(self, plaid: PlaidCaller) -> None:
        # The app decides: exchanged, the second public token makes a second Item.
        items = set()
        for _ in range(2):
            link_token = plaid.ok("/link/token/create", link_token_request())["link_token"]
            done = plaid.ok("/_gingham/link/complete", {"link_token": link_token})
            exchanged = plaid.ok(
                "/item/public_token/exchange", {"public_token": done["public_token"]}
            )
            items.add(exchanged["item_id"])
        assert len(items) == 2
