"""/sandbox/item/fire_webhook: every code, with the body Plaid documents for it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from tests.builders import PlaidCaller

HOOK = "https://app.example.com/plaid/webhook"
ALL_PRODUCTS = ["transactions", "auth", "identity", "investments", "liabilities", "assets"]


def fire(plaid: PlaidCaller, access_token: str, code: str, **body: Any) -> dict[str, Any]:
    return plaid.ok(
        "/sandbox/item/fire_webhook", {"access_token": access_token, "webhook_code": code, **body}
    )


def last_payload(plaid: PlaidCaller) -> dict[str, Any]:
    payload: dict[str, Any] = plaid.ok("/_gingham/webhooks/list", {"limit": 1})["events"][0][
        "payload"
    ]
    return payload


@pytest.fixture
def access_token(plaid: PlaidCaller) -> str:
    # ins_109508 offers every product these webhooks need.
    return plaid.access_token(
        institution_id="ins_109508", initial_products=ALL_PRODUCTS, options={"webhook": HOOK}
    )


@pytest.fixture
def ids(plaid: PlaidCaller, access_token: str) -> dict[str, Any]:
    accounts = plaid.ok("/accounts/get", {"access_token": access_token})["accounts"]
    return {
        "item_id": plaid.ok("/item/get", {"access_token": access_token})["item"]["item_id"],
        "account_ids": [account["account_id"] for account in accounts],
    }


def item_error(code: str, message: str) -> dict[str, Any]:
    return {
        "error_type": "ITEM_ERROR",
        "error_code": code,
        "error_message": message,
        "display_message": None,
        "status": 400,
    }


class TestEveryCode:
    def test_answers_webhook_fired(self, plaid: PlaidCaller, access_token: str) -> None:
        assert fire(plaid, access_token, "LOGIN_REPAIRED") == {"webhook_fired": True}

    @pytest.mark.parametrize(
        ("code", "webhook_type", "expected"),
        [
            (
                "DEFAULT_UPDATE",
                "TRANSACTIONS",
                lambda ids: {"item_id": ids["item_id"], "error": None, "new_transactions": 0},
            ),
            (
                "NEW_ACCOUNTS_AVAILABLE",
                "ITEM",
                lambda ids: {"item_id": ids["item_id"], "error": None},
            ),
            (
                "SMS_MICRODEPOSITS_VERIFICATION",
                "AUTH",
                lambda ids: {
                    "status": "MANUALLY_VERIFIED",
                    "item_id": ids["item_id"],
                    "account_id": ids["account_ids"][0],
                },
            ),
            ("AUTHORIZATION_GRANTED", "ITEM", lambda ids: {"item_id": ids["item_id"]}),
            (
                "USER_PERMISSION_REVOKED",
                "ITEM",
                lambda ids: {
                    "item_id": ids["item_id"],
                    "error": item_error(
                        "USER_PERMISSION_REVOKED",
                        "the holder of this account has revoked their permission for your application to access it",
                    ),
                },
            ),
            (
                "USER_ACCOUNT_REVOKED",
                "ITEM",
                lambda ids: {"item_id": ids["item_id"], "account_id": ids["account_ids"][0]},
            ),
            (
                "PENDING_DISCONNECT",
                "ITEM",
                lambda ids: {
                    "item_id": ids["item_id"],
                    "reason": "INSTITUTION_TOKEN_EXPIRATION",
                    "disconnect_time": "2026-03-09T09:30:00.000Z",
                },
            ),
            (
                "PENDING_EXPIRATION",
                "ITEM",
                lambda ids: {
                    "item_id": ids["item_id"],
                    "consent_expiration_time": "2026-03-09T09:30:00.000Z",
                },
            ),
            (
                "RECURRING_TRANSACTIONS_UPDATE",
                "TRANSACTIONS",
                lambda ids: {"item_id": ids["item_id"], "account_ids": ids["account_ids"]},
            ),
            ("LOGIN_REPAIRED", "ITEM", lambda ids: {"item_id": ids["item_id"]}),
            (
                "SYNC_UPDATES_AVAILABLE",
                "TRANSACTIONS",
                # The Item's transactions have not been pulled yet (tests/transactions fires it
                # after the pulls).
                lambda ids: {
                    "item_id": ids["item_id"],
                    "initial_update_complete": False,
                    "historical_update_complete": False,
                },
            ),
            (
                "ERROR",
                "ITEM",
                lambda ids: {
                    "item_id": ids["item_id"],
                    "error": item_error(
                        "ITEM_LOGIN_REQUIRED",
                        "the login details of this item have changed (credentials, MFA, or required user action) and a user login is required to update this information. use Link's update mode to restore the item to a good state",
                    ),
                },
            ),
        ],
    )
    def test_documented_body(
        self,
        plaid: PlaidCaller,
        access_token: str,
        ids: dict[str, Any],
        code: str,
        webhook_type: str,
        expected: Any,
    ) -> None:
        fire(plaid, access_token, code)
        assert last_payload(plaid) == {
            "webhook_type": webhook_type,
            "webhook_code": code,
            **expected(ids),
            "environment": "sandbox",
        }

    def test_product_ready_is_an_assets_webhook(
        self, plaid: PlaidCaller, access_token: str
    ) -> None:
        fire(plaid, access_token, "PRODUCT_READY")
        payload = last_payload(plaid)
        assert set(payload) == {
            "webhook_type",
            "webhook_code",
            "asset_report_id",
            "report_type",
            "environment",
        }
        assert (payload["webhook_type"], payload["report_type"]) == ("ASSETS", "FULL")

    def test_new_transactions_option(self, plaid: PlaidCaller, access_token: str) -> None:
        fire(plaid, access_token, "DEFAULT_UPDATE", options={"new_transactions": 7})
        assert last_payload(plaid)["new_transactions"] == 7

    def test_pending_expiration_carries_the_consent_expiry(
        self, plaid: PlaidCaller, access_token: str, clock: Any
    ) -> None:
        clock.advance(timedelta(days=1))
        fire(plaid, access_token, "PENDING_EXPIRATION")
        assert last_payload(plaid)["consent_expiration_time"] == "2026-03-10T09:30:00.000Z"

    @pytest.mark.parametrize(
        ("webhook_type", "extra"),
        [
            ("AUTH", {"account_ids_with_new_auth": [], "account_ids_with_updated_auth": {}}),
            ("IDENTITY", {"account_ids_with_updated_identity": {}}),
            ("HOLDINGS", {"new_holdings": 0, "updated_holdings": 0}),
            (
                "INVESTMENTS_TRANSACTIONS",
                {"new_investments_transactions": 0, "cancelled_investments_transactions": 0},
            ),
            (
                "LIABILITIES",
                {
                    "account_ids_with_new_liabilities": [],
                    "account_ids_with_updated_liabilities": {},
                },
            ),
        ],
    )
    def test_default_update_of_each_product(
        self,
        plaid: PlaidCaller,
        access_token: str,
        ids: dict[str, Any],
        webhook_type: str,
        extra: dict[str, Any],
    ) -> None:
        fire(plaid, access_token, "DEFAULT_UPDATE", webhook_type=webhook_type)
        payload = last_payload(plaid)
        assert payload["webhook_type"] == webhook_type
        assert payload["item_id"] == ids["item_id"]
        assert payload["error"] is None
        assert {key: payload[key] for key in extra} == extra

    def test_error_as_an_assets_webhook(self, plaid: PlaidCaller, access_token: str) -> None:
        fire(plaid, access_token, "ERROR", webhook_type="ASSETS")
        payload = last_payload(plaid)
        assert payload["webhook_type"] == "ASSETS"
        assert payload["error"]["status"] == 400
        assert "request_id" not in payload["error"]

    def test_fires_without_changing_the_item(self, plaid: PlaidCaller, access_token: str) -> None:
        fire(plaid, access_token, "ERROR")
        plaid.ok("/accounts/get", {"access_token": access_token})


class TestRefusals:
    def test_item_without_a_webhook(self, plaid: PlaidCaller) -> None:
        error = plaid.error(
            "/sandbox/item/fire_webhook",
            {"access_token": plaid.access_token(), "webhook_code": "LOGIN_REPAIRED"},
        )
        assert (error["error_type"], error["error_code"]) == (
            "SANDBOX_ERROR",
            "SANDBOX_WEBHOOK_INVALID",
        )
        assert "/item/webhook/update" in error["error_message"]

    @pytest.mark.parametrize(
        ("code", "webhook_type"),
        [
            ("DEFAULT_UPDATE", None),
            ("SYNC_UPDATES_AVAILABLE", None),
            ("RECURRING_TRANSACTIONS_UPDATE", None),
            ("DEFAULT_UPDATE", "AUTH"),
            ("SMS_MICRODEPOSITS_VERIFICATION", None),
            ("PRODUCT_READY", None),
        ],
    )
    def test_product_the_item_lacks(
        self, plaid: PlaidCaller, code: str, webhook_type: str | None
    ) -> None:
        access_token = plaid.access_token(initial_products=["identity"], options={"webhook": HOOK})
        body = {"access_token": access_token, "webhook_code": code}
        if webhook_type:
            body["webhook_type"] = webhook_type
        error = plaid.error("/sandbox/item/fire_webhook", body)
        assert (error["error_type"], error["error_code"]) == (
            "SANDBOX_ERROR",
            "SANDBOX_PRODUCT_NOT_ENABLED",
        )

    def test_type_that_does_not_go_with_the_code(
        self, plaid: PlaidCaller, access_token: str
    ) -> None:
        error = plaid.error(
            "/sandbox/item/fire_webhook",
            {
                "access_token": access_token,
                "webhook_code": "LOGIN_REPAIRED",
                "webhook_type": "AUTH",
            },
        )
        assert error["error_code"] == "INVALID_FIELD"
        assert "use ITEM" in error["error_message"]

    def test_unknown_code(self, plaid: PlaidCaller, access_token: str) -> None:
        error = plaid.error(
            "/sandbox/item/fire_webhook", {"access_token": access_token, "webhook_code": "NOPE"}
        )
        assert error["error_code"] == "INVALID_FIELD"

    def test_nothing_is_queued_when_refused(self, plaid: PlaidCaller) -> None:
        plaid.error(
            "/sandbox/item/fire_webhook",
            {"access_token": plaid.access_token(), "webhook_code": "LOGIN_REPAIRED"},
        )
        assert plaid.ok("/_gingham/webhooks/list", {})["events"] == []
