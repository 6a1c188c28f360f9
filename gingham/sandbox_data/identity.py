"""The owners of a bank login's accounts, as /identity/get reports them (Plaid's `owners`).

One person holds every account of a login, with a name, addresses, emails and phone numbers in
the style of the login's country. One account is held jointly with a second person of the same
household, and an account the bank holds for a business (holder_category "business") is owned by
that business. `user_good` at US institutions holds Plaid's documented sandbox owner, so an app
tested against Plaid's Sandbox sees the same person here. user_custom's `identity` replaces the
owners of its account.
"""

from __future__ import annotations

import copy
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from gingham.sandbox_data.residence import locale_of
from gingham.sandbox_data.seeds import faker, rng

if TYPE_CHECKING:
    from faker import Faker

Owner = dict[str, Any]


@dataclass(frozen=True, slots=True)
class AccountFacts:
    """What identity needs to know about one account of the login."""

    # Stable within the login whatever Item shares the account: its mask, or its position.
    key: str
    type: str
    subtype: str | None
    holder_category: str | None
    # user_custom's `identity` for this account (Plaid's override format), already checked.
    custom_identity: dict[str, Any] | None = None


# Plaid's documented sandbox owner of `user_good`'s accounts (the /identity/get example of
# Plaid's API reference), served as is.
DOCUMENTED_OWNER: Final[Owner] = {
    "names": ["Alberta Bobbeth Charleson"],
    "phone_numbers": [
        {"data": "2025550123", "primary": False, "type": "home"},
        {"data": "1112224444", "primary": False, "type": "work"},
        {"data": "1112225555", "primary": False, "type": "mobile"},
    ],
    "emails": [
        {"data": "accountholder0@example.com", "primary": True, "type": "primary"},
        {"data": "accountholder1@example.com", "primary": False, "type": "secondary"},
        {
            "data": "extraordinarily.long.email.username.123456@reallylonghostname.com",
            "primary": False,
            "type": "other",
        },
    ],
    "addresses": [
        {
            "data": {
                "city": "Malakoff",
                "country": "US",
                "postal_code": "14236",
                "region": "NY",
                "street": "2992 Cameron Road",
            },
            "primary": True,
        },
        {
            "data": {
                "city": "San Matias",
                "country": "US",
                "postal_code": "93405-2255",
                "region": "CA",
                "street": "2493 Leisure Lane",
            },
            "primary": False,
        },
    ],
}

# user_good's joint account: its savings account, shared with a second person of the household.
DOCUMENTED_JOINT_KEY: Final = "1111"

PHONE_TYPES: Final = frozenset({"home", "work", "office", "mobile", "mobile1", "other"})
EMAIL_TYPES: Final = frozenset({"primary", "secondary", "other"})
_ADDRESS_FIELDS: Final = ("street", "city", "region", "postal_code", "country")
# Reserved for documentation (RFC 2606): generated addresses never reach a real mailbox.
_EMAIL_DOMAINS: Final = ("example.com", "example.net", "example.org")


def owners_of_accounts(
    seed: str, country: str, accounts: Sequence[AccountFacts], *, documented: bool = False
) -> list[list[Owner]]:
    """The owners of each of `accounts` (in order). `documented`: the login is Plaid's
    `user_good` at a US institution, whose main owner is Plaid's documented one."""
    holder = copy.deepcopy(DOCUMENTED_OWNER) if documented else _person(seed, country, "holder")
    joint_key = _joint_account_key(accounts, documented)
    owners = []
    for account in accounts:
        if account.custom_identity is not None:
            owners.append([copy.deepcopy(account.custom_identity)])
        elif account.holder_category == "business":
            owners.append([_business(seed, country, account.key)])
        elif account.key == joint_key:
            owners.append([holder, _co_owner(seed, country, holder)])
        else:
            owners.append([holder])
    return owners


def _joint_account_key(accounts: Sequence[AccountFacts], documented: bool) -> str | None:
    personal = [a for a in accounts if a.holder_category != "business"]
    if documented and any(a.key == DOCUMENTED_JOINT_KEY for a in personal):
        return DOCUMENTED_JOINT_KEY
    savings = [a for a in personal if a.type == "depository" and a.subtype == "savings"]
    if savings:
        return savings[0].key
    # Without a savings account, the second personal account is the household's.
    return personal[1].key if len(personal) > 1 else None


def _person(seed: str, country: str, role: str, *, address: Owner | None = None) -> Owner:
    fake = faker(seed, "identity", role, locale=locale_of(country))
    random = rng(seed, "identity", role)
    first, last = fake.first_name(), fake.last_name()
    # Some people go by a middle name on their bank's records too.
    names = [f"{first} {fake.first_name()} {last}" if random.random() < 0.3 else f"{first} {last}"]
    handle = f"{_ascii(first)}.{_ascii(last)}"
    emails = [
        {"data": f"{handle}@{random.choice(_EMAIL_DOMAINS)}", "primary": True, "type": "primary"}
    ]
    if random.random() < 0.5:
        emails.append(
            {
                "data": f"{_ascii(first)[0]}{_ascii(last)}{random.randint(1, 99)}@example.org",
                "primary": False,
                "type": "secondary",
            }
        )
    phones = [{"data": _phone(fake, country, random), "primary": True, "type": "mobile"}]
    if random.random() < 0.5:
        phones.append({"data": _phone(fake, country, random), "primary": False, "type": "home"})
    addresses = [address or {"data": _address(fake, country), "primary": True}]
    if address is None and random.random() < 0.4:
        # A previous address the bank still has on file.
        addresses.append({"data": _address(fake, country), "primary": False})
    return {"names": names, "phone_numbers": phones, "emails": emails, "addresses": addresses}


