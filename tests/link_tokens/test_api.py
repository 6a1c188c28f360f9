"""/link/token/create and /link/token/get."""

from __future__ import annotations

import re
from datetime import timedelta

from gingham.clock import FrozenClock
from gingham.wire.json import format_datetime
from tests.builders import PlaidCaller, link_token_request

TOKEN_SHAPE = re.compile(
    r"^link-sandbox-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$"
)


class TestCreateLinkToken:
    def test_token_has_plaids_format_and_lives_four_hours(
        self, plaid: PlaidCaller, clock: FrozenClock
    ) -> None:
        created = plaid.ok("/link/token/create", link_token_request())
        assert TOKEN_SHAPE.match(created["link_token"])
        assert created["expiration"] == format_datetime(clock.now() + timedelta(hours=4))

    def test_update_mode_token_lives_thirty_minutes(
        self, plaid: PlaidCaller, clock: FrozenClock
    ) -> None:
        access_token = plaid.access_token()
        created = plaid.ok(
            "/link/token/create", link_token_request(products=None, access_token=access_token)
        )
        assert created["expiration"] == format_datetime(clock.now() + timedelta(minutes=30))

    def test_full_request_of_the_seeds_is_accepted(self, plaid: PlaidCaller) -> None:
        plaid.ok(
            "/_gingham/client/redirect_uris/add",
            {"redirect_uri": "https://app.example.com/oauth.html"},
        )
        body = link_token_request(
            products=["auth"],
            required_if_supported_products=["identity"],
            optional_products=["liabilities"],
            additional_consented_products=["transactions"],
            webhook="https://app.example.com/plaid/webhook",
            redirect_uri="https://app.example.com/oauth.html",
            link_customization_name="default",
            account_filters={"depository": {"account_subtypes": ["checking", "savings"]}},
            user={
                "client_user_id": "user-1",
                "email_address": "a@example.com",
                "phone_number": "+14155550011",
            },
            transactions={"days_requested": 730},
            hosted_link={},
        )
        created = plaid.ok("/link/token/create", body)
        assert created["link_token"].startswith("link-sandbox-")

    def test_user_or_user_id_is_required(self, plaid: PlaidCaller) -> None:
        error = plaid.error("/link/token/create", link_token_request(user=None))
        assert (error["error_code"], error["error_message"]) == (
            "MISSING_FIELDS",
            "the following required fields are missing: user",
        )

    def test_products_are_required_outside_update_mode(self, plaid: PlaidCaller) -> None:
        error = plaid.error("/link/token/create", link_token_request(products=[]))
        assert error["error_code"] == "INVALID_FIELD"
        assert "products must contain at least one product" in error["error_message"]

    def test_unsupported_language_is_refused(self, plaid: PlaidCaller) -> None:
        error = plaid.error("/link/token/create", link_token_request(language="xx"))
        assert error["error_code"] == "INVALID_FIELD"
        assert error["error_message"].startswith("language must be one of")

    def test_balance_is_not_a_link_product(self, plaid: PlaidCaller) -> None:
        error = plaid.error("/link/token/create", link_token_request(products=["balance"]))
        assert (error["error_type"], error["error_code"]) == ("INVALID_INPUT", "INVALID_PRODUCT")

    def test_product_arrays_must_not_overlap(self, plaid: PlaidCaller) -> None:
        error = plaid.error(
            "/link/token/create", link_token_request(products=["auth"], optional_products=["auth"])
        )
        assert error["error_code"] == "INVALID_FIELD"
        assert "auth appears in both products and optional_products" in error["error_message"]

    def test_webhook_must_be_a_url(self, plaid: PlaidCaller) -> None:
        error = plaid.error("/link/token/create", link_token_request(webhook="not a url"))
        assert error["error_message"].startswith("webhook must be an absolute http or https URL")


