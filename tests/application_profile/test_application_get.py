"""Plaid's /application/get: the caller's application, in the shape plaid-python 46 reads."""

from __future__ import annotations

from datetime import date

from plaid.api_client import ApiClient
from plaid.model.application_get_response import ApplicationGetResponse
from plaid.model_utils import validate_and_convert_types

from tests.application_profile.helpers import FULL_PROFILE, GET, complete_profile
from tests.builders import PlaidCaller


def application_id(plaid: PlaidCaller) -> str:
    found: str = plaid.ok(GET)["application_id"]
    return found


class TestApplicationGet:
    def test_a_complete_profile(self, plaid: PlaidCaller) -> None:
        complete_profile(plaid)
        app_id = application_id(plaid)
        application = plaid.ok("/application/get", {"application_id": app_id})["application"]
        assert application == {
            "application_id": app_id,
            "name": "Budgetly",
            "display_name": "Budgetly",
            "join_date": application["join_date"],
            **{
                key: FULL_PROFILE[key]
                for key in (
                    "logo_url",
                    "application_url",
                    "reason_for_access",
                    "use_case",
                    "company_legal_name",
                    "city",
                    "region",
                    "postal_code",
                    "country_code",
                )
            },
        }
        date.fromisoformat(application["join_date"])

    def test_plaid_python_reads_an_empty_profile(self, plaid: PlaidCaller) -> None:
        """Every key plaid-python requires is there, null where the profile has nothing yet;
        `name` (never null) is the client's own name until the profile gives one."""
        response = plaid.post("/application/get", {"application_id": application_id(plaid)})
        assert response.status_code == 200
        model = as_plaid_python_reads_it(response.json())
        assert model.application.name == "Test app"
        assert model.application.display_name is None
        assert model.application.logo_url is None

    def test_an_unknown_application_id(self, plaid: PlaidCaller) -> None:
        error = plaid.error("/application/get", {"application_id": "no-such-application"})
        assert (error["error_type"], error["error_code"]) == ("INVALID_REQUEST", "INVALID_FIELD")
        assert "no-such-application" in error["error_message"]

    def test_another_clients_application_is_not_served(
        self, plaid: PlaidCaller, other_plaid: PlaidCaller
    ) -> None:
        complete_profile(plaid)
        error = other_plaid.error("/application/get", {"application_id": application_id(plaid)})
        assert error["error_code"] == "INVALID_FIELD"

    def test_application_id_is_required(self, plaid: PlaidCaller) -> None:
        error = plaid.error("/application/get", {})
        assert error["error_code"] == "MISSING_FIELDS"
        assert "application_id" in error["error_message"]


def as_plaid_python_reads_it(body: dict[str, object]) -> ApplicationGetResponse:
    """The response through plaid-python's own deserialisation: a required key missing, or a
    value of the wrong type, raises."""
    converted = validate_and_convert_types(
        body,
        (ApplicationGetResponse,),
        ["received_data"],
        True,
        True,
        ApiClient().configuration,
    )
    assert isinstance(converted, ApplicationGetResponse)
    return converted
