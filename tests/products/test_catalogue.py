"""The product catalogue: every name of Plaid's `Products` enum, each decided once."""

from __future__ import annotations

import json
from pathlib import Path

from gingham.products import catalogue

REQUEST_SCHEMAS = Path(__file__).parents[2] / "gingham" / "wire" / "request_schemas.json"


def plaids_products() -> set[str]:
    schemas = json.loads(REQUEST_SCHEMAS.read_text())
    enum: list[str] = schemas["/link/token/create"]["properties"]["products"]["items"]["enum"]
    return set(enum)


class TestCatalogue:
    def test_covers_plaids_products_enum_exactly(self) -> None:
        assert set(catalogue.CATALOGUE) == plaids_products()

    def test_served_products(self) -> None:
        assert sorted(catalogue.SERVED) == [
            "auth",
            "balance",
            "identity",
            "identity_match",
            "investments",
            "liabilities",
            "recurring_transactions",
            "signal",
            "transactions",
            "transactions_refresh",
        ]
        assert sorted(catalogue.LISTED - catalogue.SERVED) == [
            "assets",
            "income_verification",
            "statements",
        ]

    def test_link_fields_take_only_base_products(self) -> None:
        for field in catalogue.LINK_PRODUCT_FIELDS:
            assert catalogue.link_products(field) == [
                "assets",
                "auth",
                "identity",
                "income_verification",
                "investments",
                "liabilities",
                "signal",
                "statements",
                "transactions",
            ]

    def test_add_ons_are_consented_with_their_base_product(self) -> None:
        assert catalogue.consent_product("identity_match") == "identity"
        assert catalogue.consent_product("transactions_refresh") == "transactions"
        assert catalogue.consent_product("recurring_transactions") == "transactions"
        assert catalogue.consent_product("auth") == "auth"
