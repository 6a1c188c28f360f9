"""The update-mode seed behaviours that hang on transactions: a broken Item pulls nothing and,
repaired after more than a day, catches up at once; accounts added in update mode bring their
history with the next sync."""

from __future__ import annotations

from typing import Any

from starlette.testclient import TestClient

from tests.builders import PlaidCaller, link_token_request
from tests.link.helpers import FrameDriver
from tests.transactions.helpers import (
    PULL,
    WEBHOOK,
    advance,
    codes,
    sync_all,
    transactions_webhooks,
    with_webhook,
)


def repair(plaid: PlaidCaller, client: TestClient, token: str) -> None:
    """Update mode: the user signs in again."""
    link_token = plaid.ok(
        "/link/token/create", link_token_request(products=None, access_token=token)
    )["link_token"]
    frame = FrameDriver(client, link_token)
    frame.start()
    frame.act("continue")
    frame.act("submit_credentials", username="user_good", password="pass_good")
    assert frame.view == "CONNECTED", frame.state["view"]
    frame.act("continue")


def newest_date(plaid: PlaidCaller, token: str) -> str:
    page = plaid.ok(
        "/transactions/get",
        {
            "access_token": token,
            "start_date": "2000-01-01",
            "end_date": "2100-01-01",
            "options": {"count": 1},
        },
    )
    newest: str = page["transactions"][0]["date"]
    return newest


class TestBrokenItems:
    def test_a_long_break_is_caught_up_as_soon_as_the_item_is_repaired(
        self, plaid: PlaidCaller, client: TestClient
    ) -> None:
        token, item_id = with_webhook(plaid, pulled=True)
        _, _, _, cursor = sync_all(plaid, token)
        plaid.ok("/sandbox/item/reset_login", {"access_token": token})
        quiet = len(transactions_webhooks(plaid, item_id))
        advance(plaid, "P3D")
        # Nothing is pulled while the Item needs its user.
        assert len(transactions_webhooks(plaid, item_id)) == quiet
        repair(plaid, client, token)
        caught_up = transactions_webhooks(plaid, item_id)[quiet:]
        assert "DEFAULT_UPDATE" in codes(caught_up)
        added, _, _, _ = sync_all(plaid, token, cursor)
        assert newest_date(plaid, token) == "2026-03-05"
        assert any(t["date"] == "2026-03-04" for t in added.values())

    def test_a_short_break_waits_for_the_next_update(
        self, plaid: PlaidCaller, client: TestClient
    ) -> None:
        token, item_id = with_webhook(plaid, pulled=True)
        plaid.ok("/sandbox/item/reset_login", {"access_token": token})
        advance(plaid, "PT20H")
        quiet = len(transactions_webhooks(plaid, item_id))
        repair(plaid, client, token)
        assert len(transactions_webhooks(plaid, item_id)) == quiet
        advance(plaid, "PT5H")
        assert "DEFAULT_UPDATE" in codes(transactions_webhooks(plaid, item_id)[quiet:])


HOLIDAY_FUND = {
    "type": "depository",
    "subtype": "savings",
    "starting_balance": 2500,
    "meta": {"name": "Holiday fund", "mask": "4321"},
}


def select_in_update_mode(
    client: TestClient, plaid: PlaidCaller, token: str, masks: list[str]
) -> None:
    request = link_token_request(
        products=None, access_token=token, update={"account_selection_enabled": True}
    )
    frame = FrameDriver(client, plaid.ok("/link/token/create", request)["link_token"])
    frame.start()
    frame.act("continue")
    frame.act("submit_credentials", username="user_good", password="pass_good")
    shown: dict[str, Any] = {a["mask"]: a for a in frame.state["view"]["accounts"]}
    frame.act("select_accounts", account_ids=[shown[mask]["id"] for mask in masks])
    assert frame.view == "CONNECTED", frame.state["view"]
    frame.act("continue")


class TestAccountsAddedInUpdateMode:
    def test_a_new_account_brings_its_history_with_the_next_sync(
        self, plaid: PlaidCaller, client: TestClient
    ) -> None:
        link_token = plaid.ok("/link/token/create", link_token_request(webhook=WEBHOOK))[
            "link_token"
        ]
        done = plaid.ok(
            "/_gingham/link/complete",
            {"link_token": link_token, "institution_id": "ins_109508", "account_masks": ["0000"]},
        )
        token = plaid.ok("/item/public_token/exchange", {"public_token": done["public_token"]})[
            "access_token"
        ]
        advance(plaid, PULL)
        advance(plaid, PULL)
        first, _, _, cursor = sync_all(plaid, token)
        assert {t["account_id"] for t in first.values()} == {
            a["account_id"] for a in plaid.ok("/accounts/get", {"access_token": token})["accounts"]
        }
        plaid.ok(
            "/_gingham/bank/accounts/open",
            {"institution_id": "ins_109508", "username": "user_good", "account": HOLIDAY_FUND},
        )
        select_in_update_mode(client, plaid, token, ["0000", "3333", "4321"])
        accounts = {
            a["mask"]: a["account_id"]
            for a in plaid.ok("/accounts/get", {"access_token": token})["accounts"]
        }
        added, _, _, _ = sync_all(plaid, token, cursor)
        by_account = {t["account_id"] for t in added.values()}
        assert accounts["3333"] in by_account
        oldest = min(t["date"] for t in added.values() if t["account_id"] == accounts["3333"])
        assert oldest < "2024-04-01"
