"""Every product name of Plaid's `Products` enum, and whether Gingham serves it.

Gingham accepts a product only where it can answer for it: an app that asks for a product whose
endpoints do not exist here would link Items that then fail on their first data call, so such a
product is refused up front (INVALID_PRODUCT) by /link/token/create, /sandbox/public_token/create
and update mode, and never appears in `available_products`, `billed_products`,
`consented_products` or an institution's `products`.

Which product names each /link/token/create field takes follows Plaid's reference for
LinkTokenCreateRequest (the values it lists for `products`, `required_if_supported_products`,
`optional_products` and `additional_consented_products`); add-ons such as `identity_match` come
with an endpoint, not with Link (Plaid's INVALID_PRODUCT guide names `recurring_transactions` and
`balance` among the names not to pass to /link/token/create).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType
from typing import Final


class Serving(StrEnum):
    # Its endpoints answer with data.
    SERVED = "served"
    # Refused wherever it is asked for.
    NOT_SERVED = "not_served"


# The four /link/token/create fields that take product names.
PRODUCTS = "products"
REQUIRED_IF_SUPPORTED = "required_if_supported_products"
OPTIONAL = "optional_products"
ADDITIONAL_CONSENTED = "additional_consented_products"
LINK_PRODUCT_FIELDS: Final = (PRODUCTS, REQUIRED_IF_SUPPORTED, OPTIONAL, ADDITIONAL_CONSENTED)

_EVERY_FIELD: Final = frozenset(LINK_PRODUCT_FIELDS)
_NOT_IN_LINK: Final[frozenset[str]] = frozenset()


@dataclass(frozen=True, slots=True)
class Product:
    name: str
    title: str
    serving: Serving
    # The /link/token/create fields that take this name (empty: not a Link product).
    link_fields: frozenset[str]
    # The product an add-on comes with (its data and its institutions), else None.
    part_of: str | None = None
    # The endpoint that adds an add-on to an Item.
    endpoint: str | None = None

    @property
    def listed(self) -> bool:
        """Whether Items and institutions may list it: only products Gingham serves."""
        return self.serving is not Serving.NOT_SERVED


def _served(name: str, title: str, fields: frozenset[str] = _EVERY_FIELD) -> Product:
    return Product(name, title, Serving.SERVED, fields)


def _add_on(name: str, title: str, *, part_of: str, endpoint: str) -> Product:
    return Product(name, title, Serving.SERVED, _NOT_IN_LINK, part_of, endpoint)


def _refused(name: str, title: str) -> Product:
    return Product(name, title, Serving.NOT_SERVED, _NOT_IN_LINK)


_CATALOGUE: Final = (
    _served("auth", "Auth"),
    # Balance comes with every other product and is never requested (Plaid: INVALID_PRODUCT).
    Product("balance", "Balance", Serving.SERVED, _NOT_IN_LINK),
    _served("identity", "Identity"),
    _add_on("identity_match", "Identity Match", part_of="identity", endpoint="/identity/match"),
    _served("transactions", "Transactions"),
    _add_on(
        "transactions_refresh",
        "Transactions Refresh",
        part_of="transactions",
        endpoint="/transactions/refresh",
    ),
    _add_on(
        "recurring_transactions",
        "Recurring Transactions",
        part_of="transactions",
        endpoint="/transactions/recurring/get",
    ),
    _served("investments", "Investments"),
    _served("liabilities", "Liabilities"),
    _served("signal", "Signal"),
    # Update mode adds these to an Item after their own consent panes.
    _served("assets", "Assets"),
    _served("statements", "Statements"),
    _served("income_verification", "Income"),
    _refused("balance_plus", "Balance Plus"),
    _refused("beacon", "Beacon"),
    _refused("investments_auth", "Investments Move"),
    _refused("payment_initiation", "Payment Initiation"),
    _refused("identity_verification", "Identity Verification"),
    _refused("credit_details", "Credit Details"),
    _refused("income", "Income (Plaid Check)"),
    _refused("standing_orders", "Standing Orders"),
    _refused("transfer", "Transfer"),
    _refused("employment", "Employment"),
    _refused("processor_payments", "Processor Payments"),
    _refused("processor_identity", "Processor Identity"),
    _refused("profile", "Profile"),
    _refused("cra_base_report", "Consumer Report: Base Report"),
    _refused("cra_income_insights", "Consumer Report: Income Insights"),
    _refused("cra_partner_insights", "Consumer Report: Partner Insights"),
    _refused("cra_network_insights", "Consumer Report: Network Insights"),
    _refused("cra_cashflow_insights", "Consumer Report: Cash Flow Insights"),
    _refused("cra_monitoring", "Consumer Report: Monitoring"),
    _refused("cra_lend_score", "Consumer Report: LendScore"),
    _refused("cra_plaid_credit_score", "Consumer Report: Plaid Credit Score"),
    _refused("cra_home_lending", "Consumer Report: Home Lending"),
    _refused("cra_qualify", "Consumer Report: Qualify"),
    _refused("layer", "Layer"),
    _refused("pay_by_bank", "Pay by Bank"),
    _refused("protect_linked_bank", "Protect"),
    _refused("protect_transactions", "Protect Transactions"),
)

CATALOGUE: Final[Mapping[str, Product]] = MappingProxyType({p.name: p for p in _CATALOGUE})

# Products Items and institutions may list: the served ones.
LISTED: Final = frozenset(p.name for p in _CATALOGUE if p.listed)
# Products whose endpoints answer today.
SERVED: Final = frozenset(p.name for p in _CATALOGUE if p.serving is Serving.SERVED)
NOT_SERVED: Final = frozenset(p.name for p in _CATALOGUE if not p.listed)


def is_listed(name: str) -> bool:
    known = CATALOGUE.get(name)
    return known is not None and known.listed


def link_products(field_name: str) -> list[str]:
    """The served product names a /link/token/create field takes."""
    return sorted(p.name for p in _CATALOGUE if p.listed and field_name in p.link_fields)


def _validate() -> list[str]:
    problems = []
    if len(CATALOGUE) != len(_CATALOGUE):
        problems.append("a product is listed twice")
    for p in _CATALOGUE:
        if p.part_of is not None and CATALOGUE[p.part_of].serving is not Serving.SERVED:
            problems.append(f"{p.name} is part of {p.part_of}, which is not served")
        if not p.listed and p.link_fields:
            problems.append(f"{p.name} is not served but a Link field takes it")
    return problems


_problems = _validate()
if _problems:  # pragma: no cover - guards edits to the data above
    raise RuntimeError("inconsistent product catalogue: " + "; ".join(_problems))
del _problems
