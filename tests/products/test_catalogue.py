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
            "assets",
            "auth",
            "balance",
            "identity",
            "identity_match",
            "income_verification",
            "investments",
            "liabilities",
            "recurring_transactions",
            "signal",
            "statements",
            "transactions",
            "transactions_refresh",
        ]
        assert catalogue.LISTED == catalogue.SERVED

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

    def test_add_ons_come_with_a_served_base_product_and_endpoint(self) -> None:
        add_ons = {
            p.name: (p.part_of, p.endpoint) for p in catalogue.CATALOGUE.values() if p.part_of
        }
        assert add_ons == {
            "identity_match": ("identity", "/identity/match"),
            "transactions_refresh": ("transactions", "/transactions/refresh"),
            "recurring_transactions": ("transactions", "/transactions/recurring/get"),
        }
