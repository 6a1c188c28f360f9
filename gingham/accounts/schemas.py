"""Accounts as they appear on Plaid's wire (AccountBase), and their numbers (Auth)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from gingham.accounts.auth import ForeignNumbers
from gingham.accounts.service import AccountRecord
from gingham.wire.json import format_datetime


def account_json(account: AccountRecord, *, with_balance_timestamp: bool = False) -> dict[str, Any]:
    body: dict[str, Any] = {
        "account_id": account.id,
        "balances": {
            "available": account.available_balance,
            "current": account.current_balance,
            "limit": account.limit_balance,
            "iso_currency_code": account.iso_currency_code,
            "unofficial_currency_code": account.unofficial_currency_code,
            "last_updated_datetime": (
                format_datetime(account.balances_updated_at) if with_balance_timestamp else None
            ),
        },
        "mask": account.mask,
        "name": account.name,
        "official_name": account.official_name,
        "type": account.type,
        "subtype": account.subtype,
        "holder_category": account.holder_category,
    }
    # Optional but not nullable in plaid-python 46: send the key only when there is a value.
    if account.verification_status is not None:
        body["verification_status"] = account.verification_status
    return body


def numbers_json(
    accounts: Sequence[AccountRecord], foreign: Mapping[str, ForeignNumbers]
) -> dict[str, Any]:
    """/auth/get's `numbers`: every array always present, as plaid-python requires.

    ACH numbers for US accounts, IBAN and BIC (`international`) for European and UK ones, sort
    code and account number (`bacs`) for UK ones; EFT (Canada) is always empty.
    """
    return {
        "ach": [
            {
                "account_id": account.id,
                "account": account.account_number,
                "routing": account.routing_number,
                "wire_routing": account.wire_routing_number,
                "is_tokenized_account_number": account.numbers_tokenized,
            }
            for account in accounts
            if account.account_number is not None and account.routing_number is not None
        ],
        "eft": [],
        "international": [
            {
                "account_id": account.id,
                "iban": numbers.international.iban,
                "bic": numbers.international.bic,
            }
            for account in accounts
            if (numbers := foreign.get(account.id)) and numbers.international is not None
        ],
        "bacs": [
            {
                "account_id": account.id,
                "account": numbers.bacs.account,
                "sort_code": numbers.bacs.sort_code,
            }
            for account in accounts
            if (numbers := foreign.get(account.id)) and numbers.bacs is not None
        ],
    }
