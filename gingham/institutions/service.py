"""Choosing an institution for a new Item."""

from __future__ import annotations

from collections.abc import Sequence

from gingham import errors
from gingham.institutions import catalogue


def institution_for_products(
    institution_id: str, products: Sequence[str]
) -> catalogue.SandboxInstitution:
    institution = catalogue.find(institution_id)
    if institution is None:
        raise errors.InvalidInput(
            "INVALID_INSTITUTION", f"invalid institution_id provided: {institution_id}"
        )
    if not institution.supported:
        raise errors.InstitutionError(
            "INSTITUTION_NOT_SUPPORTED",
            f"{institution.name} is not supported",
            display_message="This institution is not currently supported.",
        )
    unsupported = [product for product in products if not institution.supports(product)]
    if unsupported:
        raise errors.ItemError(
            "PRODUCTS_NOT_SUPPORTED",
            f"{institution.name} does not support the requested products: {', '.join(unsupported)}",
        )
    return institution
