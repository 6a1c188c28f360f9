"""The dashboard's Application profile page saves through /_gingham/client/profile/update: what
the page saves the API then answers, and what the API refuses the page shows, keeping what was
typed."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from tests.application_profile.helpers import FULL_PROFILE, GET, complete_profile
from tests.builders import PlaidCaller
from tests.dashboard.signing_in import csrf_token, post_form, sign_in

PAGE = "/dashboard/profile"


@pytest.fixture
def signed_in(client: TestClient, credentials: dict[str, str]) -> TestClient:
    assert sign_in(client, credentials).status_code == 303
    return client


def form_of(profile: dict[str, str | None]) -> dict[str, str]:
    return {name: value or "" for name, value in profile.items()}


class TestProfilePage:
    def test_an_empty_profile_says_what_registration_needs(
        self, signed_in: TestClient, plaid: PlaidCaller
    ) -> None:
        page = signed_in.get(PAGE)
        assert page.status_code == 200
        assert 'data-testid="profile-incomplete"' in page.text
        assert "Wells Fargo and Citibank Online refuse this app" in page.text
        assert plaid.ok(GET)["application_id"] in page.text
        assert 'href="/dashboard/profile"' in page.text  # in the navigation

    def test_shows_the_saved_profile(self, signed_in: TestClient, plaid: PlaidCaller) -> None:
        complete_profile(plaid)
        page = signed_in.get(PAGE).text
        assert 'data-testid="profile-complete"' in page
        assert 'value="Budgetly, Inc."' in page
        assert ">Budgetly reads your balances" in page

    def test_saving_changes_what_the_api_answers(
        self, signed_in: TestClient, plaid: PlaidCaller
    ) -> None:
        response = post_form(signed_in, PAGE, PAGE, form_of(FULL_PROFILE))
        assert response.status_code == 303 and response.headers["location"] == PAGE
        assert plaid.ok(GET)["profile"] == FULL_PROFILE
        assert "It is complete" in signed_in.get(PAGE).text

    def test_an_emptied_field_is_cleared(self, signed_in: TestClient, plaid: PlaidCaller) -> None:
        complete_profile(plaid)
        post_form(signed_in, PAGE, PAGE, form_of({**FULL_PROFILE, "city": ""}))
        assert plaid.ok(GET)["profile"]["city"] is None
        assert "Still missing for registration: City." in signed_in.get(PAGE).text

    def test_a_refused_value_is_shown_with_what_was_typed(
        self, signed_in: TestClient, plaid: PlaidCaller
    ) -> None:
        typed = {**FULL_PROFILE, "logo_url": "javascript:alert(1)"}
        response = post_form(signed_in, PAGE, PAGE, form_of(typed))
        assert response.status_code == 400
        assert "logo_url must be an absolute http or https URL" in response.text
        assert 'value="javascript:alert(1)"' in response.text
        field = response.text.split('id="field-logo_url"', 1)[1].split(">", 1)[0]
        assert 'aria-invalid="true"' in field
        assert plaid.ok(GET)["profile"]["display_name"] is None

    def test_a_form_without_the_csrf_token_is_refused(
        self, signed_in: TestClient, plaid: PlaidCaller
    ) -> None:
        csrf_token(signed_in.get(PAGE).text)  # the page has a token; this post leaves it out
        response = signed_in.post(PAGE, data=form_of(FULL_PROFILE), follow_redirects=False)
        assert response.status_code == 403
        assert plaid.ok(GET)["profile"]["display_name"] is None

    def test_needs_signing_in(self, client: TestClient) -> None:
        response = client.get(PAGE, follow_redirects=False)
        assert response.status_code == 303
        assert response.headers["location"].startswith("/dashboard/sign-in")
