"""Redaction: the one place that decides what of a request or response the request log may keep.

Secrets, passwords and credentials are replaced outright. Bearer tokens (access, public, link,
user, processor, asset report tokens...) keep their `<kind>-<environment>-` prefix and last four
characters, so a developer can still tell which token a request used, and are redacted wherever
they appear, error messages included."""

from __future__ import annotations

import re
from typing import Any

REDACTED = "[REDACTED]"
# Fields whose whole value is a secret, whatever it holds (a string, an object, a list).
_SECRET_FIELDS = frozenset(
    {"credentials", "pin", "public_key", "api_key", "otp", "mfa", "answers", "authorization"}
)
_SECRET_WORDS = ("secret", "password", "passwd", "passphrase")
_TOKEN_SUFFIXES = ("_token", "_tokens", "token")
# Gingham's tokens are `<kind>-<environment>-<uuid4>` (gingham.wire.ids.new_token).
_TOKEN = re.compile(
    r"\b((?:[a-z]+-)+(?:sandbox|development|production)-)"
    r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{8}([0-9a-f]{4})\b"
)


def is_secret_field(name: str) -> bool:
    lowered = name.lower()
    return lowered in _SECRET_FIELDS or any(word in lowered for word in _SECRET_WORDS)


def is_token_field(name: str) -> bool:
    return name.lower().endswith(_TOKEN_SUFFIXES)


def redact_token(value: str) -> str:
    """A token as the log shows it: `access-sandbox-****a1b2`; anything else, wholly redacted."""
    match = _TOKEN.fullmatch(value)
    if match is None:
        return REDACTED if len(value) <= 8 else f"{REDACTED}{value[-4:]}"
    return f"{match.group(1)}****{match.group(2)}"


def redact_text(text: str) -> str:
    """`text` with every token in it redacted."""
    return _TOKEN.sub(lambda match: f"{match.group(1)}****{match.group(2)}", text)


def redact(value: Any) -> Any:
    """A copy of the JSON value `value` that is safe to store and show."""
    if isinstance(value, dict):
        return {key: _redact_field(key, item) for key, item in value.items()}
    if isinstance(value, list):
        return [redact(item) for item in value]
    if isinstance(value, str):
        return redact_text(value)
    return value


def _redact_field(name: str, value: Any) -> Any:
    # A flag says whether there is a secret, not what it is (`password_reset_required`).
    if value is None or isinstance(value, bool):
        return value
    if is_secret_field(name):
        return REDACTED
    if is_token_field(name):
        if isinstance(value, str):
            return redact_token(value)
        if isinstance(value, list):
            return [redact_token(item) if isinstance(item, str) else REDACTED for item in value]
        return REDACTED
    return redact(value)
