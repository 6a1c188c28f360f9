"""Transactions as they appear on Plaid's wire.

A transaction's wire object is serialized once, when it is pulled, and stored; requests embed
the stored text as it is (orjson.Fragment), so a page costs no per-field work. Only
`original_description` varies per request, and it is the object's last key, so it is spliced
in rather than re-serialized.
"""

from __future__ import annotations

import hashlib
from typing import Any

import orjson

from gingham.sandbox_data.transactions import GeneratedTransaction
from gingham.wire.ids import BASE62
from gingham.wire.json import format_datetime

# Plaid's legacy transaction_type, from the payment channel.
_TRANSACTION_TYPES = {"online": "digital", "in store": "place", "other": "special"}
_PAYMENT_META: dict[str, Any] = {
    key: None
    for key in (
        "by_order_of",
        "payee",
        "payer",
        "payment_method",
        "payment_processor",
        "ppd_id",
        "reason",
        "reference_number",
    )
}
_NO_ORIGINAL_DESCRIPTION = b',"original_description":null}'


def transaction_id(item_id: str, key: str, *, pending: bool) -> str:
    """A 37-character base62 id, the same on every run for the Item's transaction `key` (and
    distinct for its pending and posted forms, which Plaid reports as two transactions)."""
    digest = hashlib.sha256(f"txn\x1f{item_id}\x1f{key}\x1f{int(pending)}".encode()).digest()
    number = int.from_bytes(digest, "big")
    digits = []
    for _ in range(37):
        number, digit = divmod(number, 62)
        digits.append(BASE62[digit])
    return "".join(digits)


def wire_text(
    generated: GeneratedTransaction,
    *,
    transaction_id: str,
    account_id: str,
    pending: bool,
    pending_transaction_id: str | None,
) -> str:
    """Plaid's Transaction object for `generated`, serialized, original_description null."""
    pfc = generated.personal_finance_category
    body: dict[str, Any] = {
        "account_id": account_id,
        "account_owner": None,
        "amount": generated.amount,
        "authorized_date": generated.authorized_date.isoformat()
        if generated.authorized_date
        else None,
        "authorized_datetime": format_datetime(generated.authorized_datetime),
        "category": list(generated.category) or None,
        "category_id": generated.category_id,
        "check_number": generated.check_number,
        "counterparties": [dict(counterparty) for counterparty in generated.counterparties],
        "date": generated.date.isoformat(),
        "datetime": format_datetime(generated.datetime),
        "iso_currency_code": generated.iso_currency_code,
        "location": dict(generated.location),
        "logo_url": generated.logo_url,
        "merchant_entity_id": generated.merchant_entity_id,
        "merchant_name": generated.merchant_name,
        "name": generated.name,
        "payment_channel": generated.payment_channel,
        "payment_meta": _PAYMENT_META,
        "pending": pending,
        "pending_transaction_id": pending_transaction_id,
        "personal_finance_category": {
            "primary": pfc.primary,
            "detailed": pfc.detailed,
            "confidence_level": pfc.confidence_level,
        },
        "personal_finance_category_icon_url": generated.personal_finance_category_icon_url,
        "transaction_code": generated.transaction_code,
        "transaction_id": transaction_id,
        "transaction_type": _TRANSACTION_TYPES.get(generated.payment_channel, "special"),
        "unofficial_currency_code": None,
        "website": generated.website,
        # Last, so that a request asking for it splices it in (with_original_description).
        "original_description": None,
    }
    return orjson.dumps(body).decode()


def with_original_description(wire: str, original_description: str | None) -> str:
    """The stored object with its original_description filled in."""
    if original_description is None:
        return wire
    encoded = wire.encode()
    assert encoded.endswith(_NO_ORIGINAL_DESCRIPTION)
    head = encoded[: -len(_NO_ORIGINAL_DESCRIPTION)]
    return (head + b',"original_description":' + orjson.dumps(original_description) + b"}").decode()


def fragment(wire: str) -> orjson.Fragment:
    return orjson.Fragment(wire)
