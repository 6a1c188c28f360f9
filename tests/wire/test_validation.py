"""The schema-driven request validator, on small schemas of its own."""

from __future__ import annotations

from typing import Any

import pytest

from gingham import errors
from gingham.wire.validation import request_schema, validate
from tests.builders import PlaidCaller, link_token_request

SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["name", "items"],
    "properties": {
        "name": {"type": "string", "minLength": 1},
        "items": {"type": "array", "minItems": 1, "items": {"type": "string", "enum": ["a", "b"]}},
        "when": {"type": "string", "format": "date"},
        "count": {"type": "integer", "minimum": 1},
        "note": {"type": "string", "nullable": True},
        "nested": {"type": "object", "required": ["id"], "properties": {"id": {"type": "string"}}},
        "free": {"type": "object", "open": True},
    },
}


def problem(body: dict[str, Any]) -> tuple[str, str]:
    with pytest.raises(errors.PlaidError) as raised:
        validate(body, SCHEMA)
    return raised.value.error_code, raised.value.error_message


class TestValidate:
    def test_a_valid_body_passes(self) -> None:
        validate(
            {
                "name": "x",
                "items": ["a"],
                "when": "2024-02-29",
                "count": 2,
                "note": None,
                "free": {"anything": 1},
            },
            SCHEMA,
        )

    def test_missing_fields_come_first_and_all_together(self) -> None:
        assert problem({"nested": {}, "extra": 1}) == (
            "MISSING_FIELDS",
            "the following required fields are missing: name, items, nested.id",
        )

    def test_unknown_fields_are_listed_by_path(self) -> None:
        assert problem(
            {"name": "x", "items": ["a"], "extra": 1, "nested": {"id": "1", "deep": 2}}
        ) == (
            "UNKNOWN_FIELDS",
            "the following fields are not recognized by this endpoint: extra, nested.deep",
        )

    @pytest.mark.parametrize(
        ("body", "message"),
        [
            ({"name": "", "items": ["a"]}, "name must not be empty"),
            ({"name": "x", "items": []}, "items must contain at least 1 item(s)"),
            ({"name": "x", "items": ["c"]}, "items[0] must be one of: a, b (got 'c')"),
            (
                {"name": "x", "items": ["a"], "when": "29/02/2024"},
                "when must be a date in YYYY-MM-DD format",
            ),
            ({"name": "x", "items": ["a"], "count": 0}, "count must be at least 1"),
            ({"name": "x", "items": ["a"], "count": 1.5}, "count must be an integer"),
            ({"name": 7, "items": ["a"]}, "name must be a string"),
            ({"name": None, "items": ["a"]}, "name must not be null"),
            ({"name": "x", "items": ["a"], "nested": []}, "nested must be an object"),
        ],
    )
    def test_invalid_values_name_the_field(self, body: dict[str, Any], message: str) -> None:
        assert problem(body) == ("INVALID_FIELD", message)

    def test_credentials_in_the_body_are_never_missing_fields(self) -> None:
        validate(
            {"public_token": "public-sandbox-x"}, request_schema("/item/public_token/exchange")
        )

    def test_fields_plaid_python_46_sends_beyond_the_spec_are_known(self) -> None:
        schema = request_schema("/link/token/create")
        assert "institution_id" in schema["properties"]["institution_data"]["properties"]


class TestWhatEitherDatabaseWouldRefuse:
    """Requests both databases must answer alike: NUL characters, strings longer than their
    column, integers out of range; never a database error."""

    def test_nul_in_a_field_is_invalid_field_naming_it(self, plaid: PlaidCaller) -> None:
        error = plaid.error("/link/token/create", link_token_request(client_name="Test\x00App"))
        assert error["error_code"] == "INVALID_FIELD"
        assert error["error_message"].startswith("client_name must not contain NUL")

    def test_nul_in_a_free_form_object_is_refused_too(self, plaid: PlaidCaller) -> None:
        error = plaid.error(
            "/sandbox/public_token/create",
            {
                "institution_id": "ins_109508",
                "initial_products": ["auth"],
                "options": {
                    "override_username": "user_custom",
                    "override_password": '{"a\x00": 1}',
                },
            },
        )
        assert error["error_code"] == "INVALID_FIELD"
        assert "options.override_password" in error["error_message"]

    def test_a_string_longer_than_its_column_is_invalid_field(self, plaid: PlaidCaller) -> None:
        error = plaid.error(
            "/link/token/create", link_token_request(user={"client_user_id": "u" * 300})
        )
        assert error["error_code"] == "INVALID_FIELD"
        assert "client_user_id must be at most" in error["error_message"]

    def test_a_whole_number_float_counts_as_the_integer(self, plaid: PlaidCaller) -> None:
        found = plaid.ok(
            "/institutions/get", {"count": 3.0, "offset": 1.0, "country_codes": ["US"]}
        )
        assert len(found["institutions"]) == 3
        assert (
            found["institutions"][0]["institution_id"]
            == plaid.ok("/institutions/get", {"count": 3, "offset": 1, "country_codes": ["US"]})[
                "institutions"
            ][0]["institution_id"]
        )

    @pytest.mark.parametrize("count", [2**63, -(2**63) - 1, 1e30])
    def test_integers_out_of_range_are_invalid_field(
        self, plaid: PlaidCaller, count: float
    ) -> None:
        error = plaid.error(
            "/institutions/get", {"count": count, "offset": 0, "country_codes": ["US"]}
        )
        assert error["error_code"] in ("INVALID_FIELD", "INVALID_BODY")
