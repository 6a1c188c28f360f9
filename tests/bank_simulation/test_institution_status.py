"""An institution put into degraded or down status, and back: what /institutions/* and Link show."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from starlette.testclient import TestClient

from gingham.clock import FrozenClock
from gingham.wire.json import format_datetime
from tests.builders import PlaidCaller, link_token_request
from tests.link.helpers import FrameDriver

PLATYPUS = "ins_109508"  # First Platypus Bank, healthy in the catalogue
DOWN_BANK = "ins_132361"  # Unhealthy Platypus Bank - Down
SET_STATUS = "/_gingham/bank/institutions/set_status"


def set_status(plaid: PlaidCaller, institution_id: str, status: str) -> dict[str, Any]:
    return plaid.ok(SET_STATUS, {"institution_id": institution_id, "status": status})


def item_logins(plaid: PlaidCaller, institution_id: str) -> dict[str, Any]:
    institution = plaid.ok(
        "/institutions/get_by_id",
        {
            "institution_id": institution_id,
            "country_codes": ["US"],
            "options": {"include_status": True},
        },
    )["institution"]
    status: dict[str, Any] = institution["status"]["item_logins"]
    return status


@pytest.fixture
def frame(client: TestClient, plaid: PlaidCaller) -> FrameDriver:
    return FrameDriver(client, plaid.ok("/link/token/create", link_token_request())["link_token"])


def to_search(frame: FrameDriver, query: str = "First Platypus Bank") -> dict[str, Any]:
    frame.start()
    frame.act("continue")
    return frame.act("search", query=query)


class TestInstitutionsEndpoints:
    def test_status_shows_in_get_by_id_until_set_back_to_healthy(
        self, plaid: PlaidCaller, clock: FrozenClock
    ) -> None:
        assert item_logins(plaid, PLATYPUS)["status"] == "HEALTHY"

        answer = set_status(plaid, PLATYPUS, "DOWN")
        assert answer["status"] == "DOWN"
        down = item_logins(plaid, PLATYPUS)
        assert down["status"] == "DOWN"
        assert down["last_status_change"] == format_datetime(clock.now())
        assert down["breakdown"]["refresh_interval"] == "DELAYED"

        clock.advance(timedelta(hours=2))
        set_status(plaid, PLATYPUS, "HEALTHY")
        healthy = item_logins(plaid, PLATYPUS)
        assert healthy["status"] == "HEALTHY"
        assert healthy["last_status_change"] == format_datetime(clock.now())

    def test_setting_the_status_it_has_changes_nothing(
        self, plaid: PlaidCaller, clock: FrozenClock
    ) -> None:
        set_status(plaid, PLATYPUS, "DEGRADED")
        since = item_logins(plaid, PLATYPUS)["last_status_change"]
        clock.advance(timedelta(hours=1))
        assert set_status(plaid, PLATYPUS, "DEGRADED")["last_status_change"] == since
        assert item_logins(plaid, PLATYPUS)["last_status_change"] == since

    def test_a_sandbox_down_bank_can_recover(self, plaid: PlaidCaller) -> None:
        set_status(plaid, DOWN_BANK, "HEALTHY")
        assert item_logins(plaid, DOWN_BANK)["status"] == "HEALTHY"
        set_status(plaid, DOWN_BANK, "DOWN")
        assert item_logins(plaid, DOWN_BANK)["status"] == "DOWN"

    def test_the_change_is_seen_by_every_client(
        self, plaid: PlaidCaller, other_plaid: PlaidCaller
    ) -> None:
        set_status(plaid, PLATYPUS, "DOWN")
        assert item_logins(other_plaid, PLATYPUS)["status"] == "DOWN"


class TestLink:
    def test_the_institution_list_shows_the_status(
        self, plaid: PlaidCaller, frame: FrameDriver
    ) -> None:
        set_status(plaid, PLATYPUS, "DEGRADED")
        frame.start()
        health = {
            i["institution_id"]: i["health"] for i in frame.act("continue")["view"]["results"]
        }
        assert (health[PLATYPUS], health["ins_109509"], health[DOWN_BANK]) == (
            "DEGRADED",
            "HEALTHY",
            "DOWN",
        )

    def test_down_institution_is_refused_as_the_sandbox_down_bank_is(
        self, plaid: PlaidCaller, frame: FrameDriver
    ) -> None:
        set_status(plaid, PLATYPUS, "DOWN")
        results = to_search(frame)["view"]["results"]
        assert results[0]["institution_id"] == PLATYPUS and results[0]["health"] == "DOWN"
        state = frame.act("select_institution", institution_id=PLATYPUS)
        assert "SELECT_DOWN_INSTITUTION" in frame.event_names()
        assert state["view"]["name"] == "ERROR"
        assert state["view"]["error"]["error_code"] == "INSTITUTION_DOWN"
        assert frame.act("retry")["view"]["name"] == "SELECT_INSTITUTION"

    def test_degraded_institution_warns_and_continues(
        self, plaid: PlaidCaller, frame: FrameDriver
    ) -> None:
        set_status(plaid, PLATYPUS, "DEGRADED")
        assert to_search(frame)["view"]["results"][0]["health"] == "DEGRADED"
        state = frame.act("select_institution", institution_id=PLATYPUS)
        assert "SELECT_DEGRADED_INSTITUTION" in frame.event_names()
        assert state["view"]["name"] == "CREDENTIAL"
        assert state["view"]["institution"]["health"] == "DEGRADED"
        assert "connection problems" in state["view"]["notice"]
        frame.act("submit_credentials", username="user_good", password="pass_good")
        assert frame.view == "SELECT_ACCOUNT"

    def test_set_back_to_healthy_links_as_before(
        self, plaid: PlaidCaller, frame: FrameDriver
    ) -> None:
        set_status(plaid, PLATYPUS, "DOWN")
        set_status(plaid, PLATYPUS, "HEALTHY")
        frame.login()
        assert frame.view == "SELECT_ACCOUNT"
        assert "SELECT_INSTITUTION" in frame.event_names()
        assert "SELECT_DOWN_INSTITUTION" not in frame.event_names()

    def test_a_recovered_sandbox_down_bank_can_be_linked(
        self, plaid: PlaidCaller, frame: FrameDriver
    ) -> None:
        set_status(plaid, DOWN_BANK, "HEALTHY")
        frame.start()
        frame.act("continue")
        state = frame.act("select_institution", institution_id=DOWN_BANK)
        assert state["view"]["name"] == "CREDENTIAL"
        assert state["view"]["notice"] is None


class TestRequests:
    def test_unknown_institution(self, plaid: PlaidCaller) -> None:
        error = plaid.error(SET_STATUS, {"institution_id": "ins_nope", "status": "DOWN"})
        assert (error["error_type"], error["error_code"]) == (
            "INVALID_INPUT",
            "INVALID_INSTITUTION",
        )

    def test_unknown_status(self, plaid: PlaidCaller) -> None:
        error = plaid.error(SET_STATUS, {"institution_id": PLATYPUS, "status": "BROKEN"})
        assert error["error_code"] == "INVALID_FIELD"
        assert "HEALTHY, DEGRADED, DOWN" in error["error_message"]

    def test_status_is_required(self, plaid: PlaidCaller) -> None:
        assert plaid.error(SET_STATUS, {"institution_id": PLATYPUS})["error_code"] == (
            "MISSING_FIELDS"
        )

    def test_needs_api_credentials(self, plaid: PlaidCaller) -> None:
        response = plaid.post(
            SET_STATUS, {"institution_id": PLATYPUS, "status": "DOWN"}, authenticated=False
        )
        assert response.status_code == 400
        assert response.json()["error_type"] == "INVALID_REQUEST"
