"""Sandbox logins: which username/password pairs sign in, and what they lead to.

These are Plaid's documented sandbox users: `user_good`/`pass_good`; MFA passwords (`mfa_device`,
`mfa_questions_<n>_<m>`, `mfa_selections[_<n>_<m>_<o>]`); `error_<CODE>` passwords that make the
login fail with that error; and `user_custom`, whose password is a JSON configuration.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from gingham import errors
from gingham.bank.accounts import (
    DEFAULT_ACCOUNTS,
    AccountTemplate,
    is_ach_account,
    sandbox_account_number,
)
from gingham.crypto import same_secret
from gingham.sandbox_data.bank_numbers import is_valid_iban
from gingham.sandbox_data.identity import parse_custom_identity

DEFAULT_USERNAME = "user_good"
DEFAULT_PASSWORD = "pass_good"

# Users that sign in with any password and hold the default accounts (persona and product users
# whose special data arrives with the product work).
ANY_PASSWORD_USERS = frozenset(
    {
        "user_transactions_dynamic",
        "user_ewa_user",
        "user_yuppie",
        "user_small_business",
        "user_bank_income",
        "user_credit_bonus",
        "user_credit_joint_account",
        "user_credit_profile_poor",
        "user_credit_profile_good",
        "user_credit_profile_excellent",
    }
)

_MFA_PASSWORD = re.compile(
    r"^(?:mfa_device|mfa_questions_\d_\d|mfa_selections|mfa_selections_\d_\d_\d)$"
)

# error_<CODE> passwords: the code decides the error type (Plaid's Link error mapping).
_ERROR_TYPES: dict[str, type[errors.PlaidError]] = {
    "INSTITUTION_DOWN": errors.InstitutionError,
    "INSTITUTION_NOT_RESPONDING": errors.InstitutionError,
    "INSTITUTION_NOT_AVAILABLE": errors.InstitutionError,
    "INSTITUTION_NO_LONGER_SUPPORTED": errors.InstitutionError,
    "INTERNAL_SERVER_ERROR": errors.ApiError,
    "PLANNED_MAINTENANCE": errors.ApiError,
    "PLAID_ERROR": errors.ApiError,
    "COUNTRY_NOT_SUPPORTED": errors.InvalidRequest,
    "INVALID_LINK_TOKEN": errors.InvalidInput,
}

_DISPLAY_MESSAGES = {
    "INVALID_CREDENTIALS": "The provided credentials were not correct. Please try again.",
    "INVALID_MFA": "The provided MFA responses were not correct. Please try again.",
    "ITEM_LOCKED": "The financial institution indicated that your account is locked. Please visit your institution to unlock it.",
    "INSTITUTION_DOWN": "This financial institution is not currently responding to requests. We apologize for the inconvenience.",
    "INSTITUTION_NOT_RESPONDING": "This financial institution is not currently responding to requests. We apologize for the inconvenience.",
    "USER_SETUP_REQUIRED": "You must log in to your financial institution's website to complete an action before connecting this account.",
}


@dataclass(frozen=True, slots=True)
class BankLogin:
    """A successful sign-in at a sandbox bank."""

    username: str
    accounts: tuple[AccountTemplate, ...]
    # The MFA challenge Link must present before the login completes, if any (e.g. "device").
    mfa: dict[str, Any] | None = None
    custom: dict[str, Any] = field(default_factory=dict)


def login_error(code: str, message: str | None = None) -> errors.PlaidError:
    error_class = _ERROR_TYPES.get(code, errors.ItemError)
    status = 500 if error_class is errors.ApiError else 400
    return error_class(
        code,
        message or f"the login failed with {code} (forced by the sandbox credentials)",
        display_message=_DISPLAY_MESSAGES.get(code),
        status=status,
    )


def invalid_credentials() -> errors.PlaidError:
    return login_error("INVALID_CREDENTIALS", "the provided credentials were not correct")


def sign_in(username: str, password: str) -> BankLogin:
    if password.startswith("error_") and len(password) > len("error_"):
        raise login_error(password.removeprefix("error_"))
    if username == "user_custom":
        return _custom_login(password)
    if username == DEFAULT_USERNAME and (
        same_secret(password, DEFAULT_PASSWORD) or _MFA_PASSWORD.match(password)
    ):
        mfa = _mfa_from_password(password)
        return BankLogin(username, DEFAULT_ACCOUNTS, mfa=mfa)
    if username in ANY_PASSWORD_USERS and password:
        return BankLogin(username, DEFAULT_ACCOUNTS)
    raise invalid_credentials()


def _mfa_from_password(password: str) -> dict[str, Any] | None:
    if password == "mfa_device":
        return {"type": "device"}
    if password.startswith("mfa_questions_"):
        rounds, per_round = password.removeprefix("mfa_questions_").split("_")
        return {
            "type": "questions",
            "question_rounds": int(rounds),
            "questions_per_round": int(per_round),
        }
    if password == "mfa_selections":
        return {
            "type": "selections",
            "selection_rounds": 1,
            "questions_per_round": 1,
            "selections_per_question": 2,
        }
    if password.startswith("mfa_selections_"):
        rounds, questions, options = password.removeprefix("mfa_selections_").split("_")
        return {
            "type": "selections",
            "selection_rounds": int(rounds),
            "questions_per_round": int(questions),
            "selections_per_question": int(options),
        }
    return None


def _custom_login(password: str) -> BankLogin:
    try:
        config = json.loads(password)
    except ValueError as exc:
        raise login_error(
            "INVALID_CREDENTIALS", f"the user_custom password must be a JSON object: {exc}"
        ) from None
    if not isinstance(config, dict):
        raise login_error("INVALID_CREDENTIALS", "the user_custom password must be a JSON object")
    if isinstance(forced := config.get("force_error"), str) and forced:
        raise login_error(forced)
    overrides = config.get("override_accounts")
    if overrides is None:
        accounts = DEFAULT_ACCOUNTS
    else:
        if not isinstance(overrides, list) or not all(isinstance(a, dict) for a in overrides):
            raise login_error(
                "INVALID_CREDENTIALS", "override_accounts must be an array of objects"
            )
        if len(overrides) > 10:
            raise login_error("INVALID_CREDENTIALS", "user_custom may define at most 10 accounts")
        try:
            accounts = tuple(custom_account(index, spec) for index, spec in enumerate(overrides))
        except (TypeError, ValueError) as exc:
            raise login_error(
                "INVALID_CREDENTIALS", f"override_accounts has a value of the wrong type: {exc}"
            ) from None
    mfa = config.get("mfa") if isinstance(config.get("mfa"), dict) else None
    return BankLogin("user_custom", accounts, mfa=mfa, custom=config)


_DEFAULT_SUBTYPES = {
    "depository": "checking",
    "credit": "credit card",
    "loan": "student",
    "investment": "brokerage",
    "payroll": "payroll",
    "other": "other",
}


def custom_account(index: int, spec: dict[str, Any]) -> AccountTemplate:
    """An account described as one of user_custom's `override_accounts` entries."""
    account_type = spec.get("type", "depository")
    if account_type not in _DEFAULT_SUBTYPES:
        raise login_error(
            "INVALID_CREDENTIALS",
            f"override_accounts[{index}].type must be one of {', '.join(_DEFAULT_SUBTYPES)}",
        )
    meta: dict[str, Any] = spec["meta"] if isinstance(spec.get("meta"), dict) else {}
    subtype = spec.get("subtype", _DEFAULT_SUBTYPES[account_type])
    numbers = _custom_numbers(index, spec.get("numbers"), account_type, subtype)
    mask = meta.get("mask")
    if mask is not None and not re.fullmatch(r"|[A-Za-z0-9]{2,4}", str(mask)):
        raise login_error(
            "INVALID_CREDENTIALS",
            f"override_accounts[{index}].meta.mask must be 2-4 letters or digits",
        )
    if mask:
        mask = str(mask)
    elif "account" in numbers:
        # As at a bank, the mask is the account number's last four digits.
        mask = numbers["account"][-4:]
    elif "international_iban" in numbers:
        mask = numbers["international_iban"][-4:]
    else:
        mask = f"{index:04d}"[-4:]
    balance = float(spec.get("starting_balance", 100))
    if spec.get("has_null_available_balance"):
        available = None
    elif "force_available_balance" in spec:
        available = float(spec["force_available_balance"])
    else:
        available = balance if account_type == "depository" else None
    limit = meta.get("limit")
    account_number = numbers.get("account")
    if account_number is None and is_ach_account(account_type, subtype):
        account_number = sandbox_account_number(mask, index)
    product_data = _custom_product_data(index, spec)
    foreign = {k: numbers[k] for k in FOREIGN_NUMBER_KEYS if k in numbers}
    if foreign:
        # Numbers outside ACH (IBAN, BIC, BACS) travel with the account's product data, which
        # /auth/get reads for them (gingham.accounts.foreign_numbers).
        if "bacs_sort_code" in foreign and "account" in numbers:
            foreign["account"] = numbers["account"]
        product_data = {**(product_data or {}), "numbers": foreign}
    return AccountTemplate(
        name=str(meta.get("name") or f"Custom {subtype or account_type} {index + 1}"),
        official_name=meta.get("official_name"),
        mask=mask,
        type=account_type,
        subtype=subtype,
        available=available,
        current=balance,
        limit=float(limit) if limit is not None else None,
        currency=spec.get("currency"),
        account_number=account_number,
        routing_number=numbers.get("ach_routing"),
        wire_routing_number=numbers.get("ach_wire_routing"),
        product_data=product_data,
    )


