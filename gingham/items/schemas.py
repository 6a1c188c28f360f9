"""The Item as it appears on Plaid's wire."""

from __future__ import annotations

from typing import Any

from gingham.institutions.catalogue import find as find_institution
from gingham.items.service import ItemRecord
from gingham.products import listed_products
from gingham.wire.json import format_datetime

# The data scopes a product's consent covers (ItemWithConsentFields.consented_data_scopes).
DATA_SCOPES = {
    "auth": ("account_balance_info", "account_routing_number"),
    "balance": ("account_balance_info",),
    "identity": ("account_balance_info", "contact_info"),
    "transactions": ("account_balance_info", "transactions"),
    "investments": ("account_balance_info", "investments"),
    "liabilities": ("account_balance_info", "credit_loan_info"),
    "assets": ("account_balance_info", "transactions", "contact_info"),
    "statements": ("bank_statements",),
    "income_verification": (
        "account_balance_info",
        "transactions",
        "income_verification_bank_statements",
    ),
    "signal": ("account_balance_info", "risk_info"),
}


def available_products(item: ItemRecord) -> list[str]:
    institution = find_institution(item.institution_id) if item.institution_id else None
    supported = set(institution.products) if institution else set()
    if institution and institution.supports("balance"):
        supported.add("balance")
    return listed_products(sorted(supported - set(item.billed_products)))


def item_json(item: ItemRecord, *, with_consent_fields: bool = False) -> dict[str, Any]:
    institution = find_institution(item.institution_id) if item.institution_id else None
    body: dict[str, Any] = {
        "item_id": item.id,
        "institution_id": item.institution_id,
        "institution_name": institution.name if institution else None,
        "webhook": item.webhook,
        "auth_method": None,
        "error": item.error,
        "available_products": available_products(item),
        # Items linked before Gingham refused the products it does not serve may still hold
        # one; it is not shown, as no endpoint would answer for it.
        "billed_products": listed_products(item.billed_products),
        "products": listed_products(item.billed_products),
        "consented_products": listed_products(item.consented_products),
        "consent_expiration_time": format_datetime(item.consent_expires_at),
        "update_type": item.update_type,
    }
    if with_consent_fields:
        body["created_at"] = format_datetime(item.created_at)
        body["consented_use_cases"] = item.consented_use_cases or []
        body["consented_data_scopes"] = sorted(
            {
                scope
                for product in listed_products(item.consented_products)
                for scope in DATA_SCOPES.get(product, ())
            }
        )
    return body
