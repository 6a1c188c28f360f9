"""/sandbox/item/reset_login: the Item needs its login repaired, and says so by webhook."""

from __future__ import annotations

from typing import Any

from tests.builders import PlaidCaller

HOOK = "https://app.example.com/plaid/webhook"
LOGIN_REQUIRED_MESSAGE = (
    "the login details of this item have changed (credentials, MFA, or required user action) and "
    "a user login is required to update this information. use Link's update mode to restore the "
    "item to a good state"
)


def events(plaid: PlaidCaller) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = plaid.ok("/_gingham/webhooks/list", {})["events"]
    return found


class TestResetLogin:
    def test_answers_reset_login_true(self, plaid: PlaidCaller) -> None:
        assert plaid.ok("/sandbox/item/reset_login", {"access_token": plaid.access_token()}) == {
            "reset_login": True
        }

    def test_item_needs_its_login_repaired(self, plaid: PlaidCaller) -> None:
        access_token = plaid.access_token()
        plaid.ok("/sandbox/item/reset_login", {"access_token": access_token})

        error = plaid.error("/accounts/get", {"access_token": access_token})
        assert (error["error_type"], error["error_code"], error["error_message"]) == (
            "ITEM_ERROR",
            "ITEM_LOGIN_REQUIRED",
            LOGIN_REQUIRED_MESSAGE,
        )
        item = plaid.ok("/item/get", {"access_token": access_token})["item"]
        assert item["error"]["error_code"] == "ITEM_LOGIN_REQUIRED"

    def test_queues_an_item_error_webhook(self, plaid: PlaidCaller) -> None:
        access_token = plaid.access_token(options={"webhook": HOOK})
        plaid.ok("/sandbox/item/reset_login", {"access_token": access_token})
        item_id = plaid.ok("/item/get", {"access_token": access_token})["item"]["item_id"]

        [event] = events(plaid)
        assert event["url"] == HOOK
        assert event["payload"] == {
            "webhook_type": "ITEM",
            "webhook_code": "ERROR",
            "item_id": item_id,
            "error": {
                "error_type": "ITEM_ERROR",
                "error_code": "ITEM_LOGIN_REQUIRED",
                "error_message": LOGIN_REQUIRED_MESSAGE,
                "display_message": None,
                "status": 400,
            },
            "environment": "sandbox",
        }

    def test_without_a_webhook_nothing_is_queued(self, plaid: PlaidCaller) -> None:
        plaid.ok("/sandbox/item/reset_login", {"access_token": plaid.access_token()})
        assert events(plaid) == []

    def test_unknown_access_token(self, plaid: PlaidCaller) -> None:
        error = plaid.error(
            "/sandbox/item/reset_login",
            {"access_token": "access-sandbox-00000000-0000-4000-8000-000000000000"},
        )
        assert error["error_code"] == "INVALID_ACCESS_TOKEN"

    def test_another_clients_item_is_out_of_reach(
        self, plaid: PlaidCaller, other_plaid: PlaidCaller
    ) -> None:
        access_token = plaid.access_token()
        error = other_plaid.error("/sandbox/item/reset_login", {"access_token": access_token})
        assert error["error_code"] == "INVALID_ACCESS_TOKEN"
        plaid.ok("/accounts/get", {"access_token": access_token})
