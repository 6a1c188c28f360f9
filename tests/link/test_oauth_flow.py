"""The OAuth parts of the Link state machine, through the frame's API (the bank itself is driven
in the browser tests; here the trip is started and the return is refused or reported)."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.testclient import TestClient

from tests.builders import PlaidCaller, link_token_request
from tests.link.helpers import FrameDriver

REDIRECT_URI = "https://app.example.com/oauth-return.html"


@pytest.fixture
def redirect_token(plaid: PlaidCaller) -> str:
    plaid.ok("/_gingham/client/redirect_uris/add", {"redirect_uri": REDIRECT_URI})
    token: str = plaid.ok("/link/token/create", link_token_request(redirect_uri=REDIRECT_URI))[
        "link_token"
    ]
    return token


def to_oauth(frame: FrameDriver, institution_id: str = "ins_127287") -> dict[str, Any]:
    frame.start()
    frame.act("continue")
    return frame.act("select_institution", institution_id=institution_id)


class TestTrip:
    def test_oauth_institution_leads_to_the_oauth_pane(
        self, client: TestClient, redirect_token: str
    ) -> None:
        frame = FrameDriver(client, redirect_token)
        state = to_oauth(frame)
        assert state["view"]["name"] == "OAUTH"
        assert state["view"]["redirect_available"] is True
        started = frame.act("open_oauth", mode="redirect")
        url = started["view"]["oauth_url"]
        assert "/ins_127287/oauth/authorize?" in url
        assert (
            "code_challenge_method=S256" in url
            and f"state={started['view']['oauth_state_id']}" in url
        )
        assert frame.events[-1]["event_name"] == "OPEN_OAUTH"

    def test_redirect_needs_a_redirect_uri(self, client: TestClient, plaid: PlaidCaller) -> None:
        frame = FrameDriver(
            client, plaid.ok("/link/token/create", link_token_request())["link_token"]
        )
        to_oauth(frame)
        error = frame.post("open_oauth", mode="redirect").json()
        assert error["error_code"] == "INVALID_FIELD"
        assert "redirect_uri" in error["error_message"]

    def test_closing_and_timing_out_are_reported(
        self, client: TestClient, redirect_token: str
    ) -> None:
        frame = FrameDriver(client, redirect_token)
        to_oauth(frame)
        frame.act("open_oauth", mode="popup")
        assert frame.act("oauth_closed")["view"]["name"] == "OAUTH"
        frame.act("open_oauth", mode="popup")
        frame.act("oauth_closed", timed_out=True)
        names = [e["event_name"] for e in frame.events]
        assert (
            names.count("OPEN_OAUTH") == 2 and "CLOSE_OAUTH" in names and names[-1] == "FAIL_OAUTH"
        )

    def test_exit_from_the_oauth_pane_requires_oauth(
        self, client: TestClient, redirect_token: str
    ) -> None:
        frame = FrameDriver(client, redirect_token)
        to_oauth(frame)
        assert frame.act("force_exit")["outcome"]["metadata"]["status"] == "requires_oauth"

    def test_qr_mode_only_at_qr_banks(self, client: TestClient, redirect_token: str) -> None:
        frame = FrameDriver(client, redirect_token)
        to_oauth(frame)
        assert frame.post("open_oauth", mode="qr").json()["error_code"] == "INVALID_FIELD"


class TestResume:
    def _started(self, client: TestClient, token: str) -> str:
        frame = FrameDriver(client, token)
        to_oauth(frame)
        state_id: str = frame.act("open_oauth", mode="redirect")["view"]["oauth_state_id"]
        return state_id

    def resume(self, client: TestClient, token: str, received: str) -> Any:
        return client.post(
            "/link/frame/sessions", json={"link_token": token, "received_redirect_uri": received}
        )

    def test_unknown_state_id(self, client: TestClient, redirect_token: str) -> None:
        response = self.resume(
            client,
            redirect_token,
            f"{REDIRECT_URI}?oauth_state_id=9d5feadd-a873-43eb-97ba-422f35ce849b",
        )
        assert response.status_code == 404
        assert (response.json()["error_type"], response.json()["error_code"]) == (
            "OAUTH_ERROR",
            "OAUTH_STATE_ID_NOT_FOUND",
        )

    def test_another_link_tokens_state_id(
        self, client: TestClient, plaid: PlaidCaller, redirect_token: str
    ) -> None:
        state_id = self._started(client, redirect_token)
        other = plaid.ok("/link/token/create", link_token_request(redirect_uri=REDIRECT_URI))[
            "link_token"
        ]
        response = self.resume(client, other, f"{REDIRECT_URI}?oauth_state_id={state_id}")
        assert response.status_code == 400
        assert response.json()["error_code"] == "INCORRECT_LINK_TOKEN"

    @pytest.mark.parametrize(
        "suffix",
        ["?oauth_state_id={id}&extra=1", "?oauth_state_id={id}#frag", "?state={id}", ""],
    )
    def test_extra_parameters_or_fragments_are_refused(
        self, client: TestClient, redirect_token: str, suffix: str
    ) -> None:
        state_id = self._started(client, redirect_token)
        response = self.resume(client, redirect_token, REDIRECT_URI + suffix.format(id=state_id))
        assert response.status_code == 400
        assert "oauth_state_id" in response.json()["error_message"]

    def test_another_redirect_uri_is_refused(self, client: TestClient, redirect_token: str) -> None:
        state_id = self._started(client, redirect_token)
        response = self.resume(
            client, redirect_token, f"https://evil.example.com/x?oauth_state_id={state_id}"
        )
        assert response.json()["error_code"] == "INVALID_FIELD"

    def test_a_pending_trip_resumed_stays_on_the_oauth_pane(
        self, client: TestClient, redirect_token: str
    ) -> None:
        state_id = self._started(client, redirect_token)
        response = self.resume(client, redirect_token, f"{REDIRECT_URI}?oauth_state_id={state_id}")
        assert response.status_code == 200
        assert response.json()["view"]["name"] == "OAUTH"
