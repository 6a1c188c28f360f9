"""Request validation against Plaid's own contract.

`request_schemas.json` is derived from Plaid's OpenAPI spec plus the fields plaid-python 46 knows
(see scripts/extract_wire_schemas.py). Validation walks only the keys a request contains, so its
cost follows the size of the body rather than the size of the schema, and it reports every missing
or unknown field at once, by dotted path, the way Plaid's MISSING_FIELDS and UNKNOWN_FIELDS do.
"""

from __future__ import annotations

import re
from datetime import date
from functools import cache
from importlib import resources
from typing import Any

from gingham import errors
from gingham.wire import json
from gingham.wire.json import parse_datetime

Schema = dict[str, Any]

# Credentials may come in the body of any request; they are taken out before validation.
CREDENTIAL_FIELDS = ("client_id", "secret")

_TYPE_NAMES = {
    "object": "an object",
    "array": "an array",
    "string": "a string",
    "integer": "an integer",
    "number": "a number",
    "boolean": "a boolean",
}


@cache
def request_schemas() -> dict[str, Schema]:
    raw = resources.files("gingham.wire").joinpath("request_schemas.json").read_bytes()
    schemas: dict[str, Schema] = json.loads(raw)
    return {path: schema for path, schema in schemas.items() if path.startswith("/")}


def request_schema(path: str) -> Schema:
    return request_schemas()[path]


class _Problems:
    __slots__ = ("invalid", "missing", "unknown")

    def __init__(self) -> None:
        self.missing: list[str] = []
        self.unknown: list[str] = []
        self.invalid: list[str] = []


# The integers both databases store (PostgreSQL's BIGINT) and Python's JSON parser returns.
INTEGER_LIMIT = 2**63 - 1


def validate(body: dict[str, Any], schema: Schema) -> None:
    """Raise the Plaid error that names what is wrong with `body`, if anything is.

    Whole-number floats in integer fields (5.0) become integers, as Plaid accepts them; and no
    string anywhere in the body, schema-checked or not, may contain NUL, which PostgreSQL cannot
    store and SQLite would: both databases refuse the same requests."""
    nul = _first_nul(body, "")
    if nul is not None:
        raise errors.invalid_field(f"{nul} must not contain NUL (\\u0000) characters")
    problems = _Problems()
    _check_object(body, schema, "", problems)
    if problems.missing:
        raise errors.missing_fields(problems.missing)
    if problems.unknown:
        raise errors.unknown_fields(problems.unknown)
    if problems.invalid:
        raise errors.invalid_field(problems.invalid[0])


def _join(prefix: str, name: str) -> str:
    return f"{prefix}.{name}" if prefix else name


def _check_object(value: dict[str, Any], schema: Schema, path: str, problems: _Problems) -> None:
    properties: dict[str, Schema] = schema.get("properties", {})
    for name in schema.get("required", ()):
        if name not in value and name not in CREDENTIAL_FIELDS:
            problems.missing.append(_join(path, name))
    open_object = schema.get("open", False)
    for name, item in value.items():
        child = properties.get(name)
        if child is None:
            if not open_object:
                problems.unknown.append(_join(path, name))
            continue
        _check(item, child, _join(path, name), problems)
        if _whole_float(item, child):
            value[name] = int(item)


def _check(value: Any, schema: Schema, path: str, problems: _Problems) -> None:
    kind = schema.get("type", "any")
    if value is None:
        if not schema.get("nullable", False) and kind != "any":
            problems.invalid.append(f"{path} must not be null")
        return
    if kind == "any":
        return
    if kind == "object":
        if not isinstance(value, dict):
            problems.invalid.append(f"{path} must be {_TYPE_NAMES[kind]}")
            return
        _check_object(value, schema, path, problems)
    elif kind == "array":
        if not isinstance(value, list):
            problems.invalid.append(f"{path} must be {_TYPE_NAMES[kind]}")
            return
        _check_array(value, schema, path, problems)
    elif kind == "string":
        if not isinstance(value, str):
            problems.invalid.append(f"{path} must be {_TYPE_NAMES[kind]}")
            return
        _check_string(value, schema, path, problems)
    elif kind in ("integer", "number"):
        # bool is an int subclass in Python, but true is not a number on the wire.
        wrong_type = isinstance(value, bool) or not isinstance(value, int | float)
        if wrong_type or (
            kind == "integer" and isinstance(value, float) and not value.is_integer()
        ):
            problems.invalid.append(f"{path} must be {_TYPE_NAMES[kind]}")
            return
        _check_bounds(value, schema, path, problems)
    elif kind == "boolean" and not isinstance(value, bool):
        problems.invalid.append(f"{path} must be {_TYPE_NAMES[kind]}")