def _co_owner(seed: str, country: str, holder: Owner) -> Owner:
    """The second owner of the joint account: another person at the holder's home address."""
    home = next((a for a in holder["addresses"] if a["primary"]), holder["addresses"][0])
    return _person(seed, country, "joint", address=copy.deepcopy(home))


def _business(seed: str, country: str, key: str) -> Owner:
    fake = faker(seed, "identity", "business", key, locale=locale_of(country))
    random = rng(seed, "identity", "business", key)
    name = fake.company()
    slug = re.sub(r"[^a-z0-9]+", "", _ascii(name)) or "business"
    return {
        "names": [name],
        "phone_numbers": [{"data": _phone(fake, country, random), "primary": True, "type": "work"}],
        "emails": [{"data": f"accounts@{slug}.example.com", "primary": True, "type": "primary"}],
        "addresses": [{"data": _address(fake, country), "primary": True}],
    }


def _address(fake: Faker, country: str) -> dict[str, str | None]:
    region: str | None = None
    if country == "US":
        region = fake.state_abbr(include_territories=False)
    elif country == "CA":
        region = fake.province_abbr()
    return {
        "street": fake.street_address(),
        "city": fake.city(),
        "region": region,
        "postal_code": fake.postcode(),
        "country": country,
    }


def _phone(fake: Faker, country: str, random: Any) -> str:
    if country in ("US", "CA"):
        # 555-0100 to 555-0199: reserved for fiction, dialable nowhere.
        return f"{random.randint(201, 989)}5550{random.randint(100, 199)}"
    if country == "GB":
        # Ofcom's drama range (020 7946 0000-0999).
        return f"+44 20 7946 0{random.randint(0, 999):03d}"
    if country == "IE":
        return f"+353 1 {random.randint(200, 999)} {random.randint(0, 9999):04d}"
    phone: str = fake.phone_number()
    return phone


def _ascii(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return re.sub(r"[^a-z0-9]", "", decomposed.encode("ascii", "ignore").decode().casefold())


# --- user_custom's `identity` ------------------------------------------------------------------


def parse_custom_identity(value: Any, where: str) -> dict[str, Any]:
    """An override account's `identity` (Plaid's user_custom format: one owner's `names`,
    `phone_numbers`, `emails`, `addresses`) as an owner; ValueError names what is wrong."""
    if not isinstance(value, dict):
        raise ValueError(f"{where} must be an object")
    unknown = set(value) - {"names", "phone_numbers", "emails", "addresses"}
    if unknown:
        raise ValueError(f"{where} has unknown keys: {', '.join(sorted(unknown))}")
    names = value.get("names", [])
    if not isinstance(names, list) or not all(isinstance(n, str) and n for n in names):
        raise ValueError(f"{where}.names must be an array of names")
    return {
        "names": list(names),
        "phone_numbers": _contacts(
            value.get("phone_numbers", []), PHONE_TYPES, f"{where}.phone_numbers"
        ),
        "emails": _contacts(value.get("emails", []), EMAIL_TYPES, f"{where}.emails"),
        "addresses": _addresses(value.get("addresses", []), f"{where}.addresses"),
    }


def _contacts(entries: Any, types: frozenset[str], where: str) -> list[dict[str, Any]]:
    if not isinstance(entries, list):
        raise ValueError(f"{where} must be an array")
    parsed = []
    for index, entry in enumerate(entries):
        if not isinstance(entry, dict) or not isinstance(entry.get("data"), str):
            raise ValueError(f"{where}[{index}].data must be a string")
        kind = entry.get("type", "other")
        if kind not in types:
            raise ValueError(f"{where}[{index}].type must be one of {', '.join(sorted(types))}")
        parsed.append({"data": entry["data"], "primary": bool(entry.get("primary")), "type": kind})
    return parsed


def _addresses(entries: Any, where: str) -> list[dict[str, Any]]:
    if not isinstance(entries, list):
        raise ValueError(f"{where} must be an array")
    parsed = []
    for index, entry in enumerate(entries):
        data = entry.get("data") if isinstance(entry, dict) else None
        if not isinstance(data, dict):
            raise ValueError(f"{where}[{index}].data must be an object")
        fields = {}
        for name in _ADDRESS_FIELDS:
            field = data.get(name)
            if field is not None and not isinstance(field, str):
                raise ValueError(f"{where}[{index}].data.{name} must be a string")
            fields[name] = field
        parsed.append({"data": fields, "primary": bool(entry.get("primary"))})
    return parsed
