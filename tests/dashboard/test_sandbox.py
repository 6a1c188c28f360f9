"""The sandbox clock and the institutions' status from the dashboard, seen through the API."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from tests.builders import PlaidCaller
from tests.dashboard.signing_in import post_form, sign_in


@pytest.fixture
def signed_in(client: TestClient, credentials: dict[str, str]) -> TestClient:
    assert sign_in(client, credentials).status_code == 303
    return client


class TestClock:
    def test_shows_the_time_and_the_pending_timers(
        self, signed_in: TestClient, plaid: PlaidCaller
    ) -> None:
        plaid.access_token()  # linked with transactions: its initial pull waits on a timer
        timers = plaid.ok("/_gingham/clock/timers")["timers"]
        assert timers
        page = signed_in.get("/dashboard/clock")
        assert plaid.ok("/_gingham/clock/get")["now"] in page.text
        for timer in timers:
            assert timer["kind"] in page.text
        assert timers[0]["kind"] in signed_in.get("/dashboard/clock/status").text

    def test_advance_moves_the_clients_clock(
        self, signed_in: TestClient, plaid: PlaidCaller
    ) -> None:
        response = post_form(
            signed_in, "/dashboard/clock", "/dashboard/clock/advance", {"by": "P1D"}
        )
        assert response.status_code == 303
        assert plaid.ok("/_gingham/clock/get")["offset_seconds"] == 86_400
        assert "Advanced by P1D" in signed_in.get("/dashboard/clock").text

    @pytest.mark.parametrize("by", ["seven days", "-P1D"])
    def test_a_bad_duration_is_refused_with_a_readable_message(
        self, signed_in: TestClient, plaid: PlaidCaller, by: str
    ) -> None:
        response = post_form(signed_in, "/dashboard/clock", "/dashboard/clock/advance", {"by": by})
        assert response.status_code == 400
        assert 'role="alert"' in response.text
        assert plaid.ok("/_gingham/clock/get")["offset_seconds"] == 0


class TestInstitutions:
    def test_lists_the_sandbox_banks_with_their_status(self, signed_in: TestClient) -> None:
        page = signed_in.get("/dashboard/institutions")
        assert "First Platypus Bank" in page.text
        assert "Unhealthy Platypus Bank - Down" in page.text

    def test_a_status_set_here_is_what_the_api_reports(
        self, signed_in: TestClient, plaid: PlaidCaller
    ) -> None:
        response = post_form(
            signed_in,
            "/dashboard/institutions",
            "/dashboard/institutions/ins_109508/status",
            {"status": "DEGRADED"},
        )
        assert response.status_code == 303
        body = {
            "institution_id": "ins_109508",
            "country_codes": ["US"],
            "options": {"include_status": True},
        }
        institution = plaid.ok("/institutions/get_by_id", body)["institution"]
        assert institution["status"]["item_logins"]["status"] == "DEGRADED"

    def test_migration_to_oauth_starts_and_is_shown(
        self, signed_in: TestClient, plaid: PlaidCaller
    ) -> None:
        plaid.access_token()
        response = post_form(
            signed_in,
            "/dashboard/institutions",
            "/dashboard/institutions/ins_109508/migrate",
            {},
        )
        assert response.status_code == 303
        page = signed_in.get("/dashboard/institutions").text
        assert "migrating to OAuth" in page and "1 of your Items" in page
        # A second migration is refused as the API refuses it.
        again = post_form(
            signed_in, "/dashboard/institutions", "/dashboard/institutions/ins_109508/migrate", {}
        )
        assert again.status_code == 400
        assert "a migration happens once" in again.text
