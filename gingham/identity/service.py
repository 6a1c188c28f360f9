"""The owners of an Item's accounts (Identity), from its bank login's generated data or
user_custom's overrides, and their scores against what an app knows of its user."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.orm import Session

from gingham.accounts.auth import product_data_of
from gingham.accounts.service import AccountRecord, accounts_of_item
from gingham.bank.credentials import DEFAULT_USERNAME
from gingham.bank.logins import login_id
from gingham.identity import matching
from gingham.items.service import ItemRecord
from gingham.sandbox_data.identity import AccountFacts, Owner, owners_of_accounts
from gingham.sandbox_data.residence import home_country, login_seed


def owners_by_account(
    session: Session, item: ItemRecord, accounts: Sequence[AccountRecord]
) -> dict[str, list[Owner]]:
    """The owners of each of `accounts`, by account_id.

    Which account is joint depends on all the Item's accounts, not only those asked for, so that
    options.account_ids never changes an account's owners.
    """
    every = accounts_of_item(session, item.id)
    custom = product_data_of(session, [a.id for a in every])
    seed = login_seed(item.login_id, item.id)
    country = home_country(item.institution_id, seed)
    documented = (
        country == "US"
        and item.institution_id is not None
        and item.login_id == login_id(item.institution_id, DEFAULT_USERNAME)
    )
    facts = [
        AccountFacts(
            key=account.mask or account.id,
            type=account.type,
            subtype=account.subtype,
            holder_category=account.holder_category,
            custom_identity=custom.get(account.id, {}).get("identity"),
        )
        for account in every
    ]
    owners = owners_of_accounts(seed, country, facts, documented=documented)
    wanted = {account.id for account in accounts}
    return {a.id: o for a, o in zip(every, owners, strict=True) if a.id in wanted}


_NO_NAME_MATCH: dict[str, Any] = {
    "score": None,
    "is_first_name_or_last_name_match": None,
    "is_nickname_match": None,
    "is_business_name_detected": None,
}


def match_scores(user: dict[str, Any], owners: Sequence[Owner]) -> dict[str, Any]:
    """/identity/match's per-field scores of one account. Every field is present (plaid-python
    requires the objects); its score is null when the app did not send that field or the account
    has no such data."""
    legal_name = user.get("legal_name")
    name = (
        matching.match_name(legal_name, [n for o in owners for n in o["names"]])
        if legal_name
        else None
    )
    phone = user.get("phone_number")
    email = user.get("email_address")
    address = user.get("address") or {}
    found = (
        matching.match_address(address, [a["data"] for o in owners for a in o["addresses"]])
        if any(address.get(k) for k in ("street", "city", "region", "postal_code"))
        else None
    )
    return {
        "legal_name": {
            "score": name.score,
            "is_first_name_or_last_name_match": name.is_first_name_or_last_name_match,
            "is_nickname_match": name.is_nickname_match,
            "is_business_name_detected": name.is_business_name_detected,
        }
        if name
        else dict(_NO_NAME_MATCH),
        "phone_number": {
            "score": matching.match_phone(
                phone, [p["data"] for o in owners for p in o["phone_numbers"]]
            )
            if phone
            else None
        },
        "email_address": {
            "score": matching.match_email(email, [e["data"] for o in owners for e in o["emails"]])
            if email
            else None
        },
        "address": {
            "score": found.score if found else None,
            "is_postal_code_match": found.is_postal_code_match if found else None,
        },
    }
