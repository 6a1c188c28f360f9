"""The shapes a Plaid error takes besides the response body: kept on an Item, read back, as a
warning's cause, in a webhook."""

from __future__ import annotations

from gingham import errors


def login_required() -> errors.ItemError:
    return errors.ItemError(
        "ITEM_LOGIN_REQUIRED", "log in again", error_code_reason="OAUTH_USER_REVOKED"
    )


class TestStoredErrors:
    def test_a_stored_error_reads_back_as_the_same_error(self) -> None:
        stored = login_required().stored()
        read = errors.from_stored(stored)
        assert isinstance(read, errors.ItemError)
        assert read.stored() == stored

    def test_a_type_without_a_class_keeps_its_name(self) -> None:
        error = errors.of_type("ASSET_REPORT_ERROR", "PRODUCT_NOT_READY", "not ready")
        assert (error.error_type, error.status) == ("ASSET_REPORT_ERROR", 400)
        assert errors.from_stored(error.stored()).error_type == "ASSET_REPORT_ERROR"

    def test_a_stored_error_without_a_type_takes_the_default(self) -> None:
        read = errors.from_stored({"error_code": "ITEM_LOGIN_REQUIRED", "error_message": "m"})
        assert read.error_type == "ITEM_ERROR"


class TestWebhookBody:
    def test_carries_the_status_and_the_reason_only_when_there_is_one(self) -> None:
        assert login_required().webhook_body() == {
            "error_type": "ITEM_ERROR",
            "error_code": "ITEM_LOGIN_REQUIRED",
            "error_message": "log in again",
            "display_message": None,
            "error_code_reason": "OAUTH_USER_REVOKED",
            "status": 400,
        }
        assert "error_code_reason" not in errors.ItemError("X", "m").webhook_body()

    def test_a_cause_names_the_item(self) -> None:
        assert login_required().cause("item-1") == {
            **login_required().summary(),
            "item_id": "item-1",
        }
