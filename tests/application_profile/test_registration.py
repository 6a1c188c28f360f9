"""The banks that require a completed application profile (Wells Fargo and Citibank Online in
the sandbox) refuse an app without one with INSTITUTION_REGISTRATION_REQUIRED: at
/sandbox/public_token/create, in Link (the error pane, its events and onExit) and in headless
Link; the other banks do not ask."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from tests.application_profile.helpers import (
    CITIBANK,
    PLATYPUS_OAUTH,
    UPDATE,
    WELLS_FARGO,
    complete_profile,
)
from tests.builders import PlaidCaller, link_token_request
from tests.link.helpers import FrameDriver

SANDBOX_ITEM = {"initial_products": ["transactions"]}


class TestSandboxPublicToken:
    @pytest.mark.parametrize("institution_id", [WELLS_FARGO, CITIBANK])
    def test_an_empty_profile_is_refused(self, plaid: PlaidCaller, institution_id: str) -> None:
        error = plaid.error(
            "/sandbox/public_token/create", {"institution_id": institution_id, **SANDBOX_ITEM}
        )
        assert (error["error_type"], error["error_code"]) == (
            "INSTITUTION_ERROR",
            "INSTITUTION_REGISTRATION_REQUIRED",
        )
        assert error["error_message"].startswith("your application is not yet registered with")
        assert "display_name" in error["error_message"]
        assert error["display_message"] is None

    def test_an_incomplete_profile_names_what_is_missing(self, plaid: PlaidCaller) -> None:
        complete_profile(plaid, city=None, use_case=None)
        error = plaid.error(
            "/sandbox/public_token/create", {"institution_id": WELLS_FARGO, **SANDBOX_ITEM}
        )
        assert "(missing: use_case, city)" in error["error_message"]

    def test_a_complete_profile_links(self, plaid: PlaidCaller) -> None:
        complete_profile(plaid)
        created = plaid.ok(
            "/sandbox/public_token/create", {"institution_id": WELLS_FARGO, **SANDBOX_ITEM}
        )
        assert created["public_token"].startswith("public-sandbox-")

    def test_other_banks_do_not_ask(self, plaid: PlaidCaller) -> None:
        for institution_id in (PLATYPUS_OAUTH, "ins_3", "ins_109508"):
            plaid.ok(
                "/sandbox/public_token/create", {"institution_id": institution_id, **SANDBOX_ITEM}
            )

    def test_clearing_the_profile_brings_the_refusal_back(self, plaid: PlaidCaller) -> None:
        complete_profile(plaid)
        plaid.ok(UPDATE, {"display_name": None})
        error = plaid.error(
            "/sandbox/public_token/create", {"institution_id": CITIBANK, **SANDBOX_ITEM}
        )
        assert error["error_code"] == "INSTITUTION_REGISTRATION_REQUIRED"


def choose(frame: FrameDriver, institution_id: str) -> dict[str, object]:
    frame.start()
    frame.act("continue")
    return frame.act("select_institution", institution_id=institution_id)


class TestLink:
    def test_choosing_the_bank_shows_the_error_pane(
        self, client: TestClient, plaid: PlaidCaller
    ) -> None:
        token = plaid.ok("/link/token/create", link_token_request())["link_token"]
        frame = FrameDriver(client, token)
        state = choose(frame, WELLS_FARGO)
        view = state["view"]
        assert isinstance(view, dict)
        assert view["name"] == "ERROR"
        assert view["error"]["error_code"] == "INSTITUTION_REGISTRATION_REQUIRED"
        assert view["error"]["error_type"] == "INSTITUTION_ERROR"
        assert view["can_retry"] is True
        assert frame.event_names()[-3:] == [
            "SELECT_INSTITUTION",
            "ERROR",
            "TRANSITION_VIEW:ERROR",
        ]
        error_event = frame.events[-2]["metadata"]
        assert error_event["error_code"] == "INSTITUTION_REGISTRATION_REQUIRED"
        assert error_event["error_type"] == "INSTITUTION_ERROR"
        assert error_event["institution_id"] == WELLS_FARGO

    def test_exit_reports_the_error_to_on_exit(
        self, client: TestClient, plaid: PlaidCaller
    ) -> None:
        token = plaid.ok("/link/token/create", link_token_request())["link_token"]
        frame = FrameDriver(client, token)
        choose(frame, CITIBANK)
        frame.act("exit")
        ended = frame.act("exit_confirm")
        exit_event = next(e for e in frame.events if e["event_name"] == "EXIT")
        assert exit_event["metadata"]["error_code"] == "INSTITUTION_REGISTRATION_REQUIRED"
        assert exit_event["metadata"]["exit_status"] == "institution_not_supported"
        outcome = ended["outcome"]
        assert outcome["type"] == "exit"
        assert outcome["error"]["error_code"] == "INSTITUTION_REGISTRATION_REQUIRED"
        assert outcome["metadata"]["status"] == "institution_not_supported"
        assert outcome["metadata"]["institution"] == {
            "name": "Citibank Online",
            "institution_id": CITIBANK,
        }

    def test_retry_goes_back_to_search(self, client: TestClient, plaid: PlaidCaller) -> None:
        token = plaid.ok("/link/token/create", link_token_request())["link_token"]
        frame = FrameDriver(client, token)
        choose(frame, WELLS_FARGO)
        assert frame.act("retry")["view"]["name"] == "SELECT_INSTITUTION"

    def test_with_a_complete_profile_the_bank_is_reached(
        self, client: TestClient, plaid: PlaidCaller
    ) -> None:
        complete_profile(plaid)
        token = plaid.ok("/link/token/create", link_token_request())["link_token"]
        frame = FrameDriver(client, token)
        state = choose(frame, WELLS_FARGO)
        assert state["view"]["name"] == "OAUTH"  # type: ignore[index]


class TestHeadlessLink:
    def test_exits_with_the_error(self, plaid: PlaidCaller) -> None:
        token = plaid.ok("/link/token/create", link_token_request())["link_token"]
        done = plaid.ok(
            "/_gingham/link/complete", {"link_token": token, "institution_id": WELLS_FARGO}
        )
        assert done["status"] == "EXITED"
        assert done["error"]["error_code"] == "INSTITUTION_REGISTRATION_REQUIRED"
        assert done["metadata"]["status"] == "institution_not_supported"
        assert "OPEN_OAUTH" not in [e["event_name"] for e in done["events"]]
