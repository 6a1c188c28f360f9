"""Builders for the user tests: users, their Items, and link tokens for them."""

from __future__ import annotations

from typing import Any

from tests.builders import PlaidCaller, link_token_request


def create_user(plaid: PlaidCaller, client_user_id: str = "app-user-1") -> dict[str, Any]:
    return plaid.ok("/user/create", {"client_user_id": client_user_id})


def link_for_user(plaid: PlaidCaller, user_token: str, **complete: Any) -> str:
    """A new Item linked through headless Link with a link token carrying `user_token`; returns
    its access token."""
    link_token = plaid.ok("/link/token/create", link_token_request(user_token=user_token))[
        "link_token"
    ]
    done = plaid.ok("/_gingham/link/complete", {"link_token": link_token, **complete})
    assert done["status"] == "SUCCESS", done
    access_token: str = plaid.ok(
        "/item/public_token/exchange", {"public_token": done["public_token"]}
    )["access_token"]
    return access_token


def item_id_of(plaid: PlaidCaller, access_token: str) -> str:
    item_id: str = plaid.ok("/item/get", {"access_token": access_token})["item"]["item_id"]
    return item_id


def user_update_request(user_token: str, **overrides: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {"products": None, "update": {"user": True}, **overrides}
    return link_token_request(user_token=user_token, **fields)