# The sections of an override account that replace the generated product data (Plaid's
# user_custom format); gingham.sandbox_data reads and checks each.
CUSTOM_PRODUCT_DATA_KEYS = (
    "transactions",
    "identity",
    "holdings",
    "investment_transactions",
    "liability",
    "inflow_model",
)


def _custom_product_data(index: int, spec: dict[str, Any]) -> dict[str, Any] | None:
    data = {key: spec[key] for key in CUSTOM_PRODUCT_DATA_KEYS if spec.get(key) is not None}
    if "identity" in data:
        # Checked now so that a malformed override fails the login, not a later /identity/get.
        try:
            data["identity"] = parse_custom_identity(
                data["identity"], f"override_accounts[{index}].identity"
            )
        except ValueError as exc:
            raise login_error("INVALID_CREDENTIALS", str(exc)) from None
    return data or None


# user_custom's `numbers` keys Gingham uses, and what each must look like. Plaid's EFT (Canadian)
# keys are accepted and ignored: /auth/get reports no EFT numbers.
_NUMBER_FORMATS = {
    "account": (re.compile(r"\d{4,17}"), "4-17 digits"),
    "ach_routing": (re.compile(r"\d{9}"), "9 digits"),
    "ach_wire_routing": (re.compile(r"\d{9}"), "9 digits"),
    "international_iban": (re.compile(r"[A-Z]{2}\d{2}[A-Z0-9]{10,30}"), "a valid IBAN"),
    "international_bic": (
        re.compile(r"[A-Z]{6}[A-Z0-9]{2}(?:[A-Z0-9]{3})?"),
        "an 8 or 11 character BIC",
    ),
    "bacs_sort_code": (re.compile(r"\d{6}"), "6 digits"),
}
# The keys of numbers outside ACH: international (IBAN, BIC) and UK (BACS) ones.
FOREIGN_NUMBER_KEYS = ("international_iban", "international_bic", "bacs_sort_code")
_ACH_KEYS = ("account", "ach_routing", "ach_wire_routing")


