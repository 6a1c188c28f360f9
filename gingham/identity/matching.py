"""Identity Match's scores: how well what an app knows about its user matches an account's
owners, 0-100 per field, on Plaid's scale (70 and above: likely the same; 50-69: maybe; below 50:
unlikely).

Each field is normalised first, as Plaid's guide lists: case, diacritics and punctuation; name
prefixes and suffixes, middle names or initials, reversed order and nicknames; phone numbers'
country codes and formatting; street abbreviations (Ln / Lane) and ZIP+4. What remains is
compared with edit-distance similarity (rapidfuzz), and the best score over the account's owners
wins.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any, Final

from rapidfuzz import fuzz
from rapidfuzz.distance import JaroWinkler, Levenshtein

if TYPE_CHECKING:
    from nicknames import NickNamer

_TITLES: Final = frozenset({"mr", "mrs", "ms", "miss", "mx", "dr", "prof", "sir", "dame", "madam"})
_SUFFIXES: Final = frozenset({"jr", "sr", "ii", "iii", "iv", "phd", "md", "esq", "dds", "cpa"})
_BUSINESS_WORDS: Final = frozenset(
    {
        "llc", "inc", "incorporated", "corp", "corporation", "co", "company", "ltd", "limited",
        "plc", "llp", "lp", "gmbh", "ag", "kg", "sa", "sas", "sarl", "sl", "bv", "nv", "srl",
        "spa", "group", "holdings", "partners", "associates", "trust", "foundation", "bank",
    }
)  # fmt: skip
# USPS street suffix and unit abbreviations, and directions: both spellings compare equal.
_STREET_WORDS: Final = {
    "street": "st", "avenue": "ave", "av": "ave", "road": "rd", "lane": "ln", "drive": "dr",
    "boulevard": "blvd", "court": "ct", "place": "pl", "square": "sq", "terrace": "ter",
    "highway": "hwy", "parkway": "pkwy", "circle": "cir", "trail": "trl", "way": "wy",
    "mountain": "mtn", "mountains": "mtns", "apartment": "apt", "suite": "ste", "floor": "fl",
    "building": "bldg", "north": "n", "south": "s", "east": "e", "west": "w",
    "northeast": "ne", "northwest": "nw", "southeast": "se", "southwest": "sw",
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class NameMatch:
    score: int
    is_first_name_or_last_name_match: bool
    is_nickname_match: bool
    is_business_name_detected: bool


@dataclass(frozen=True, slots=True)
class AddressMatch:
    score: int
    is_postal_code_match: bool | None


def _words(text: str) -> list[str]:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", " ", ascii_text.casefold()).split()


def _similarity(a: str, b: str) -> float:
    # Jaro-Winkler forgives typos late in a word, Levenshtein counts them: their mean puts one
    # typo in a seven-letter name at about 0.9.
    return (JaroWinkler.normalized_similarity(a, b) + Levenshtein.normalized_similarity(a, b)) / 2


@cache
def _nicknamer() -> NickNamer:
    # Imported at first use: reading its table of names slows the server's start.
    from nicknames import NickNamer

    return NickNamer()


def _are_nicknames(a: str, b: str) -> bool:
    names = _nicknamer()
    return (
        b in names.nicknames_of(a)
        or a in names.nicknames_of(b)
        or bool(names.canonicals_of(a) & names.canonicals_of(b))
    )


# --- names -------------------------------------------------------------------------------------


def match_name(given: str, owner_names: Iterable[str]) -> NameMatch | None:
    matches = [_match_one_name(given, name) for name in owner_names]
    return max(matches, key=lambda m: m.score) if matches else None


def _match_one_name(given: str, on_file: str) -> NameMatch:
    user, account = _words(given), _words(on_file)
    business = bool(_BUSINESS_WORDS & (set(user) | set(account)))
    if " ".join(user) == " ".join(account):
        exact = given.split() == on_file.split()
        return NameMatch(100 if exact else 99, True, False, business)
    if business or not user or not account:
        score = round(fuzz.token_set_ratio(" ".join(user), " ".join(account)))
        return NameMatch(min(score, 98), False, False, business)
    user_core, user_suffix = _name_core(user)
    account_core, account_suffix = _name_core(account)
    if len(user_core) == 1 or len(account_core) == 1:
        # One name alone: a first or last name, at best half of a match.
        single, other = (
            (user_core, account_core) if len(user_core) == 1 else (account_core, user_core)
        )
        hit = single[0] in (other[0], other[-1])
        return NameMatch(
            50 if hit else round(30 * max(_similarity(single[0], w) for w in other)),
            hit,
            False,
            False,
        )
    best = max(
        (_compare_people(user_core, account_core), _compare_people(user_core[::-1], account_core)),
        key=lambda scored: scored[0],
    )
    score, first_or_last, nickname = best
    if score == 100 and user_suffix != account_suffix:
        score = 97
    return NameMatch(score, first_or_last, nickname, False)


def _name_core(words: list[str]) -> tuple[list[str], tuple[str, ...]]:
    core = [w for w in words if w not in _TITLES and w not in _SUFFIXES]
    suffix = tuple(w for w in words if w in _SUFFIXES)
    return core or words, suffix


def _compare_people(user: list[str], account: list[str]) -> tuple[int, bool, bool]:
    first_u, last_u, first_a, last_a = user[0], user[-1], account[0], account[-1]
    nickname = first_u != first_a and _are_nicknames(first_u, first_a)
    first = 0.92 if nickname else _similarity(first_u, first_a)
    last = _similarity(last_u, last_a)
    first_or_last = first_u == first_a or last_u == last_a or nickname
    if first == 1 and last == 1:
        middles_u, middles_a = user[1:-1], account[1:-1]
        # A missing middle name, or its initial for it, is the same person.
        if (
            not middles_u
            or not middles_a
            or all(any(m == n or m == n[0] or n == m[0] for n in middles_a) for m in middles_u)
        ):
            return 99 if (middles_u != middles_a or len(user) != len(account)) else 100, True, False
        return 95, True, False
    return min(94, round(100 * first * last)), first_or_last, nickname


# --- phone numbers, emails ---------------------------------------------------------------------


def match_phone(given: str, on_file: Iterable[str]) -> int | None:
    national = _national_digits(given)
    scores = [_phone_score(national, _national_digits(phone)) for phone in on_file]
    return max(scores) if scores else None


def _national_digits(phone: str) -> str:
    digits = re.sub(r"\D", "", phone)
    # A country code or trunk prefix: compare the last ten digits (the national number).
    return digits[-10:] if len(digits) > 10 else digits.lstrip("0")[-10:]


def _phone_score(a: str, b: str) -> int:
    if not a or not b:
        return 0
    # Each wrong digit is another number; one typo stays below the match threshold.
    return max(0, 100 - 35 * Levenshtein.distance(a, b))


def match_email(given: str, on_file: Iterable[str]) -> int | None:
    scores = [_email_score(given.strip().casefold(), e.strip().casefold()) for e in on_file]
    return max(scores) if scores else None


def _email_score(a: str, b: str) -> int:
    if a == b:
        return 100
    local_a, _, domain_a = a.rpartition("@")
    local_b, _, domain_b = b.rpartition("@")
    base = 100 if domain_a == domain_b else 60
    return max(0, base - 25 * Levenshtein.distance(local_a, local_b))


# --- addresses ---------------------------------------------------------------------------------


def match_address(given: dict[str, Any], on_file: Iterable[dict[str, Any]]) -> AddressMatch | None:
    matches = [_address_score(given, address) for address in on_file]
    return max(matches, key=lambda m: m.score) if matches else None


def _street(text: str | None) -> list[str]:
    return [_STREET_WORDS.get(w, w) for w in _words(text or "")]


def _postal(code: str | None, country: str | None) -> str:
    compact = "".join(_words(code or ""))
    # ZIP+4 is the same ZIP code.
    return compact[:5] if (country or "US").upper() == "US" else compact


def _address_score(given: dict[str, Any], on_file: dict[str, Any]) -> AddressMatch:
    parts: list[tuple[float, float]] = []
    street_u, street_a = _street(given.get("street")), _street(on_file.get("street"))
    if street_u:
        similarity = fuzz.token_sort_ratio(" ".join(street_u), " ".join(street_a)) / 100
        numbers_u = [w for w in street_u if w.isdigit()]
        numbers_a = [w for w in street_a if w.isdigit()]
        if numbers_u and numbers_a and numbers_u[0] != numbers_a[0]:
            similarity /= 2  # another house on the same street
        parts.append((0.6, similarity))
    for field, weight in (("city", 0.15), ("region", 0.1)):
        if given.get(field):
            same = _similarity(
                " ".join(_words(given[field])), " ".join(_words(on_file.get(field) or ""))
            )
            parts.append((weight, same))
    postal_match = None
    if given.get("postal_code"):
        country = given.get("country") or on_file.get("country")
        postal_match = _postal(given["postal_code"], country) == _postal(
            on_file.get("postal_code"), country
        )
        parts.append((0.15, 1.0 if postal_match else 0.0))
    if not parts:
        return AddressMatch(0, postal_match)
    score = round(100 * sum(w * s for w, s in parts) / sum(w for w, _ in parts))
    return AddressMatch(score, postal_match)
