"""/item/* endpoints: public-token exchange, Item reads, webhook updates, rotation and removal."""

from __future__ import annotations

from datetime import timedelta

from gingham.clock import FrozenClock
from tests.builders import PlaidCaller

UNKNOWN_ACCESS_TOKEN = "access-sandbox-00000000-0000-4000-8000-000000000000"


class TestExchangePublicToken:
    def test_exchange_gives_an_access_token_for_the_item(self, plaid: PlaidCaller) -> None:
        exchanged = plaid.ok("/item/public_token/exchange", {"public_token": plaid.public_token()})
        assert exchanged["access_token"].startswith("access-sandbox-")
        assert len(exchanged["item_id"]) == 37
        item = plaid.ok("/item/get", {"access_token": exchanged["access_token"]})["item"]
        assert item["item_id"] == exchanged["item_id"]

    def test_second_exchange_fails(self, plaid: PlaidCaller) -> None:
        public_token = plaid.public_token()
        plaid.ok("/item/public_token/exchange", {"public_token": public_token})
        error = plaid.error("/item/public_token/exchange", {"public_token": public_token})
        assert (error["error_type"], error["error_code"]) == (
            "INVALID_INPUT",
            "INVALID_PUBLIC_TOKEN",
        )
        assert error["error_message"].startswith("could not find matching public token")
        assert "already been exchanged" in error["error_message"]

    def test_token_expires_after_thirty_minutes(
        self, plaid: PlaidCaller, clock: FrozenClock
    ) -> None:
        public_token = plaid.public_token()
        clock.advance(timedelta(minutes=30))
        error = plaid.error("/item/public_token/exchange", {"public_token": public_token})
        assert error["error_code"] == "INVALID_PUBLIC_TOKEN"
        assert error["error_message"].startswith("provided public token is expired")

    def test_token_still_works_just_before_expiry(
        self, plaid: PlaidCaller, clock: FrozenClock
    ) -> None:
        public_token = plaid.public_token()
        clock.advance(timedelta(minutes=29, seconds=59))
        plaid.ok("/item/public_token/exchange", {"public_token": public_token})

    def test_unknown_token(self, plaid: PlaidCaller) -> None:
        error = plaid.error(
            "/item/public_token/exchange",
            {"public_token": "public-sandbox-00000000-0000-4000-8000-000000000000"},
        )
        assert error["error_message"] == "could not find matching public token"

    def test_malformed_token_names_the_expected_format(self, plaid: PlaidCaller) -> None:
        error = plaid.error("/item/public_token/exchange", {"public_token": "access-sandbox-123"})
        assert error["error_code"] == "INVALID_PUBLIC_TOKEN"
        assert "public-<environment>-<identifier>" in error["error_message"]

    def test_production_token_with_sandbox_secret_names_the_environment(
        self, plaid: PlaidCaller
    ) -> None:
        error = plaid.error(
            "/item/public_token/exchange",
            {"public_token": "public-production-00000000-0000-4000-8000-000000000000"},
        )
        assert "production environment" in error["error_message"]

    def test_another_client_cannot_exchange(
        self, plaid: PlaidCaller, other_plaid: PlaidCaller
    ) -> None:
        public_token = plaid.public_token()
        assert (
            other_plaid.error("/item/public_token/exchange", {"public_token": public_token})[
                "error_code"
            ]
            == "INVALID_PUBLIC_TOKEN"
        )
        # The failed attempt did not spend the token.
        plaid.ok("/item/public_token/exchange", {"public_token": public_token})


