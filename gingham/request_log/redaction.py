"""Redaction: the one place that decides what of a request or response the request log may keep.

Secrets, passwords and credentials are replaced outright. Bearer tokens (access, public, link,
user, processor, asset report tokens...) keep their `<kind>-<environment>-` prefix and last four
characters, so a developer can still tell which token a request used, and are redacted wherever
they appear, error messages included."""

from __future__ import annotations

import re
from typing import Any

import orjson

REDACTED = "[REDACTED]"
# Fields whose whole value is a secret, whatever it holds (a string, an object, a list).
_SECRET_FIELDS = frozenset(
    {"credentials", "pin", "public_key", "api_key", "otp", "mfa", "answers", "authorization"}
)
# redact_json looks for "secret" and "pass", which begin or hold each of these.
_SECRET_WORDS = ("secret", "password", "passwd", "passphrase")
_TOKEN_SUFFIXES = ("token", "tokens")
# Gingham's tokens are `<kind>-<environment>-<uuid4>` (gingham.wire.ids.new_token). The pattern
# starts at the environment, a literal, so that searching long text stays fast; the kind in front
# stays as it is.
_ENVIRONMENTS = ("sandbox", "development", "production")
_UUID_BUT_LAST_FOUR = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{8}"
_TOKEN = re.compile(rf"-({'|'.join(_ENVIRONMENTS)})-{_UUID_BUT_LAST_FOUR}([0-9a-f]{{4}})\b")
_TOKEN_BYTES = re.compile(_TOKEN.pattern.encode())
_WHOLE_TOKEN = re.compile(
    rf"(?:[a-z]+-)+(?:{'|'.join(_ENVIRONMENTS)})-{_UUID_BUT_LAST_FOUR}[0-9a-f]{{4}}"
)
_TOKEN_VALUE_BYTES = re.compile(rb'"' + _WHOLE_TOKEN.pattern.encode() + rb'"')
# A field whose name ends in "token" (or "tokens": a list, which sends the body down the slow
# path), up to its value.
_TOKEN_FIELD_BYTES = re.compile(rb'token(s?)"\s*:\s*')
_ENVIRONMENT_MARKS = tuple(f"-{environment}-".encode() for environment in _ENVIRONMENTS)
# A request's own `secret`, as the clients send it, when it holds a string without escapes.
# Whatever precedes the quote that closes its name, the match is a field whose name holds the word
# "secret", and the first quote after the value closes it.
_SECRET_STRING = re.compile(rb'"secret": ?"[^"\\]*"')
_SECRET_REDACTED = f'"secret":"{REDACTED}"'.encode()
# Fields that are secrets by name whatever they hold; one scan of the lowered text finds them.
_SECRET_FIELD_MARKS = re.compile(
    rb'"(?:' + b"|".join(re.escape(name.encode()) for name in sorted(_SECRET_FIELDS)) + rb')"'
)


def redact_json(raw: bytes) -> str:
    """The JSON text `raw`, redacted, as JSON text. Most bodies hold no secret but a request's
    `secret` and no token but Gingham's own, so those are redacted in the text without parsing
    it; the rest are parsed and redacted field by field (`redact`). `raw` must be JSON (what
    reached an endpoint's credentials check parsed, and Gingham answers JSON);
    orjson.JSONDecodeError otherwise."""
    lowered = raw.lower()
    if b"secret" in lowered or b"pass" in lowered:
        raw, redacted = _SECRET_STRING.subn(_SECRET_REDACTED, raw)
        # Each "secret" in the text must be one just redacted: any other is a field the slow
        # path must find (or a value that only looks like one).
        if b"pass" in lowered or redacted != lowered.count(b"secret"):
            return _redact_parsed(raw)
        lowered = raw.lower()
    if (
        _SECRET_FIELD_MARKS.search(lowered) is not None
        # A \u escape could spell a field name the marks would not see.
        or (b"\\" in raw and b"\\u" in raw)
        or any(
            field[1] or _TOKEN_VALUE_BYTES.match(raw, field.end()) is None
            for field in _TOKEN_FIELD_BYTES.finditer(lowered)
        )
    ):
        return _redact_parsed(raw)
    if any(mark in raw for mark in _ENVIRONMENT_MARKS):
        raw = _TOKEN_BYTES.sub(rb"-\1-****\2", raw)
    return raw.decode()


def _redact_parsed(raw: bytes) -> str:
    return orjson.dumps(redact(orjson.loads(raw))).decode()


def is_secret_field(name: str) -> bool:
    lowered = name.lower()
    return lowered in _SECRET_FIELDS or any(word in lowered for word in _SECRET_WORDS)


def is_token_field(name: str) -> bool:
    return name.lower().endswith(_TOKEN_SUFFIXES)


def redact_token(value: str) -> str:
    """A token as the log shows it: `access-sandbox-****a1b2`; anything else, wholly redacted."""
    if _WHOLE_TOKEN.fullmatch(value) is None:
        return REDACTED if len(value) <= 8 else f"{REDACTED}{value[-4:]}"
    return redact_text(value)


def redact_text(text: str) -> str:
    """`text` with every token in it redacted."""
    if "-" not in text:
        return text
    return _TOKEN.sub(r"-\1-****\2", text)


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
