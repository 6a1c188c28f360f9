"""user_custom's `liability` override (Plaid's LiabilityOverride) applied to a generated liability.

Plaid's format sets a few fields of a credit card (`type` "credit") or a student loan (`type`
"student"); mortgages cannot be overridden. Anything else is refused with the field named.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from gingham.sandbox_data.liabilities import JSON, InvalidCustomData

_CREDIT_FIELDS = frozenset(
    {"purchase_apr", "cash_apr", "balance_transfer_apr", "special_apr", "last_payment_amount"}
)
_STUDENT_FIELDS = frozenset(
    {
        "origination_date", "principal", "nominal_apr", "interest_capitalization_grace_period_months",
        "repayment_model", "expected_payoff_date", "guarantor", "is_federal", "loan_name",
        "loan_status", "payment_reference_number", "pslf_status", "repayment_plan_description",
        "repayment_plan_type", "sequence_number", "servicer_address",
    }
)  # fmt: skip
_SHARED_FIELDS = frozenset({"type", "minimum_payment_amount", "is_overdue"})
_REPAYMENT_PLAN_TYPES = frozenset(
    {
        "extended graduated", "extended standard", "graduated", "income-contingent repayment",
        "income-based repayment", "income-sensitive repayment", "interest only", "other",
        "pay as you earn", "revised pay as you earn", "standard", "saving on a valuable education",
    }
)  # fmt: skip
_LOAN_STATUSES = frozenset(
    {
        "cancelled", "charged off", "claim", "consolidated", "deferment", "delinquent",
        "discharged", "extension", "forbearance", "in grace", "in military", "in school",
        "not fully disbursed", "other", "paid in full", "refunded", "repayment", "transferred",
        "pending idr",
    }
)  # fmt: skip
_APR_TYPES = (
    ("purchase_apr", "purchase_apr"),
    ("cash_apr", "cash_apr"),
    ("balance_transfer_apr", "balance_transfer_apr"),
    ("special_apr", "special"),
)


def apply_override(kind: str, generated: JSON, override: Any, where: str) -> JSON:
    """`generated` (a liability of `kind`: credit, student or mortgage) with `override` applied;
    InvalidCustomData naming the field at `where` when the override is not Plaid's format."""
    if not isinstance(override, dict):
        raise InvalidCustomData(f"{where} must be an object")
    declared = override.get("type")
    if declared not in ("credit", "student"):
        raise InvalidCustomData(f"{where}.type must be credit or student")
    if declared != kind:
        raise InvalidCustomData(
            f"{where}.type is {declared}, but the account's liability is a {kind}"
            + (" (mortgages cannot be overridden)" if kind == "mortgage" else "")
        )
    allowed = _SHARED_FIELDS | (_CREDIT_FIELDS if kind == "credit" else _STUDENT_FIELDS)
    for field in override:
        if field not in allowed:
            other = "student" if kind == "credit" else "credit"
            known = field in (_CREDIT_FIELDS | _STUDENT_FIELDS)
            raise InvalidCustomData(
                f"{where}.{field} can only be set if type is {other}"
                if known
                else f"{where}.{field} is not a liability override field"
            )
    result = dict(generated)
    if "minimum_payment_amount" in override:
        result["minimum_payment_amount"] = _number(override, "minimum_payment_amount", where)
    if "is_overdue" in override:
        if not isinstance(override["is_overdue"], bool):
            raise InvalidCustomData(f"{where}.is_overdue must be a boolean")
        result["is_overdue"] = override["is_overdue"]
    if kind == "credit":
        return _credit(result, override, where)
    return _student(result, override, where)


def _credit(result: JSON, override: JSON, where: str) -> JSON:
    if "last_payment_amount" in override:
        result["last_payment_amount"] = _number(override, "last_payment_amount", where)
    if any(field in override for field, _ in _APR_TYPES):
        # The purchase APR carries the balance; the others apply to nothing yet.
        subject = sum(apr["balance_subject_to_apr"] or 0 for apr in result["aprs"])
        aprs = []
        for field, apr_type in _APR_TYPES:
            if field in override:
                percentage = _number(override, field, where)
                owed = round(subject, 2) if apr_type == "purchase_apr" else 0.0
                aprs.append(
                    {
                        "apr_percentage": percentage,
                        "apr_type": apr_type,
                        "balance_subject_to_apr": owed,
                        "interest_charge_amount": round(owed * percentage / 100 / 12, 2),
                    }
                )
        result["aprs"] = aprs
    return result


