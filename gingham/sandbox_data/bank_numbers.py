"""European and UK account numbers of a bank login's accounts: IBAN and BIC, sort code and
account number.

They are a pure function of the login's seed, the institution and the account (its mask), like
the bank's own numbers: the same login sees the same IBAN on every Item, client and database.
Each IBAN follows its country's BBAN layout, with the national check digits where the country has
them (France's RIB key, Spain's control digits, Italy's CIN) and ISO 13616's mod-97 check digits.
BICs end in a location code whose second character is "0", which SWIFT reserves for test BICs, so
no generated BIC is a real bank's.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass
from random import Random
from typing import Final

from gingham.sandbox_data.seeds import rng


@dataclass(frozen=True, slots=True)
class International:
    iban: str
    bic: str


@dataclass(frozen=True, slots=True)
class Bacs:
    account: str
    sort_code: str


def bic_of(institution_name: str, country: str) -> str:
    """A test BIC for the institution in `country`: four letters from its name, the country, and
    a test location code."""
    initials = "".join(word[0] for word in re.findall(r"[A-Za-z]+", institution_name)).upper()
    bank_code = (initials + "XXXX")[:4]
    return f"{bank_code}{country}P0"


def bacs_numbers(seed: str, institution_id: str, key: str, mask: str | None) -> Bacs:
    """An 8-digit account number ending in the account's mask, at one of the bank's branches."""
    random = rng(seed, "bacs", institution_id, key)
    # The institution's sort codes share their first two digits, as a real bank's do.
    prefix = rng("sort-code", institution_id).randint(10, 99)
    sort_code = f"{prefix:02d}{random.randint(0, 9999):04d}"
    tail = mask if mask and mask.isdigit() and len(mask) == 4 else f"{random.randint(0, 9999):04d}"
    return Bacs(account=f"{random.randint(0, 9999):04d}{tail}", sort_code=sort_code)


def international_numbers(
    seed: str, institution_id: str, institution_name: str, country: str, key: str, mask: str | None
) -> International:
    """The account's IBAN in `country` (whose layout Gingham knows) and the bank's BIC there."""
    bic = bic_of(institution_name, country)
    if country == "GB":
        bacs = bacs_numbers(seed, institution_id, key, mask)
        return International(iban(country, bic[:4] + bacs.sort_code + bacs.account), bic)
    random = rng(seed, "iban", institution_id, country, key)
    bank = rng("iban-bank", institution_id, country)
    tail = mask if mask and mask.isdigit() and len(mask) == 4 else _digits(random, 4)
    return International(iban(country, _BBAN[country](bank, random, bic, tail)), bic)


def iban(country: str, bban: str) -> str:
    """`bban` with ISO 13616 check digits: the IBAN whose mod-97 remainder is 1."""
    check = 98 - int(_as_number(bban + country + "00")) % 97
    return f"{country}{check:02d}{bban}"


def is_valid_iban(value: str) -> bool:
    compact = value.replace(" ", "").upper()
    if not re.fullmatch(r"[A-Z]{2}\d{2}[A-Z0-9]{10,30}", compact):
        return False
    return int(_as_number(compact[4:] + compact[:4])) % 97 == 1


def _as_number(text: str) -> str:
    # Letters count as 10 (A) to 35 (Z).
    return "".join(str(int(char, 36)) for char in text)


def _digits(random: Random, count: int) -> str:
    return "".join(random.choice(string.digits) for _ in range(count))


# --- each country's BBAN layout ----------------------------------------------------------------


def _france(bank: Random, random: Random, bic: str, tail: str) -> str:
    # Bank (5) + branch (5) + account (11) + RIB key (2).
    bank_code, branch = _digits(bank, 5), _digits(random, 5)
    account = _digits(random, 7) + tail
    return bank_code + branch + account + f"{rib_key(bank_code, branch, account):02d}"


_RIB_LETTERS: Final = "12345678912345678923456789"


def rib_key(bank_code: str, branch: str, account: str) -> int:
    # Letters in the account number stand for digits (A/J=1 … I/R=9, S=2 … Z=9).
    digits = "".join(
        char if char.isdigit() else _RIB_LETTERS[ord(char) - ord("A")] for char in account.upper()
    )
    return 97 - (89 * int(bank_code) + 15 * int(branch) + 3 * int(digits)) % 97


def _germany(bank: Random, random: Random, bic: str, tail: str) -> str:
    # Bankleitzahl (8) + account (10).
    return _digits(bank, 8) + _digits(random, 6) + tail


def _spain(bank: Random, random: Random, bic: str, tail: str) -> str:
    # Bank (4) + branch (4) + two control digits + account (10).
    bank_code, branch = _digits(bank, 4), _digits(random, 4)
    account = _digits(random, 6) + tail
    return bank_code + branch + spanish_control(bank_code + branch, account) + account


def spanish_control(bank_and_branch: str, account: str) -> str:
    weights = (1, 2, 4, 8, 5, 10, 9, 7, 3, 6)

    def digit(number: str) -> str:
        total = sum(int(d) * w for d, w in zip(number, weights[-len(number) :], strict=True))
        value = 11 - total % 11
        return str({10: 1, 11: 0}.get(value, value))

    return digit(bank_and_branch) + digit(account)


def _netherlands(bank: Random, random: Random, bic: str, tail: str) -> str:
    # Bank (the BIC's four letters) + account (10 digits).
    return bic[:4] + "000" + _digits(random, 3) + tail


def _ireland(bank: Random, random: Random, bic: str, tail: str) -> str:
    # Bank (the BIC's four letters) + sort code (6) + account (8).
    return bic[:4] + _digits(bank, 2) + _digits(random, 4) + _digits(random, 4) + tail


def _italy(bank: Random, random: Random, bic: str, tail: str) -> str:
    # CIN (1 letter) + ABI (5) + CAB (5) + account (12).
    abi, cab = _digits(bank, 5), _digits(random, 5)
    account = _digits(random, 8) + tail
    return italian_cin(abi + cab + account) + abi + cab + account


# Italy's CIN: odd positions (1st, 3rd…) weigh each character by this table, even ones by its
# value (digits 0-9, letters A=0 … Z=25); the sum modulo 26 is the letter.
_CIN_ODD: Final = (
    1,
    0,
    5,
    7,
    9,
    13,
    15,
    17,
    19,
    21,
    2,
    4,
    18,
    20,
    11,
    3,
    6,
    8,
    12,
    14,
    16,
    10,
    22,
    25,
    24,
    23,
)


def italian_cin(bban_without_cin: str) -> str:
    total = 0
    for position, char in enumerate(bban_without_cin.upper()):
        value = int(char) if char.isdigit() else ord(char) - ord("A")
        total += _CIN_ODD[value] if position % 2 == 0 else value
    return chr(ord("A") + total % 26)


_BBAN: Final = {
    "FR": _france,
    "DE": _germany,
    "ES": _spain,
    "NL": _netherlands,
    "IE": _ireland,
    "IT": _italy,
}
