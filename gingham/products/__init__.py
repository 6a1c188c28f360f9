"""Plaid product names and the rules for requesting them."""

from __future__ import annotations

from collections.abc import Sequence

from gingham import errors

# Update mode takes no products except to validate Auth/Identity permissions (Update Mode with
# Product Validations) or to add a product with its own consent flow; the two purposes cannot
# share a session.
UPDATE_MODE_VALIDATION_PRODUCTS = frozenset({"auth", "identity"})
UPDATE_MODE_CONSENT_FLOW_PRODUCTS = frozenset({"assets", "statements", "income_verification"})


def check_products(products: Sequence[str], field_name: str) -> None:
    if not products:
        raise errors.invalid_field(f"{field_name} must contain at least one product")
    if "balance" in products:
        raise errors.InvalidInput(
            "INVALID_PRODUCT",
            f"balance is not a valid product for {field_name}: Balance comes with every other product, so leave it out",
        )
