"""/link/token/create takes only products and options Gingham serves: the others are refused up
front with Plaid's INVALID_PRODUCT, never stored."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from gingham.link_tokens.models import LinkToken
from gingham.products import catalogue
from tests.builders import PlaidCaller, link_token_request

PRODUCT_FIELDS = [
    "products",
    "required_if_supported_products",
    "optional_products",
    "additional_consented_products",
]
LINK_PRODUCTS = ["auth", "identity", "transactions", "investments", "liabilities", "signal"]
# Products with reports; update mode also adds them to existing Items.
REPORT_PRODUCTS = ["assets", "statements"]


def refused_as_unserved(error: dict[str, Any], *products: str) -> None:
    assert (error["error_type"], error["error_code"]) == ("INVALID_INPUT", "INVALID_PRODUCT")
    listed = json.dumps(list(products), separators=(",", ":"))
    assert error["error_message"].startswith(
        f"client is not authorized to access the following products: {listed}"
    ), error["error_message"]
    assert "Gingham does not serve" in error["error_message"]
    assert error["display_message"] is None


def stored_tokens(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(LinkToken)) or 0


def with_products(field: str, products: list[str]) -> dict[str, Any]:
    """A new-Item request with `products` in `field` (and Auth as the required product)."""
    if field == "products":
        return link_token_request(products=products)
    return link_token_request(products=["auth"], **{field: products})


class TestUnservedProducts:
    @pytest.mark.parametrize("field", PRODUCT_FIELDS)
    @pytest.mark.parametrize(
        "product",
        ["transfer", "payment_initiation", "identity_verification", "cra_base_report", "beacon"],
    )
    def test_is_refused_in_every_field(self, plaid: PlaidCaller, field: str, product: str) -> None:
        error = plaid.error("/link/token/create", with_products(field, [product]))
        refused_as_unserved(error, product)
        assert f"({field})" in error["error_message"]

    @pytest.mark.parametrize("product", sorted(catalogue.NOT_SERVED))
    def test_every_unserved_name_of_plaids_enum_is_refused(
        self, plaid: PlaidCaller, product: str
    ) -> None:
        error = plaid.error("/link/token/create", link_token_request(products=[product]))
        refused_as_unserved(error, product)

    def test_the_message_names_them_all_and_what_is_served(self, plaid: PlaidCaller) -> None:
        error = plaid.error(
            "/link/token/create",
            link_token_request(products=["transactions", "transfer", "employment"]),
        )
        refused_as_unserved(error, "transfer", "employment")
        assert "Transfer (transfer) and Employment (employment)" in error["error_message"]
        assert error["error_message"].endswith(
            "products takes: assets, auth, identity, income_verification, investments, "
            "liabilities, signal, statements, transactions"
        )

    def test_nothing_is_stored(self, plaid: PlaidCaller, session: Session) -> None:
        before = stored_tokens(session)
        plaid.error("/link/token/create", link_token_request(optional_products=["transfer"]))
        assert stored_tokens(session) == before

    def test_in_update_mode_too(self, plaid: PlaidCaller) -> None:
        access_token = plaid.access_token()
        for field in PRODUCT_FIELDS:
            fields: dict[str, Any] = {"products": None, field: ["transfer"]}
            error = plaid.error(
                "/link/token/create", link_token_request(access_token=access_token, **fields)
            )
            refused_as_unserved(error, "transfer")


class TestAddOns:
    @pytest.mark.parametrize(
        ("add_on", "base", "endpoint"),
        [
            ("identity_match", "identity", "/identity/match"),
            ("transactions_refresh", "transactions", "/transactions/refresh"),
            ("recurring_transactions", "transactions", "/transactions/recurring/get"),
        ],
    )
    @pytest.mark.parametrize("field", PRODUCT_FIELDS)
    def test_are_not_requested_in_link(
        self, plaid: PlaidCaller, field: str, add_on: str, base: str, endpoint: str
    ) -> None:
        error = plaid.error("/link/token/create", with_products(field, [add_on]))
        assert (error["error_type"], error["error_code"]) == ("INVALID_INPUT", "INVALID_PRODUCT")
        assert error["error_message"].startswith(f"{add_on} is not a valid product for {field}")
        assert f"request {base} and call {endpoint}" in error["error_message"]

    @pytest.mark.parametrize("field", PRODUCT_FIELDS)
    def test_balance_is_never_requested(self, plaid: PlaidCaller, field: str) -> None:
        error = plaid.error("/link/token/create", with_products(field, ["balance"]))
        assert error["error_code"] == "INVALID_PRODUCT"
        assert "Balance comes with every other product" in error["error_message"]


class TestServedProducts:
    @pytest.mark.parametrize("product", LINK_PRODUCTS + REPORT_PRODUCTS)
    def test_are_accepted_in_products(self, plaid: PlaidCaller, product: str) -> None:
        plaid.ok("/link/token/create", link_token_request(products=[product]))

    @pytest.mark.parametrize(
        "field",
        ["required_if_supported_products", "optional_products", "additional_consented_products"],
    )
    def test_are_accepted_in_the_other_fields(self, plaid: PlaidCaller, field: str) -> None:
        others = [p for p in LINK_PRODUCTS if p != "auth"]
        plaid.ok("/link/token/create", with_products(field, others))

    def test_the_quickstarts_default_configuration_is_accepted(self, plaid: PlaidCaller) -> None:
        plaid.ok(
            "/link/token/create", link_token_request(products=["auth", "transactions", "signal"])
        )


# Options that start a flow Gingham does not run, with the value an app would send.
REFUSED_OPTIONS: list[tuple[str, Any, str | None]] = [
    ("payment_initiation", {"payment_id": "payment-id-sandbox-1"}, "payment_initiation"),
    ("payment_configuration", {"amount": "10.00"}, "pay_by_bank"),
    ("transfer", {"authorization_id": "460cbe92-2dcc-8eae-5ad6-b37d0ec90fd9"}, "transfer"),
    ("transfer", {"intent_id": "460cbe92-2dcc-8eae-5ad6-b37d0ec90fd9"}, "transfer"),
    ("employment", {"employment_source_types": ["bank"]}, "employment"),
    ("identity_verification", {"template_id": "idvtmp_4FrXJvfQU3zGUR"}, "identity_verification"),
    ("investments_auth", {"manual_entry_enabled": True}, "investments_auth"),
    ("consumer_report_permissible_purpose", "ACCOUNT_REVIEW_CREDIT", "cra_base_report"),
    ("cra_options", {"days_requested": 365}, "cra_base_report"),
    ("cra_enabled", True, "cra_base_report"),
    ("base_report", {"days_requested": 90}, "cra_base_report"),
    ("credit_partner_insights", {"days_requested": 180}, "cra_partner_insights"),
    ("cashflow_report", {"days_requested": 90}, None),
    ("card_switch", {"card_bin": "411111"}, None),
    ("enable_multi_item_link", True, None),
    ("access_tokens", ["access-sandbox-00000000-0000-4000-8000-000000000000"], None),
    ("identity", {"is_document_upload": True, "account_ids": ["acc-1"]}, None),
    ("income_verification", {"income_source_types": ["payroll"]}, None),
]


class TestRefusedOptions:
    @pytest.mark.parametrize(("field", "value", "product"), REFUSED_OPTIONS)
    def test_is_refused_naming_what_it_starts(
        self, plaid: PlaidCaller, session: Session, field: str, value: Any, product: str | None
    ) -> None:
        before = stored_tokens(session)
        error = plaid.error("/link/token/create", link_token_request(**{field: value}))
        assert (error["error_type"], error["error_code"]) == ("INVALID_INPUT", "INVALID_PRODUCT")
        message = error["error_message"]
        if product is not None:
            assert message.startswith(
                f'client is not authorized to access the following products: ["{product}"]'
            ), message
        assert "which Gingham does not serve yet" in message
        assert message.endswith(f"leave {field} out")
        assert stored_tokens(session) == before

    def test_transfer_authorization_is_refused_in_update_mode(self, plaid: PlaidCaller) -> None:
        error = plaid.error(
            "/link/token/create",
            link_token_request(
                products=None,
                access_token=plaid.access_token(),
                transfer={"authorization_id": "460cbe92-2dcc-8eae-5ad6-b37d0ec90fd9"},
            ),
        )
        assert error["error_code"] == "INVALID_PRODUCT"
        assert "starts Transfer" in error["error_message"]


class TestAcceptedOptions:
    @pytest.mark.parametrize(
        "fields",
        [
            {"eu_config": {"headless": False}},
            {"institution_id": "ins_109508"},
            {"financekit_supported": True},
            {"third_party_user_token": "third-party-user-token"},
            {"appearance_mode": "DARK"},
            {"auth": {"same_day_microdeposits_enabled": True, "instant_match_enabled": True}},
            {"investments": {"allow_manual_entry": False}},
            {"transactions": {"days_requested": 730}},
            {"enable_multi_item_link": False},
            {"cra_enabled": False},
            {"identity": {"is_document_upload": False}},
            {"payment_initiation": None, "transfer": None},
        ],
    )
    def test_is_accepted(self, plaid: PlaidCaller, fields: dict[str, Any]) -> None:
        plaid.ok("/link/token/create", link_token_request(**fields))

    def test_bank_income_is_accepted(self, plaid: PlaidCaller) -> None:
        user_token = plaid.ok("/user/create", {"client_user_id": "income-user"})["user_token"]
        plaid.ok(
            "/link/token/create",
            link_token_request(
                products=["income_verification"],
                user_token=user_token,
                income_verification={
                    "income_source_types": ["bank"],
                    "bank_income": {"days_requested": 90},
                },
            ),
        )