class TestUpdateModeRules:
    def test_products_are_refused_in_update_mode(self, plaid: PlaidCaller) -> None:
        error = plaid.error(
            "/link/token/create",
            link_token_request(products=["transactions"], access_token=plaid.access_token()),
        )
        assert error["error_code"] == "INVALID_FIELD"
        assert "additional_consented_products" in error["error_message"]

    def test_product_validation_products_are_allowed(self, plaid: PlaidCaller) -> None:
        plaid.ok(
            "/link/token/create",
            link_token_request(products=["auth", "identity"], access_token=plaid.access_token()),
        )

    def test_validation_and_consent_flow_products_do_not_mix(self, plaid: PlaidCaller) -> None:
        error = plaid.error(
            "/link/token/create",
            link_token_request(products=["auth", "assets"], access_token=plaid.access_token()),
        )
        assert "cannot combine" in error["error_message"]

    def test_account_filters_need_account_selection(self, plaid: PlaidCaller) -> None:
        filters = {"depository": {"account_subtypes": ["checking"]}}
        access_token = plaid.access_token()
        error = plaid.error(
            "/link/token/create",
            link_token_request(products=None, access_token=access_token, account_filters=filters),
        )
        assert "update.account_selection_enabled" in error["error_message"]
        plaid.ok(
            "/link/token/create",
            link_token_request(
                products=None,
                access_token=access_token,
                account_filters=filters,
                update={"account_selection_enabled": True},
            ),
        )

    def test_unknown_access_token_is_refused(self, plaid: PlaidCaller) -> None:
        error = plaid.error(
            "/link/token/create",
            link_token_request(
                products=None, access_token="access-sandbox-00000000-0000-4000-8000-000000000000"
            ),
        )
        assert error["error_code"] == "INVALID_ACCESS_TOKEN"

    def test_another_clients_access_token_is_refused(
        self, plaid: PlaidCaller, other_plaid: PlaidCaller
    ) -> None:
        error = other_plaid.error(
            "/link/token/create",
            link_token_request(products=None, access_token=plaid.access_token()),
        )
        assert error["error_code"] == "INVALID_ACCESS_TOKEN"


class TestGetLinkToken:
    def test_returns_the_configuration_it_was_created_with(
        self, plaid: PlaidCaller, clock: FrozenClock
    ) -> None:
        body = link_token_request(
            webhook="https://app.example.com/hook",
            account_filters={"credit": {"account_subtypes": ["credit card"]}},
            products=["transactions", "auth"],
        )
        token = plaid.ok("/link/token/create", body)["link_token"]
        clock.advance(timedelta(minutes=5))
        got = plaid.ok("/link/token/get", {"link_token": token})
        assert got["link_token"] == token
        assert got["created_at"] == format_datetime(clock.now() - timedelta(minutes=5))
        assert got["expiration"] == format_datetime(clock.now() + timedelta(hours=4, minutes=-5))
        assert got["metadata"] == {
            "initial_products": ["transactions", "auth"],
            "webhook": "https://app.example.com/hook",
            "country_codes": ["US"],
            "language": "en",
            "redirect_uri": None,
            "client_name": "Test App",
            "account_filters": {"credit": {"account_subtypes": ["credit card"]}},
        }
        assert got["link_sessions"] == []

    def test_unknown_token_is_invalid_link_token(self, plaid: PlaidCaller) -> None:
        error = plaid.error(
            "/link/token/get", {"link_token": "link-sandbox-00000000-0000-4000-8000-000000000000"}
        )
        assert (error["error_type"], error["error_code"], error["error_message"]) == (
            "INVALID_INPUT",
            "INVALID_LINK_TOKEN",
            "invalid link_token provided",
        )

    def test_another_clients_token_is_not_found(
        self, plaid: PlaidCaller, other_plaid: PlaidCaller
    ) -> None:
        token = plaid.ok("/link/token/create", link_token_request())["link_token"]
        assert (
            other_plaid.error("/link/token/get", {"link_token": token})["error_code"]
            == "INVALID_LINK_TOKEN"
        )
