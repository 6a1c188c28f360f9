"""Identifiers and bearer tokens in Plaid's formats.

Tokens are `<kind>-<environment>-<uuid4>`; object IDs are 37-character base62 strings; request IDs
are 15-character base62 strings. Tokens are secrets and come from the OS CSPRNG; request IDs only
need to be distinct, so they come from the faster non-cryptographic generator.
"""

from __future__ import annotations

import hashlib
import os
import random
import secrets
import string
import uuid

BASE62 = string.digits + string.ascii_letters
_fast_random = random.Random()


def new_token(kind: str, environment: str) -> str:
    return f"{kind}-{environment}-{uuid.uuid4()}"


def new_object_id() -> str:
    # 224 random bits cover the 221 bits of 37 base62 digits; reducing them modulo 62**37 skews
    # the distribution by less than one part in 2**3, far below anything observable.
    number = int.from_bytes(os.urandom(28), "big")
    digits = []
    for _ in range(37):
        number, digit = divmod(number, 62)
        digits.append(BASE62[digit])
    return "".join(digits)


def new_request_id() -> str:
    return "".join(_fast_random.choices(BASE62, k=15))


def new_client_id() -> str:
    # Plaid client_ids are 24 lowercase hex characters.
    return secrets.token_hex(12)


def new_secret() -> str:
    # Plaid secrets are 30 lowercase hex characters.
    return secrets.token_hex(15)


def token_hash(token: str) -> str:
    """The stored form of a bearer token or secret.

    Tokens carry 122+ bits of randomness, so a plain SHA-256 is enough to make a copy of the
    database useless without making each request pay for a slow password hash.
    """
    return hashlib.sha256(token.encode()).hexdigest()


def token_hint(token: str) -> str:
    """A token with all but its last six characters of randomness left out, to show."""
    kind_and_environment = token[: -len(str(uuid.UUID(int=0)))]
    return f"{kind_and_environment}…{token[-6:]}"


def token_environment(token: str, kind: str) -> str | None:
    """The environment named in a token of the given kind, or None when the shape is wrong."""
    prefix, _, rest = token.partition("-")
    if prefix != kind:
        return None
    environment, _, identifier = rest.partition("-")
    return environment if identifier else None
