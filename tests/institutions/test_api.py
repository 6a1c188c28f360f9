"""/institutions/get, /institutions/get_by_id and /institutions/search over HTTP."""

from __future__ import annotations

import base64

from tests.builders import PlaidCaller

REQUIRED_KEYS = {
    "institution_id",
    "name",
    "products",
    "country_codes",
    "routing_numbers",
    "oauth",
    "connection_availability",
}


class TestGetInstitutions:
    def test_pages_through_the_catalogue(self, plaid: PlaidCaller) -> None:
        first = plaid.ok("/institutions/get", {"count": 3, "offset": 0, "country_codes": ["US"]})
        second = plaid.ok("/institutions/get", {"count": 3, "offset": 3, "country_codes": ["US"]})
        assert first["total"] == second["total"] > 6
        ids = [i["institution_id"] for i in first["institutions"] + second["institutions"]]
        assert len(set(ids)) == 6
        assert ids[0] == "ins_109508"
        assert set(first["institutions"][0]) >= REQUIRED_KEYS

    def test_country_filter(self, plaid: PlaidCaller) -> None:
        got = plaid.ok("/institutions/get", {"count": 500, "offset": 0, "country_codes": ["GB"]})
        assert {"ins_116834", "ins_117650"} <= {i["institution_id"] for i in got["institutions"]}
        assert all("GB" in i["country_codes"] for i in got["institutions"])

    def test_oauth_and_products_filters(self, plaid: PlaidCaller) -> None:
        got = plaid.ok(
            "/institutions/get",
            {
                "count": 500,
                "offset": 0,
                "country_codes": ["US"],
                "options": {"oauth": True, "products": ["auth"]},
            },
        )
        assert got["institutions"]
        assert all(i["oauth"] and "auth" in i["products"] for i in got["institutions"])
        assert "ins_127287" in {i["institution_id"] for i in got["institutions"]}

    def test_optional_metadata_only_when_asked(self, plaid: PlaidCaller) -> None:
        plain = plaid.ok("/institutions/get", {"count": 1, "offset": 0, "country_codes": ["US"]})[
            "institutions"
        ][0]
        assert "url" not in plain
        rich = plaid.ok(
            "/institutions/get",
            {
                "count": 1,
                "offset": 0,
                "country_codes": ["US"],
                "options": {"include_optional_metadata": True},
            },
        )["institutions"][0]
        assert rich["url"] == "https://www.firstplatypusbank.com"
        assert rich["primary_color"].startswith("#")
        assert base64.b64decode(rich["logo"]).startswith(b"\x89PNG\r\n\x1a\n")

    def test_without_optional_metadata_no_logo_colour_or_url(self, plaid: PlaidCaller) -> None:
        plain = plaid.ok(
            "/institutions/search",
            {"query": "platypus", "products": ["transactions"], "country_codes": ["US"]},
        )["institutions"]
        assert plain
        assert all(not {"logo", "primary_color", "url"} & set(i) for i in plain)

    def test_offset_past_the_end_is_empty(self, plaid: PlaidCaller) -> None:
        got = plaid.ok("/institutions/get", {"count": 10, "offset": 400, "country_codes": ["US"]})
        assert got["institutions"] == [] and got["total"] > 0


class TestGetInstitutionById:
    def test_status_reports_health(self, plaid: PlaidCaller) -> None:
        body = {
            "institution_id": "ins_132361",
            "country_codes": ["US"],
            "options": {"include_status": True},
        }
        institution = plaid.ok("/institutions/get_by_id", body)["institution"]
        assert institution["name"] == "Unhealthy Platypus Bank - Down"
        assert institution["status"]["item_logins"]["status"] == "DOWN"
        assert institution["status"]["health_incidents"] == []

    def test_unsupported_institution_says_so(self, plaid: PlaidCaller) -> None:
        institution = plaid.ok(
            "/institutions/get_by_id", {"institution_id": "ins_133402", "country_codes": ["US"]}
        )["institution"]
        assert institution["connection_availability"] == "NOT_SUPPORTED"

    def test_auth_metadata(self, plaid: PlaidCaller) -> None:
        body = {
            "institution_id": "ins_109512",
            "country_codes": ["US"],
            "options": {"include_auth_metadata": True},
        }
        methods = plaid.ok("/institutions/get_by_id", body)["institution"]["auth_metadata"][
            "supported_methods"
        ]
        assert methods["instant_match"] and methods["automated_micro_deposits"]

    def test_unknown_id(self, plaid: PlaidCaller) -> None:
        error = plaid.error(
            "/institutions/get_by_id", {"institution_id": "ins_999999999", "country_codes": ["US"]}
        )
        assert (error["error_type"], error["error_code"]) == (
            "INVALID_INPUT",
            "INVALID_INSTITUTION",
        )

    def test_wrong_country(self, plaid: PlaidCaller) -> None:
        error = plaid.error(
            "/institutions/get_by_id", {"institution_id": "ins_109508", "country_codes": ["GB"]}
        )
        assert error["error_code"] == "INVALID_INSTITUTION"
        assert "it serves US" in error["error_message"]


class TestSearchInstitutions:
    def test_finds_by_name_best_match_first(self, plaid: PlaidCaller) -> None:
        found = plaid.ok("/institutions/search", {"query": "Chase", "country_codes": ["US"]})[
            "institutions"
        ]
        assert found[0]["institution_id"] == "ins_3"

    def test_at_most_ten(self, plaid: PlaidCaller) -> None:
        found = plaid.ok(
            "/institutions/search", {"query": "platypus", "country_codes": ["US", "GB", "FR"]}
        )["institutions"]
        assert 1 < len(found) <= 10

    def test_products_filter(self, plaid: PlaidCaller) -> None:
        found = plaid.ok(
            "/institutions/search", {"query": "bank", "country_codes": ["US"], "products": ["auth"]}
        )["institutions"]
        assert found and all("auth" in i["products"] for i in found)
