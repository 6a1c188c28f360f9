"""The /link/token/create options that would start a flow Gingham does not run.

Each of LinkTokenCreateRequest's fields was decided once: an option that configures a product or a
Link flow Gingham does not serve is refused up front, as a product it does not serve is, rather
than stored and ignored (the app would wait for a payment, a transfer decision or a Consumer
Report that never comes). Options of served products and fields Plaid itself accepts without
acting on them (`eu_config`, `institution_id`, `financekit_supported`, `third_party_user_token`,
`appearance_mode`, the `auth`, `investments` and `transactions` settings) are accepted, and so
is `hosted_link` (served by gingham.hosted_link).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Final

Predicate = Callable[[Any], bool]


def _given(value: Any) -> bool:
    """Set to anything but null, an empty object or an empty list (how apps leave an option out)."""
    return value is not None and value != {} and value != []


def _true(value: Any) -> bool:
    return value is True


def _asks_for_payroll(value: Any) -> bool:
    if not isinstance(value, Mapping):
        return False
    return _given(value.get("payroll_income")) or "payroll" in (
        value.get("income_source_types") or ()
    )


def _document_upload(value: Any) -> bool:
    return isinstance(value, Mapping) and value.get("is_document_upload") is True


@dataclass(frozen=True, slots=True)
class RefusedOption:
    field: str
    # What the option starts, as the error names it.
    flow: str
    # The Plaid product it belongs to, when it has one (named as Plaid names refused products).
    product: str | None
    refuses: Predicate = _given
    # How the error describes the value refused, when not the field as such.
    described: str | None = None


_CONSUMER_REPORT = "Plaid Check Consumer Report"

REFUSED_OPTIONS: Final = (
    RefusedOption("payment_initiation", "Payment Initiation", "payment_initiation"),
    RefusedOption("payment_configuration", "Pay by Bank", "pay_by_bank"),
    # intent_id, authorization_id and payment_profile_token all start Transfer's own Link flow.
    RefusedOption("transfer", "Transfer", "transfer"),
    RefusedOption("employment", "Employment verification", "employment"),
    RefusedOption("identity_verification", "Identity Verification", "identity_verification"),
    RefusedOption("investments_auth", "Investments Move", "investments_auth"),
    RefusedOption("consumer_report_permissible_purpose", _CONSUMER_REPORT, "cra_base_report"),
    RefusedOption("cra_options", _CONSUMER_REPORT, "cra_base_report"),
    RefusedOption("cra_report_parameter", _CONSUMER_REPORT, "cra_base_report"),
    RefusedOption("cra_enabled", _CONSUMER_REPORT, "cra_base_report", _true, "cra_enabled: true"),
    RefusedOption("base_report", _CONSUMER_REPORT, "cra_base_report"),
    RefusedOption("credit_partner_insights", _CONSUMER_REPORT, "cra_partner_insights"),
    RefusedOption("cashflow_report", "Cash Flow Report", None),
    RefusedOption("card_switch", "Card Switch", None),
    RefusedOption(
        "enable_multi_item_link", "Multi-Item Link", None, _true, "enable_multi_item_link: true"
    ),
    RefusedOption("access_tokens", "update mode for several Items at once", None),
    RefusedOption(
        "identity",
        "Identity Document Upload",
        None,
        _document_upload,
        "identity.is_document_upload: true",
    ),
    # Income is bank income here; payroll and document income are not served.
    RefusedOption(
        "income_verification",
        "Payroll Income",
        None,
        _asks_for_payroll,
        "income_verification.payroll_income (or income_source_types: payroll)",
    ),
)


def refused_option(body: Mapping[str, Any]) -> RefusedOption | None:
    """The first option of a /link/token/create request that Gingham refuses, if any."""
    for option in REFUSED_OPTIONS:
        if option.field in body and option.refuses(body[option.field]):
            return option
    return None