def _custom_numbers(
    index: int, numbers: Any, account_type: str, subtype: str | None
) -> dict[str, str]:
    """The numbers an override account sets: ACH account and (wire) routing numbers, IBAN and
    BIC, BACS sort code."""
    if numbers is None:
        return {}
    where = f"override_accounts[{index}].numbers"
    if not isinstance(numbers, dict):
        raise login_error("INVALID_CREDENTIALS", f"{where} must be an object")
    chosen: dict[str, str] = {}
    for key, (pattern, shape) in _NUMBER_FORMATS.items():
        value = numbers.get(key)
        if value is None:
            continue
        if not isinstance(value, str) or not pattern.fullmatch(value):
            article = "" if shape.startswith("a") else "a string of "
            raise login_error("INVALID_CREDENTIALS", f"{where}.{key} must be {article}{shape}")
        if key == "international_iban" and not is_valid_iban(value):
            raise login_error(
                "INVALID_CREDENTIALS", f"{where}.international_iban has wrong check digits"
            )
        chosen[key] = value
    if not chosen:
        return {}
    if not is_ach_account(account_type, subtype):
        raise login_error(
            "INVALID_CREDENTIALS",
            f"{where}: only depository checking, savings and cash management accounts have account numbers",
        )
    if "international_bic" in chosen and "international_iban" not in chosen:
        raise login_error(
            "INVALID_CREDENTIALS", f"{where}.international_iban is required with international_bic"
        )
    if not any(key in chosen for key in _ACH_KEYS[1:]):
        return chosen
    if "account" not in chosen:
        raise login_error(
            "INVALID_CREDENTIALS", f"{where}.account is required with routing numbers"
        )
    return chosen
