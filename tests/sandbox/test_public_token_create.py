"""/sandbox/public_token/create: Items without Link, with Plaid's sandbox credentials."""

from __future__ import annotations

import pytest

from tests.builders import PlaidCaller


class TestCreatePublicToken:
    def test_creates_an_exchangeable_token(self, plaid: PlaidCaller) -> None:
        public_token = plaid.public_token()
        assert public_token.startswith("public-sandbox-")
        plaid.ok("/item/public_token/exchange", {"public_token": public_token})

    def test_webhook_option_is_the_items_webhook(self, plaid: PlaidCaller) -> None:
        access_token = plaid.access_token(options={"webhook": "https://hooks.example.com/plaid"})
        assert (
            plaid.ok("/item/get", {"access_token": access_token})["item"]["webhook"]
            == "https://hooks.example.com/plaid"
        )

    def test_initial_products_are_billed(self, plaid: PlaidCaller) -> None:
        access_token = plaid.access_token(initial_products=["auth", "identity"])
        assert plaid.ok("/item/get", {"access_token": access_token})["item"]["billed_products"] == [
            "auth",
            "identity",
        ]

    def test_unknown_institution(self, plaid: PlaidCaller) -> None:
        error = plaid.error(
            "/sandbox/public_token/create",
            {"institution_id": "ins_0", "initial_products": ["auth"]},
        )
        assert error["error_code"] == "INVALID_INSTITUTION"

    def test_unsupported_product_is_named(self, plaid: PlaidCaller) -> None:
        error = plaid.error(
            "/sandbox/public_token/create",
            {"institution_id": "ins_117650", "initial_products": ["investments"]},
        )
        assert (error["error_type"], error["error_code"]) == (
            "ITEM_ERROR",
            "PRODUCTS_NOT_SUPPORTED",
        )
        assert "investments" in error["error_message"]

    def test_empty_products_are_refused(self, plaid: PlaidCaller) -> None:
        error = plaid.error(
            "/sandbox/public_token/create", {"institution_id": "ins_109508", "initial_products": []}
        )
        assert error["error_code"] == "INVALID_FIELD"

    @pytest.mark.parametrize(
        ("password", "error_type", "status"),
        [
            ("error_ITEM_LOCKED", "ITEM_ERROR", 400),
            ("error_INVALID_CREDENTIALS", "ITEM_ERROR", 400),
            ("error_INSTITUTION_DOWN", "INSTITUTION_ERROR", 400),
            ("error_INTERNAL_SERVER_ERROR", "API_ERROR", 500),
        ],
    )
    def test_error_passwords_fail_with_that_error(
        self, plaid: PlaidCaller, password: str, error_type: str, status: int
    ) -> None:
        body = {
            "institution_id": "ins_109508",
            "initial_products": ["transactions"],
            "options": {"override_password": password},
        }
        error = plaid.error("/sandbox/public_token/create", body, status=status)
        assert (error["error_type"], error["error_code"]) == (
            error_type,
            password.removeprefix("error_"),
        )

    def test_wrong_password_is_invalid_credentials(self, plaid: PlaidCaller) -> None:
        body = {
            "institution_id": "ins_109508",
            "initial_products": ["transactions"],
            "options": {"override_password": "wrong"},
        }
        error = plaid.error("/sandbox/public_token/create", body)
        assert error["error_code"] == "INVALID_CREDENTIALS"
        assert (
            error["display_message"]
            == "The provided credentials were not correct. Please try again."
        )

    def test_mfa_users_link_without_mfa(self, plaid: PlaidCaller) -> None:
        for password in (
            "mfa_device",
            "mfa_questions_2_3",
            "mfa_selections",
            "mfa_selections_1_2_3",
        ):
            plaid.public_token(options={"override_password": password})

    def test_user_custom_force_error(self, plaid: PlaidCaller) -> None:
        body = {
            "institution_id": "ins_109508",
            "initial_products": ["transactions"],
            "options": {
                "override_username": "user_custom",
                "override_password": '{"force_error": "ITEM_LOCKED"}',
            },
        }
        assert plaid.error("/sandbox/public_token/create", body)["error_code"] == "ITEM_LOCKED"

    def test_user_custom_bad_json_is_explained(self, plaid: PlaidCaller) -> None:
        body = {
            "institution_id": "ins_109508",
            "initial_products": ["transactions"],
            "options": {"override_username": "user_custom", "override_password": "{not json"},
        }
        error = plaid.error("/sandbox/public_token/create", body)
        assert error["error_code"] == "INVALID_CREDENTIALS"
        assert "must be a JSON object" in error["error_message"]

    def test_user_custom_wrong_value_types_are_explained(self, plaid: PlaidCaller) -> None:
        body = {
            "institution_id": "ins_109508",
            "initial_products": ["transactions"],
            "options": {
                "override_username": "user_custom",
                "override_password": '{"override_accounts": [{"starting_balance": "lots"}]}',
            },
        }
        error = plaid.error("/sandbox/public_token/create", body)
        assert error["error_code"] == "INVALID_CREDENTIALS"
        assert "wrong type" in error["error_message"]
