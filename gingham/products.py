"""Plaid product names and the rules for requesting them."""

from __future__ import annotations

from collections.abc import Sequence

from gingham import errors


def check_products(products: Sequence[str], field_name: str) -> None:
    if not products:
        raise errors.invalid_field(f"{field_name} must contain at least one product")
    if "balance" in products:
        raise errors.InvalidInput(
            "INVALID_PRODUCT",
            f"balance is not a valid product for {field_name}: Balance comes with every other product, so leave it out",
        )
