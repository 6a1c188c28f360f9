"""Property-based fuzzing of every Plaid endpoint: request bodies generated from the endpoint's
own JSON schema (valid by the schema, then with values of the wrong kind), sent with real
credentials and, where a body names a token, sometimes a live one. Whatever comes in, Gingham
answers without a 5xx, and every refusal is a Plaid-shaped error; on SQLite and PostgreSQL alike.

The bodies come from Gingham's request schemas (gingham/wire/request_schemas.json, Plaid's own
contract), through a small generator for their dialect. Examples are derived from the test's
name (derandomize), so a CI run is reproducible; set GINGHAM_FUZZ_EXAMPLES to explore more.
"""

from __future__ import annotations

import os
from datetime import UTC, date
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gingham.app import PLAID_ENDPOINTS, PLAID_SCHEMA_OVERRIDES
from gingham.wire.json_route import JsonRoute
from gingham.wire.validation import Schema, request_schema
from tests.builders import PlaidCaller, link_token_request

EXAMPLES = int(os.environ.get("GINGHAM_FUZZ_EXAMPLES", "25"))
PLAID_ERROR_FIELDS = {"error_type", "error_code", "error_message", "request_id"}
_MAX_STRING = 40


# Values that have broken servers like this one: whole-number floats for integers, integers past
# 64 bits, NUL, strings longer than any column, empty containers.
_AWKWARD = st.sampled_from(
    [0.0, 3.0, -1, 2**31, 2**63, -(2**63) - 1, 1e300, "", "\x00", "a\x00b", "x" * 300, [], {}]
)
_ANY_JSON = st.recursive(
    st.none()
    | st.booleans()
    | _AWKWARD
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=_MAX_STRING),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=10), children, max_size=3)
    ),
    max_leaves=8,
)


def values(schema: Schema) -> st.SearchStrategy[Any]:
    """Values of Gingham's request-schema dialect (gingham.wire.validation), valid by it."""
    kind = schema.get("type", "any")
    strategy: st.SearchStrategy[Any]
    if kind == "object":
        strategy = objects(schema)
    elif kind == "array":
        strategy = st.lists(
            values(schema.get("items", {})),
            min_size=schema.get("minItems", 0),
            max_size=max(schema.get("minItems", 0), min(schema.get("maxItems", 3), 3)),
        )
    elif kind == "string":
        strategy = strings(schema)
    elif kind == "integer":
        whole = st.integers(
            min_value=schema.get("minimum", -(2**63) + 1),
            max_value=schema.get("maximum", 2**63 - 1),
        )
        # JSON has one number type: 3.0 is as much an integer as 3 (JSON Schema agrees).
        strategy = whole | whole.filter(lambda n: abs(n) < 2**53).map(float)
    elif kind == "number":
        strategy = st.floats(
            min_value=schema.get("minimum"),
            max_value=schema.get("maximum"),
            allow_nan=False,
            allow_infinity=False,
        )
    elif kind == "boolean":
        strategy = st.booleans()
    else:
        strategy = _ANY_JSON
    return st.none() | strategy if schema.get("nullable") else strategy


def strings(schema: Schema) -> st.SearchStrategy[str]:
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    if schema.get("format") == "date":
        return st.dates().map(date.isoformat)
    if schema.get("format") == "date-time":
        return st.datetimes(timezones=st.just(UTC)).map(lambda moment: moment.isoformat())
    shortest = schema.get("minLength", 0)
    return st.text(min_size=shortest, max_size=max(shortest, min(schema.get("maxLength", 40), 40)))


def objects(schema: Schema) -> st.SearchStrategy[dict[str, Any]]:
    properties: dict[str, Schema] = schema.get("properties", {})
    required = [name for name in schema.get("required", ()) if name in properties]
    optional = [name for name in properties if name not in required]
    return st.fixed_dictionaries(
        {name: values(properties[name]) for name in required},
        optional={name: values(properties[name]) for name in optional},
    )


