"""/_gingham/client/profile/get and /update: the profile as the API keeps it, and every value it
refuses (as Plaid-shaped errors, never a 500)."""

from __future__ import annotations

from typing import Any

import pytest

from gingham.clients.profile import FIELD_NAMES, REQUIRED_FOR_REGISTRATION
from tests.application_profile.helpers import FULL_PROFILE, GET, UPDATE, complete_profile
from tests.builders import PlaidCaller


class TestGetProfile:
    def test_a_new_client_has_an_empty_profile_with_an_application_id(
        self, plaid: PlaidCaller
    ) -> None:
        got = plaid.ok(GET)
        assert got["profile"] == dict.fromkeys(FIELD_NAMES)
        assert got["complete"] is False
        assert got["missing"] == list(REQUIRED_FOR_REGISTRATION)
        assert isinstance(got["application_id"], str) and len(got["application_id"]) >= 20
        assert plaid.ok(GET)["application_id"] == got["application_id"]

    def test_each_client_has_its_own(self, plaid: PlaidCaller, other_plaid: PlaidCaller) -> None:
        complete_profile(plaid)
        other = other_plaid.ok(GET)
        assert other["profile"]["display_name"] is None
        assert other["application_id"] != plaid.ok(GET)["application_id"]


class TestUpdateProfile:
    def test_a_full_profile_is_complete(self, plaid: PlaidCaller) -> None:
        saved = complete_profile(plaid)
        assert saved["profile"] == FULL_PROFILE
        assert saved["complete"] is True and saved["missing"] == []
        assert plaid.ok(GET) == saved

    def test_fields_left_out_stay_and_null_or_blank_clears(self, plaid: PlaidCaller) -> None:
        complete_profile(plaid)
        saved = plaid.ok(UPDATE, {"city": None, "region": "   ", "display_name": " Budgetly 2 "})
        assert saved["profile"]["city"] is None and saved["profile"]["region"] is None
        assert saved["profile"]["display_name"] == "Budgetly 2"
        assert saved["profile"]["company_legal_name"] == "Budgetly, Inc."
        assert saved["complete"] is False and saved["missing"] == ["city"]

    def test_the_logo_is_optional_for_registration(self, plaid: PlaidCaller) -> None:
        assert complete_profile(plaid, logo_url=None)["complete"] is True

    def test_country_codes_are_upper_cased(self, plaid: PlaidCaller) -> None:
        assert plaid.ok(UPDATE, {"country_code": "gb"})["profile"]["country_code"] == "GB"

    def test_a_reason_may_run_over_several_lines(self, plaid: PlaidCaller) -> None:
        reason = "Budgets.\nAlerts when you overspend."
        assert plaid.ok(UPDATE, {"reason_for_access": reason})["profile"]["reason_for_access"] == (
            reason
        )


def refused(plaid: PlaidCaller, body: dict[str, Any]) -> dict[str, Any]:
    error = plaid.error(UPDATE, body)
    assert error["error_type"] == "INVALID_REQUEST"
    return error


class TestUpdateRefusals:
    @pytest.mark.parametrize(
        "url",
        [
            "javascript:alert(1)",
            "ftp://budgetly.example/logo.png",
            "budgetly.example",
            "https://",
            "https://budgetly.example/a logo.png",
            "data:image/png;base64,iVBORw0KGgo=",
            "http://budgetly.example:99999/",
            "https://user:password@budgetly.example/logo.png",
        ],
    )
    def test_urls_must_be_http_or_https(self, plaid: PlaidCaller, url: str) -> None:
        for field in ("logo_url", "application_url"):
            error = refused(plaid, {field: url})
            assert error["error_code"] == "INVALID_FIELD"
            assert error["error_message"].startswith(f"{field} must be an absolute http")

    @pytest.mark.parametrize(
        ("field", "limit"),
        [("display_name", 100), ("reason_for_access", 1000), ("postal_code", 20)],
    )
    def test_lengths_are_limited(self, plaid: PlaidCaller, field: str, limit: int) -> None:
        assert plaid.ok(UPDATE, {field: "a" * limit})["profile"][field] == "a" * limit
        error = refused(plaid, {field: "a" * (limit + 1)})
        assert error["error_code"] == "INVALID_FIELD"
        assert error["error_message"] == f"{field} must be at most {limit} characters long"

    def test_a_very_long_url_is_refused_not_stored(self, plaid: PlaidCaller) -> None:
        url = "https://budgetly.example/" + "a" * 5000
        assert refused(plaid, {"logo_url": url})["error_code"] == "INVALID_FIELD"
        assert plaid.ok(GET)["profile"]["logo_url"] is None

    @pytest.mark.parametrize("value", ["US1", "U", "ÜS", "12"])
    def test_country_codes_are_two_letters(self, plaid: PlaidCaller, value: str) -> None:
        error = refused(plaid, {"country_code": value})
        assert error["error_code"] == "INVALID_FIELD"
        assert error["error_message"].startswith("country_code must be")

    @pytest.mark.parametrize("value", ["Budget\nly", "Budget\x07ly", "Budget\tly"])
    def test_single_line_fields_refuse_control_characters(
        self, plaid: PlaidCaller, value: str
    ) -> None:
        error = refused(plaid, {"display_name": value})
        assert error["error_message"].startswith("display_name must not contain control")

    def test_nul_is_refused(self, plaid: PlaidCaller) -> None:
        error = refused(plaid, {"reason_for_access": "a\x00b"})
        assert error["error_code"] == "INVALID_FIELD"

    def test_values_must_be_strings(self, plaid: PlaidCaller) -> None:
        error = refused(plaid, {"display_name": 7})
        assert error["error_message"] == "display_name must be a string"

    def test_unknown_fields_are_named(self, plaid: PlaidCaller) -> None:
        error = refused(plaid, {"display_nam": "Budgetly"})
        assert error["error_code"] == "UNKNOWN_FIELDS"
        assert "display_nam" in error["error_message"]

    def test_a_refused_update_changes_nothing(self, plaid: PlaidCaller) -> None:
        complete_profile(plaid)
        refused(plaid, {"display_name": "New name", "application_url": "mailto:x@example.com"})
        assert plaid.ok(GET)["profile"]["display_name"] == "Budgetly"

    def test_needs_credentials(self, plaid: PlaidCaller) -> None:
        response = plaid.post(UPDATE, {"display_name": "x"}, authenticated=False)
        assert response.status_code == 400
        assert response.json()["error_type"] == "INVALID_REQUEST"