class TestGetItem:
    def test_item_carries_every_field_plaid_python_requires(
        self, plaid: PlaidCaller, clock: FrozenClock
    ) -> None:
        access_token = plaid.access_token(options={"webhook": "https://app.example.com/hook"})
        got = plaid.ok("/item/get", {"access_token": access_token})
        item = got["item"]
        assert item["institution_id"] == "ins_109508"
        assert item["institution_name"] == "First Platypus Bank"
        assert item["webhook"] == "https://app.example.com/hook"
        assert item["error"] is None
        assert item["billed_products"] == ["transactions"]
        assert item["products"] == ["transactions"]
        assert item["consented_products"] == ["transactions"]
        assert "transactions" not in item["available_products"]
        assert {"auth", "balance", "identity"} <= set(item["available_products"])
        assert item["consent_expiration_time"] is None
        assert item["update_type"] == "background"
        assert item["created_at"] == "2026-03-02T09:30:00Z"
        assert item["consented_data_scopes"] == ["account_balance_info", "transactions"]
        assert got["status"] == {"investments": None, "transactions": None, "last_webhook": None}

    def test_unknown_access_token(self, plaid: PlaidCaller) -> None:
        error = plaid.error("/item/get", {"access_token": UNKNOWN_ACCESS_TOKEN})
        assert (error["error_code"], error["error_message"]) == (
            "INVALID_ACCESS_TOKEN",
            "could not find matching access token",
        )

    def test_malformed_access_token(self, plaid: PlaidCaller) -> None:
        error = plaid.error("/item/get", {"access_token": "not-a-token"})
        assert "access-<environment>-<identifier>" in error["error_message"]

    def test_another_clients_token_is_not_found(
        self, plaid: PlaidCaller, other_plaid: PlaidCaller
    ) -> None:
        assert (
            other_plaid.error("/item/get", {"access_token": plaid.access_token()})["error_code"]
            == "INVALID_ACCESS_TOKEN"
        )


class TestUpdateWebhook:
    def test_new_webhook_is_stored_and_returned(self, plaid: PlaidCaller) -> None:
        access_token = plaid.access_token()
        updated = plaid.ok(
            "/item/webhook/update",
            {"access_token": access_token, "webhook": "https://new.example.com/hook"},
        )
        assert updated["item"]["webhook"] == "https://new.example.com/hook"
        assert (
            plaid.ok("/item/get", {"access_token": access_token})["item"]["webhook"]
            == "https://new.example.com/hook"
        )

    def test_invalid_url_is_refused_and_the_old_one_kept(self, plaid: PlaidCaller) -> None:
        access_token = plaid.access_token(options={"webhook": "https://old.example.com/hook"})
        error = plaid.error(
            "/item/webhook/update", {"access_token": access_token, "webhook": "ftp://x"}
        )
        assert error["error_code"] == "INVALID_FIELD"
        assert (
            plaid.ok("/item/get", {"access_token": access_token})["item"]["webhook"]
            == "https://old.example.com/hook"
        )


class TestInvalidateAccessToken:
    def test_old_token_stops_working_at_once(self, plaid: PlaidCaller) -> None:
        old = plaid.access_token()
        item_id = plaid.ok("/item/get", {"access_token": old})["item"]["item_id"]
        new = plaid.ok("/item/access_token/invalidate", {"access_token": old})["new_access_token"]
        assert new != old and new.startswith("access-sandbox-")
        assert (
            plaid.error("/item/get", {"access_token": old})["error_code"] == "INVALID_ACCESS_TOKEN"
        )
        assert plaid.ok("/item/get", {"access_token": new})["item"]["item_id"] == item_id


class TestRemoveItem:
    def test_removed_item_is_unreachable(self, plaid: PlaidCaller) -> None:
        access_token = plaid.access_token()
        assert (
            plaid.ok("/item/remove", {"access_token": access_token, "reason_code": "OTHER"}) == {}
        )
        assert (
            plaid.error("/item/get", {"access_token": access_token})["error_code"]
            == "INVALID_ACCESS_TOKEN"
        )
        assert (
            plaid.error("/accounts/get", {"access_token": access_token})["error_code"]
            == "INVALID_ACCESS_TOKEN"
        )

    def test_unknown_reason_code_is_refused(self, plaid: PlaidCaller) -> None:
        error = plaid.error(
            "/item/remove", {"access_token": plaid.access_token(), "reason_code": "BORED"}
        )
        assert error["error_code"] == "INVALID_FIELD"
