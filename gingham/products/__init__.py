"""Plaid product names and the rules for requesting them (the names themselves, and whether
Gingham serves each, are in `gingham.products.catalogue`)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from gingham import errors
from gingham.products import catalogue, link_options
from gingham.products.catalogue import LINK_PRODUCT_FIELDS

__all__ = [
    "LINK_PRODUCT_FIELDS",
    "UPDATE_MODE_CONSENT_FLOW_PRODUCTS",
    "UPDATE_MODE_VALIDATION_PRODUCTS",
    "check_link_token_options",
    "check_products",
    "check_requested_products",
    "listed_products",
    "products_at_link",
]

# Optional products Plaid bills only once their endpoint is used; others start at Item creation.
BILLED_ON_FIRST_USE = frozenset({"auth", "identity", "signal"})

# Update mode takes no products except to validate Auth/Identity permissions (Update Mode with
# Product Validations) or to add a product with its own consent flow; the two purposes cannot
# share a session.
UPDATE_MODE_VALIDATION_PRODUCTS = frozenset({"auth", "identity"})
UPDATE_MODE_CONSENT_FLOW_PRODUCTS = frozenset({"assets", "statements", "income_verification"})


def _products_in_brackets(names: Sequence[str]) -> str:
    # As Plaid's INVALID_PRODUCT message lists them, so that apps that read the names back out
    # of it (to retry without them) work here too.
    return json.dumps(list(names), separators=(",", ":"))


def _unserved(names: Sequence[str], field_name: str, link_field: str) -> errors.PlaidError:
    titles = " and ".join(
        f"{catalogue.CATALOGUE[name].title} ({name})" if name in catalogue.CATALOGUE else name
        for name in names
    )
    return errors.InvalidInput(
        "INVALID_PRODUCT",
        "client is not authorized to access the following products: "
        f"{_products_in_brackets(names)} ({field_name}): Gingham does not serve {titles} yet. "
        f"{field_name} takes: {', '.join(catalogue.link_products(link_field))}",
    )


def _not_a_link_product(name: str, field_name: str) -> errors.PlaidError:
    product = catalogue.CATALOGUE[name]
    if name == "balance":
        reason = "Balance comes with every other product, so leave it out"
    else:
        reason = (
            f"{product.title} comes with {product.part_of}: request {product.part_of} and call "
            f"{product.endpoint}"
        )
    return errors.InvalidInput(
        "INVALID_PRODUCT", f"{name} is not a valid product for {field_name}: {reason}"
    )


def check_requested_products(
    products: Iterable[str], field_name: str, *, link_field: str | None = None
) -> None:
    """Refuse (INVALID_PRODUCT) the products Gingham does not serve, and served names that are
    not requested this way (Balance, add-ons such as identity_match). `link_field`: the
    /link/token/create field whose rules apply, when not `field_name` itself."""
    rules = link_field or field_name
    wanted = list(dict.fromkeys(products))
    refused = [name for name in wanted if not catalogue.is_listed(name)]
    if refused:
        raise _unserved(refused, field_name, rules)
    for name in wanted:
        if rules not in catalogue.CATALOGUE[name].link_fields:
            raise _not_a_link_product(name, field_name)


def check_products(products: Sequence[str], field_name: str) -> None:
    """A product list that must name at least one product (`initial_products`)."""
    if not products:
        raise errors.invalid_field(f"{field_name} must contain at least one product")
    check_requested_products(products, field_name, link_field=catalogue.PRODUCTS)


def check_link_token_options(body: Mapping[str, Any]) -> None:
    """Refuse the /link/token/create options that would start a flow Gingham does not run."""
    option = link_options.refused_option(body)
    if option is None:
        return
    described = option.described or option.field
    prefix = (
        "client is not authorized to access the following products: "
        f"{_products_in_brackets([option.product])}: "
        if option.product is not None
        else ""
    )
    raise errors.InvalidInput(
        "INVALID_PRODUCT",
        f"{prefix}{described} starts {option.flow}, which Gingham does not serve yet; "
        f"leave {option.field} out",
    )


def listed_products(names: Iterable[str]) -> list[str]:
    """`names` less any product Gingham does not serve (an Item's products as it may list them)."""
    return [name for name in names if catalogue.is_listed(name)]


@dataclass(frozen=True, slots=True)
class LinkedProducts:
    """What a new Item starts with: `products` (the link token's) it is created with, `added`
    are billed from creation as well, `consented` are those its user agreed to share (billed on
    first use)."""

    products: list[str]
    added: list[str]
    consented: list[str]


def products_at_link(config: Mapping[str, Any], applies: Callable[[str], bool]) -> LinkedProducts:
    """The products a Link session's new Item starts with, under Plaid's rules for the four
    fields: `products` always; `required_if_supported_products` when `applies` (the institution
    supports it and an account the user shares suits it); `optional_products` the same, except
    Auth, Identity and Signal, billed on first use. The user consents to all four fields'
    products."""
    required = list(config.get(catalogue.PRODUCTS) or ())
    if_supported = [p for p in config.get(catalogue.REQUIRED_IF_SUPPORTED) or () if applies(p)]
    optional = [
        p
        for p in config.get(catalogue.OPTIONAL) or ()
        if p not in BILLED_ON_FIRST_USE and applies(p)
    ]
    consented = sorted(
        {product for field in LINK_PRODUCT_FIELDS for product in config.get(field) or ()}
    )
    added = sorted({*if_supported, *optional} - set(required))
    return LinkedProducts(required, added, consented)
