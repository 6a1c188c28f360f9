"""/application/get through plaid-python, and a registration-requiring bank's refusal as
plaid-python reports it. The profile is set with Gingham's own endpoint (plaid-python has none:
Plaid's dashboard edits it)."""

from __future__ import annotations

from datetime import date
from typing import Any

import httpx
import plaid
import pytest
from plaid.api import plaid_api
from plaid.model.application_get_request import ApplicationGetRequest
from plaid.model.application_get_response import ApplicationGetResponse
from plaid.model.products import Products
from plaid.model.sandbox_public_token_create_request import SandboxPublicTokenCreateRequest

from tests.application_profile.helpers import FULL_PROFILE, UPDATE, WELLS_FARGO
from tests.compat.conftest import assert_plaid_error
from tests.live_server import LiveGingham


def application_get(
    api: plaid_api.PlaidApi, server: LiveGingham, application_id: str
) -> ApplicationGetResponse:
    # plaid-python's request model requires client_id and secret in the body (Plaid's spec lists
    # them as required); Gingham takes credentials from the body or the headers alike.
    return api.application_get(
        ApplicationGetRequest(
            client_id=server.client_id, secret=server.secret, application_id=application_id
        )
    )


def set_profile(server: LiveGingham, profile: dict[str, Any]) -> dict[str, Any]:
    """The live client's profile, set through /_gingham/client/profile/update."""
    response = httpx.post(
        server.base_url + UPDATE,
        json=profile,
        headers={"PLAID-CLIENT-ID": server.client_id, "PLAID-SECRET": server.secret},
    )
    assert response.status_code == 200, response.text
    saved: dict[str, Any] = response.json()
    return saved


class TestApplicationGet:
    def test_returns_the_profile(
        self, plaid_client: plaid_api.PlaidApi, live_gingham: LiveGingham
    ) -> None:
        application_id = set_profile(live_gingham, FULL_PROFILE)["application_id"]
        response = application_get(plaid_client, live_gingham, application_id)
        application = response.application
        assert response.request_id
        assert application.application_id == application_id
        assert (application.name, application.display_name) == ("Budgetly", "Budgetly")
        assert isinstance(application.join_date, date)
        assert application.logo_url == FULL_PROFILE["logo_url"]
        assert application.reason_for_access == FULL_PROFILE["reason_for_access"]
        assert (application.city, application.region, application.country_code) == (
            "San Francisco",
            "CA",
            "US",
        )

    def test_empty_fields_come_back_as_none(
        self, plaid_client: plaid_api.PlaidApi, live_gingham: LiveGingham
    ) -> None:
        application_id = set_profile(live_gingham, {"logo_url": None, "region": None})[
            "application_id"
        ]
        application = application_get(plaid_client, live_gingham, application_id).application
        assert application.logo_url is None and application.region is None

    def test_an_unknown_application_is_a_plaid_error(
        self, plaid_client: plaid_api.PlaidApi, live_gingham: LiveGingham
    ) -> None:
        with pytest.raises(plaid.ApiException) as raised:
            application_get(plaid_client, live_gingham, "no-such-app")
        assert_plaid_error(
            raised.value, status=400, error_type="INVALID_REQUEST", error_code="INVALID_FIELD"
        )


class TestRegistrationRequired:
    def test_the_sandbox_refuses_until_the_profile_is_complete(
        self, plaid_client: plaid_api.PlaidApi, live_gingham: LiveGingham
    ) -> None:
        request = SandboxPublicTokenCreateRequest(
            institution_id=WELLS_FARGO, initial_products=[Products("transactions")]
        )
        set_profile(live_gingham, {**FULL_PROFILE, "reason_for_access": None})
        with pytest.raises(plaid.ApiException) as raised:
            plaid_client.sandbox_public_token_create(request)
        body = assert_plaid_error(
            raised.value,
            status=400,
            error_type="INSTITUTION_ERROR",
            error_code="INSTITUTION_REGISTRATION_REQUIRED",
        )
        assert "reason_for_access" in body["error_message"]

        set_profile(live_gingham, FULL_PROFILE)
        assert plaid_client.sandbox_public_token_create(request).public_token