def _check_array(value: list[Any], schema: Schema, path: str, problems: _Problems) -> None:
    min_items = schema.get("minItems")
    if min_items is not None and len(value) < min_items:
        problems.invalid.append(f"{path} must contain at least {min_items} item(s)")
    max_items = schema.get("maxItems")
    if max_items is not None and len(value) > max_items:
        problems.invalid.append(f"{path} must contain at most {max_items} item(s)")
    items = schema.get("items")
    if items is not None:
        for index, item in enumerate(value):
            _check(item, items, f"{path}[{index}]", problems)
            if _whole_float(item, items):
                value[index] = int(item)


def _whole_float(value: Any, schema: Schema) -> bool:
    return schema.get("type") == "integer" and isinstance(value, float) and value.is_integer()


def _first_nul(value: Any, path: str) -> str | None:
    """The path of the first string (or key) containing NUL, if any."""
    if isinstance(value, str):
        return path if "\x00" in value else None
    if isinstance(value, dict):
        for name, item in value.items():
            here = _join(path, str(name))
            if "\x00" in str(name):
                return here
            found = _first_nul(item, here)
            if found is not None:
                return found
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found = _first_nul(item, f"{path}[{index}]")
            if found is not None:
                return found
    return None


def _check_string(value: str, schema: Schema, path: str, problems: _Problems) -> None:
    enum = schema.get("enum")
    if enum is not None and value not in enum:
        problems.invalid.append(f"{path} must be one of: {', '.join(enum)} (got {value!r})")
        return
    min_length = schema.get("minLength")
    if min_length is not None and len(value) < min_length:
        problems.invalid.append(
            f"{path} must not be empty"
            if min_length == 1
            else f"{path} must be at least {min_length} characters long"
        )
    max_length = schema.get("maxLength")
    if max_length is not None and len(value) > max_length:
        problems.invalid.append(f"{path} must be at most {max_length} characters long")
    pattern = schema.get("pattern")
    if pattern is not None and not _compiled(pattern).search(value):
        problems.invalid.append(f"{path} is not in the expected format")
    fmt = schema.get("format")
    if fmt == "date":
        try:
            date.fromisoformat(value)
        except ValueError:
            problems.invalid.append(f"{path} must be a date in YYYY-MM-DD format")
    elif fmt == "date-time":
        try:
            parse_datetime(value)
        except ValueError:
            problems.invalid.append(
                f"{path} must be an ISO 8601 date-time with a timezone, e.g. 2024-01-31T12:00:00Z"
            )


def _check_bounds(value: float, schema: Schema, path: str, problems: _Problems) -> None:
    if schema.get("type") == "integer" and abs(value) > INTEGER_LIMIT:
        problems.invalid.append(f"{path} must be between -{INTEGER_LIMIT} and {INTEGER_LIMIT}")
        return
    minimum = schema.get("minimum")
    if minimum is not None and value < minimum:
        problems.invalid.append(f"{path} must be at least {minimum}")
    maximum = schema.get("maximum")
    if maximum is not None and value > maximum:
        problems.invalid.append(f"{path} must be at most {maximum}")
    exclusive_minimum = schema.get("exclusiveMinimum")
    if exclusive_minimum is not None and value <= exclusive_minimum:
        problems.invalid.append(f"{path} must be greater than {exclusive_minimum}")


@cache
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def check_url(value: str, field_name: str) -> str:
    """An absolute http(s) URL, or INVALID_FIELD naming the field."""
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(value)
    except ValueError:
        parts = None
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
        raise errors.invalid_field(
            f"{field_name} must be an absolute http or https URL (got {value!r})"
        )
    return value