def field_paths(schema: Schema, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Every field of the schema, nested ones included, as paths of names."""
    paths = []
    for name, child in sorted(schema.get("properties", {}).items()):
        path = (*prefix, name)
        paths.append(path)
        if child.get("type") == "object" and len(path) < 3:
            paths.extend(field_paths(child, path))
    return paths


def bodies(schema: Schema) -> st.SearchStrategy[dict[str, Any]]:
    """Bodies valid by the schema, and the same bodies with one field, at any depth, given any
    JSON value."""
    valid = objects(schema)
    paths = field_paths(schema) or [("field",)]

    @st.composite
    def mutated(draw: st.DrawFn) -> dict[str, Any]:
        body: dict[str, Any] = draw(valid)
        *parents, name = draw(st.sampled_from(paths))
        holder = body
        for parent in parents:
            if not isinstance(holder.get(parent), dict):
                holder[parent] = {}
            holder = holder[parent]
        holder[name] = draw(_ANY_JSON)
        return body

    return st.one_of(valid, mutated())


def schema_of(path: str) -> Schema:
    override = PLAID_SCHEMA_OVERRIDES.get(path)
    return override if override is not None else request_schema(path)


@pytest.fixture
def live_tokens(plaid: PlaidCaller) -> dict[str, Any]:
    """Tokens of real objects, swapped into generated bodies so that they reach past the token
    checks into the endpoints themselves."""
    access_token = plaid.access_token()
    user = plaid.ok("/user/create", {"client_user_id": "fuzz-user"})
    return {
        "access_token": access_token,
        "access_tokens": [access_token],
        "user_token": user["user_token"],
    }


def with_live_tokens(body: dict[str, Any], tokens: dict[str, Any], use: bool) -> dict[str, Any]:
    if not use:
        return body
    return {
        name: tokens[name] if name in tokens and isinstance(value, type(tokens[name])) else value
        for name, value in body.items()
    }


def assert_answered(path: str, body: dict[str, Any], response: Any) -> None:
    assert response.status_code < 500, f"{path} answered {response.status_code} to {body!r}"
    if response.headers.get("content-type", "").startswith("application/json"):
        answer = response.json()
        assert isinstance(answer, dict), f"{path} answered a non-object to {body!r}"
        if response.status_code >= 400:
            missing = PLAID_ERROR_FIELDS - set(answer)
            assert not missing, f"{path} refused {body!r} without {missing}: {answer}"
    else:
        assert response.status_code == 200
        assert response.headers["content-type"] == "application/pdf"


@pytest.mark.parametrize("path", sorted(PLAID_ENDPOINTS))
def test_no_request_body_gets_a_server_error(
    plaid: PlaidCaller, live_tokens: dict[str, Any], path: str
) -> None:
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )
    @given(body=bodies(schema_of(path)), use_live_tokens=st.booleans())
    def fuzz(body: dict[str, Any], use_live_tokens: bool) -> None:
        sent = with_live_tokens(body, live_tokens, use_live_tokens)
        assert_answered(path, sent, plaid.post(path, sent))

    fuzz()


def gingham_routes(client: Any) -> dict[str, Schema]:
    """Gingham's own JSON endpoints (`/_gingham/*`, the Link frame's) and their schemas."""
    return {
        route.path: route.schema
        for route in client.app.routes
        if isinstance(route, JsonRoute)
        and route.schema is not None
        and route.path not in PLAID_ENDPOINTS
    }


@pytest.fixture
def live_link_session(plaid: PlaidCaller, live_tokens: dict[str, Any]) -> dict[str, Any]:
    """A link token with a Link session started in the frame, for the frame's endpoints."""
    link_token = plaid.ok("/link/token/create", link_token_request())["link_token"]
    started = plaid.client.post("/link/frame/sessions", json={"link_token": link_token})
    assert started.status_code == 200, started.text
    return {
        **live_tokens,
        "link_token": link_token,
        "link_session_id": started.json()["link_session_id"],
    }


def test_no_request_to_ginghams_own_endpoints_gets_a_server_error(
    plaid: PlaidCaller, live_link_session: dict[str, Any]
) -> None:
    routes = gingham_routes(plaid.client)
    assert "/_gingham/link/complete" in routes and "/link/frame/sessions" in routes
    # Last, those that wipe or replace what the others use (the client's data, its secret).
    destructive = ("/_gingham/client/reset", "/_gingham/client/secret/rotate")
    for path, schema in sorted(routes.items(), key=lambda route: (route[0] in destructive, route)):
        url = path.replace("{link_session_id}", live_link_session["link_session_id"])

        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        )
        @given(body=bodies(schema), use_live_tokens=st.booleans())
        def fuzz(body: dict[str, Any], use_live_tokens: bool) -> None:
            sent = with_live_tokens(body, live_link_session, use_live_tokens)
            assert_answered(path, sent, plaid.post(url, sent))  # noqa: B023

        fuzz()


def public_key_routes(client: Any) -> list[str]:
    """The endpoints that take a legacy public_key in place of client_id and secret."""
    return sorted(
        route.path
        for route in client.app.routes
        if isinstance(route, JsonRoute) and route.accepts_public_key
    )


def test_no_request_with_a_public_key_gets_a_server_error(plaid: PlaidCaller) -> None:
    paths = public_key_routes(plaid.client)
    assert paths == [
        "/institutions/get_by_id",
        "/institutions/search",
        "/sandbox/public_token/create",
    ]
    live_key = plaid.ok("/_gingham/client/public_key/get")["public_key"]
    for path in paths:

        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        )
        @given(body=bodies(schema_of(path)), key=st.just(live_key) | _ANY_JSON)
        def fuzz(body: dict[str, Any], key: Any) -> None:
            sent = {**body, "public_key": key}
            assert_answered(path, sent, plaid.post(path, sent, authenticated=False))  # noqa: B023

        fuzz()
