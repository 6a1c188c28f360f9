"""A complete application profile, and the institutions that ask for one."""

from __future__ import annotations

from typing import Any

from tests.builders import PlaidCaller

GET = "/_gingham/client/profile/get"
UPDATE = "/_gingham/client/profile/update"
# Sandbox OAuth banks that refuse an app without a completed profile, and one that does not.
WELLS_FARGO = "ins_4"
CITIBANK = "ins_5"
PLATYPUS_OAUTH = "ins_127287"

FULL_PROFILE: dict[str, Any] = {
    "display_name": "Budgetly",
    "logo_url": "https://cdn.budgetly.example/logo.png",
    "application_url": "https://budgetly.example",
    "reason_for_access": "Budgetly reads your balances and transactions to build your budget.",
    "use_case": "Personal finance management",
    "company_legal_name": "Budgetly, Inc.",
    "street_address": "1 Market Street",
    "city": "San Francisco",
    "region": "CA",
    "postal_code": "94105",
    "country_code": "US",
}


def complete_profile(plaid: PlaidCaller, **overrides: Any) -> dict[str, Any]:
    return plaid.ok(UPDATE, {**FULL_PROFILE, **overrides})
