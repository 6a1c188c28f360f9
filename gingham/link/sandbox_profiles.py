"""The Sandbox's returning users: the phone numbers Link recognises, and what each has saved.

Plaid's Sandbox documents two phone numbers for the returning user experience, both verified
with the one-time code 123456: 415-555-0011, a returning user with saved institutions, and
415-555-0010, a new user with none. Any other number is refused as invalid, as Plaid's Sandbox
refuses real phone numbers.

What the returning user has saved is Gingham's choice (Plaid does not publish it): two
credential banks of the Sandbox, both signed in as `user_good`. The connection at First Platypus
Bank can be reused, so Link goes straight to its accounts; the one at Tartan Bank cannot, so
Link asks the user to log in there again, as Plaid describes for a connection it cannot reuse.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# The one-time code every Sandbox phone number is verified with.
SANDBOX_OTP = "123456"


@dataclass(frozen=True, slots=True)
class SavedConnection:
    """An institution the user linked before: the Sandbox login it signs in as, the accounts
    they shared (by mask), and whether Link can reuse the connection without a new login."""

    institution_id: str
    username: str
    masks: tuple[str, ...]
    reusable: bool


@dataclass(frozen=True, slots=True)
class SandboxProfile:
    phone_number: str  # E.164
    saved: tuple[SavedConnection, ...]


RETURNING_USER_PHONE = "+14155550011"
NEW_USER_PHONE = "+14155550010"

PROFILES: dict[str, SandboxProfile] = {
    RETURNING_USER_PHONE: SandboxProfile(
        RETURNING_USER_PHONE,
        (
            SavedConnection("ins_109508", "user_good", ("0000", "1111"), reusable=True),
            SavedConnection("ins_109511", "user_good", ("0000",), reusable=False),
        ),
    ),
    NEW_USER_PHONE: SandboxProfile(NEW_USER_PHONE, ()),
}

_NON_DIGITS = re.compile(r"[\s().\-]")


def normalize_phone(raw: str) -> str | None:
    """A US or Canadian number as E.164 (`+14155550011`), from the ways people type one
    (`415-555-0011`, `(415) 555-0011`, `+1 415 555 0011`); None if it is not one."""
    text = _NON_DIGITS.sub("", raw.strip())
    if text.startswith("+"):
        text = text[1:]
        if not text.startswith("1"):
            return None
    if not text.isdigit():
        return None
    if len(text) == 11 and text.startswith("1"):
        text = text[1:]
    if len(text) != 10 or text[0] in "01":
        return None
    return "+1" + text


def display_phone(e164: str) -> str:
    """`+14155550011` as people read it: `(415) 555-0011`."""
    digits = e164[-10:]
    return f"({digits[:3]}) {digits[3:6]}-{digits[6:]}"


def profile_for(e164: str) -> SandboxProfile | None:
    return PROFILES.get(e164)