def _student(result: JSON, override: JSON, where: str) -> JSON:
    simple = {
        "origination_date": ("origination_date", _date),
        "expected_payoff_date": ("expected_payoff_date", _date),
        "principal": ("origination_principal_amount", _number),
        "nominal_apr": ("interest_rate_percentage", _number),
        "guarantor": ("guarantor", _text),
        "loan_name": ("loan_name", _text),
        "payment_reference_number": ("payment_reference_number", _text),
        "sequence_number": ("sequence_number", _text),
        "repayment_plan_description": ("repayment_plan", _text),
    }
    for field, (target, read) in simple.items():
        if field not in override:
            continue
        value = read(override, field, where)
        if field == "repayment_plan_description":
            result["repayment_plan"] = {**result["repayment_plan"], "description": value}
        else:
            result[target] = value
    if "origination_date" in override:
        result["disbursement_dates"] = [result["origination_date"]]
    if "repayment_plan_type" in override:
        plan_type = override["repayment_plan_type"]
        if plan_type not in _REPAYMENT_PLAN_TYPES:
            raise InvalidCustomData(
                f"{where}.repayment_plan_type must be one of "
                + ", ".join(sorted(_REPAYMENT_PLAN_TYPES))
            )
        result["repayment_plan"] = {**result["repayment_plan"], "type": plan_type}
    if "loan_status" in override:
        status = _object(override, "loan_status", where, {"type", "end_date"})
        if "type" in status and status["type"] not in _LOAN_STATUSES:
            raise InvalidCustomData(
                f"{where}.loan_status.type must be one of " + ", ".join(sorted(_LOAN_STATUSES))
            )
        if status.get("end_date") is not None:
            status["end_date"] = _date(status, "end_date", f"{where}.loan_status")
        result["loan_status"] = {**result["loan_status"], **status}
    if "pslf_status" in override:
        fields = {"estimated_eligibility_date", "payments_made", "payments_remaining"}
        pslf = _object(override, "pslf_status", where, fields)
        for count in ("payments_made", "payments_remaining"):
            if pslf.get(count) is not None and type(pslf[count]) is not int:
                raise InvalidCustomData(f"{where}.pslf_status.{count} must be an integer")
        if pslf.get("estimated_eligibility_date") is not None:
            pslf["estimated_eligibility_date"] = _date(
                pslf, "estimated_eligibility_date", f"{where}.pslf_status"
            )
        result["pslf_status"] = {**result["pslf_status"], **pslf}
    if "servicer_address" in override:
        fields = {"city", "region", "street", "postal_code", "country"}
        address = _object(override, "servicer_address", where, fields)
        for key, value in address.items():
            if value is not None and not isinstance(value, str):
                raise InvalidCustomData(f"{where}.servicer_address.{key} must be a string")
        result["servicer_address"] = {**result["servicer_address"], **address}
    if "expected_payoff_date" in override:
        result["loan_status"] = {
            **result["loan_status"],
            "end_date": result["expected_payoff_date"],
        }
    return result


def _number(override: JSON, field: str, where: str) -> float:
    value = override[field]
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise InvalidCustomData(f"{where}.{field} must be a number")
    return float(value)


def _text(override: JSON, field: str, where: str) -> str:
    value = override[field]
    if not isinstance(value, str):
        raise InvalidCustomData(f"{where}.{field} must be a string")
    return value


def _date(override: JSON, field: str, where: str) -> str:
    value = override[field]
    try:
        return date.fromisoformat(value).isoformat()
    except (TypeError, ValueError):
        raise InvalidCustomData(f"{where}.{field} must be a date in YYYY-MM-DD format") from None


def _object(override: JSON, field: str, where: str, known: set[str]) -> JSON:
    value = override[field]
    if not isinstance(value, dict):
        raise InvalidCustomData(f"{where}.{field} must be an object")
    unknown = sorted(set(value) - known)
    if unknown:
        raise InvalidCustomData(f"{where}.{field}.{unknown[0]} is not a field of {field}")
    return {key: value[key] for key in known if key in value}
