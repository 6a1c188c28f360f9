"""Link gives up on a link token: a session left unfinished for 30 minutes, too many failed
logins across the token's sessions (Plaid's "Handling an invalid Link token")."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from starlette.testclient import TestClient

from gingham.clock import FrozenClock
from gingham.link.expiry import MAX_FAILED_ATTEMPTS, SESSION_LIFETIME
from tests.builders import PlaidCaller, advance, link_token_request
from tests.link.helpers import FrameDriver

INVALID_LINK_TOKEN = {
    "error_type": "INVALID_INPUT",
    "error_code": "INVALID_LINK_TOKEN",
    "error_message": "invalid link_token provided",
    "display_message": None,
}


@pytest.fixture
def link_token(plaid: PlaidCaller) -> str:
    token: str = plaid.ok("/link/token/create", link_token_request())["link_token"]
    return token


@pytest.fixture
def frame(client: TestClient, link_token: str) -> FrameDriver:
    return FrameDriver(client, link_token)


def sessions_of(plaid: PlaidCaller, link_token: str) -> list[dict[str, Any]]:
    sessions: list[dict[str, Any]] = plaid.ok("/link/token/get", {"link_token": link_token})[
        "link_sessions"
    ]
    return sessions


def assert_token_refused(client: TestClient, link_token: str) -> None:
    again = client.post("/link/frame/sessions", json={"link_token": link_token})
    assert again.status_code == 400
    assert again.json()["error_code"] == "INVALID_LINK_TOKEN"


def assert_exited_with_invalid_link_token(state: dict[str, Any], status: str) -> None:
    outcome = state["outcome"]
    assert outcome["type"] == "exit"
    assert outcome["error"] == INVALID_LINK_TOKEN
    assert outcome["metadata"]["status"] == status
    assert outcome["metadata"]["link_session_id"] == state["link_session_id"]
    names = [e["event_name"] for e in state["events"]]
    assert names[-2:] == ["ERROR", "EXIT"]
    exit_event = state["events"][-1]["metadata"]
    assert exit_event["error_code"] == "INVALID_LINK_TOKEN"
    assert exit_event["exit_status"] == status


class TestUnfinishedSession:
    def test_the_next_action_after_30_minutes_exits_with_invalid_link_token(
        self, frame: FrameDriver, clock: FrozenClock, client: TestClient, plaid: PlaidCaller
    ) -> None:
        frame.to_credentials()
        clock.advance(SESSION_LIFETIME)
        state = frame.act("submit_credentials", username="user_good", password="pass_good")
        assert_exited_with_invalid_link_token(state, "requires_credentials")
        assert_token_refused(client, frame.link_token)
        (session,) = sessions_of(plaid, frame.link_token)
        assert session["exit"]["error"] == INVALID_LINK_TOKEN
        assert session["exit"]["metadata"]["status"] == "requires_credentials"
        assert session["finished_at"] is not None

    def test_just_under_30_minutes_the_session_goes_on(
        self, frame: FrameDriver, clock: FrozenClock
    ) -> None:
        frame.to_credentials()
        clock.advance(SESSION_LIFETIME - timedelta(seconds=1))
        state = frame.act("submit_credentials", username="user_good", password="pass_good")
        assert state["view"]["name"] == "SELECT_ACCOUNT"
        assert state["outcome"] is None

    def test_the_sandbox_clock_ends_the_session_without_a_call_from_the_frame(
        self, frame: FrameDriver, plaid: PlaidCaller, client: TestClient
    ) -> None:
        frame.login(password="mfa_device")
        frame.act("choose_device", device_id=frame.state["view"]["devices"][0]["id"])
        advance(plaid, "PT30M")
        (session,) = sessions_of(plaid, frame.link_token)
        assert session["exit"]["error"] == INVALID_LINK_TOKEN
        assert session["exit"]["metadata"]["status"] == "requires_code"
        assert [e["event_name"] for e in session["events"]][-2:] == ["ERROR", "EXIT"]
        assert_token_refused(client, frame.link_token)
        # The frame's next call learns how the session ended, with its events.
        state = frame.act("submit_mfa", answers=["1234"])
        assert_exited_with_invalid_link_token(state, "requires_code")

    def test_an_action_on_a_session_that_ended_otherwise_is_still_refused(
        self, frame: FrameDriver, plaid: PlaidCaller
    ) -> None:
        frame.start()
        frame.act("force_exit")
        advance(plaid, "PT1H")
        (session,) = sessions_of(plaid, frame.link_token)
        assert session["exit"]["error"] is None
        assert frame.post("continue").json()["error_code"] == "INVALID_FIELD"

    def test_the_tokens_own_expiry_ends_a_session_sooner(
        self, plaid: PlaidCaller, client: TestClient, clock: FrozenClock
    ) -> None:
        link_token = plaid.ok("/link/token/create", link_token_request())["link_token"]
        clock.advance(timedelta(hours=3, minutes=50))
        frame = FrameDriver(client, link_token)
        frame.start()
        clock.advance(timedelta(minutes=10))
        state = frame.act("continue")
        assert_exited_with_invalid_link_token(state, "requires_credentials")

    def test_a_linked_session_stays_linked(self, frame: FrameDriver, plaid: PlaidCaller) -> None:
        frame.login()
        frame.act("select_accounts", account_ids=[frame.state["view"]["accounts"][0]["id"]])
        assert frame.act("continue")["outcome"]["type"] == "success"
        advance(plaid, "PT45M")
        (session,) = sessions_of(plaid, frame.link_token)
        assert "exit" not in session
        assert session["on_success"]["public_token"].startswith("public-sandbox-")


class TestFailedLoginsPerToken:
    def test_each_failure_before_the_limit_asks_the_user_to_try_again(
        self, frame: FrameDriver, client: TestClient
    ) -> None:
        frame.to_credentials()
        for _ in range(MAX_FAILED_ATTEMPTS - 1):
            state = frame.act("submit_credentials", username="user_good", password="wrong")
            assert state["view"]["name"] == "CREDENTIAL"
            assert state["view"]["error"]["error_code"] == "INVALID_CREDENTIALS"
            assert state["outcome"] is None
        state = frame.act("submit_credentials", username="user_good", password="wrong")
        assert_exited_with_invalid_link_token(state, "requires_credentials")
        assert_token_refused(client, frame.link_token)

    def test_a_new_session_with_the_same_token_does_not_reset_the_count(
        self, frame: FrameDriver, client: TestClient, plaid: PlaidCaller, clock: FrozenClock
    ) -> None:
        frame.to_credentials()
        for _ in range(MAX_FAILED_ATTEMPTS - 2):
            frame.act("submit_credentials", username="user_good", password="wrong")
        frame.act("force_exit")

        # Sessions are listed by when they started: the second starts later, as it would.
        clock.advance(timedelta(seconds=1))
        second = FrameDriver(client, frame.link_token)
        second.to_credentials()
        state = second.act("submit_credentials", username="user_good", password="wrong")
        assert state["view"]["error"]["error_code"] == "INVALID_CREDENTIALS"
        state = second.act("submit_credentials", username="user_good", password="wrong")
        assert_exited_with_invalid_link_token(state, "requires_credentials")
        assert_token_refused(client, frame.link_token)
        first, last = sessions_of(plaid, frame.link_token)
        assert first["exit"]["error"]["error_code"] == "INVALID_CREDENTIALS"
        assert last["exit"]["error"] == INVALID_LINK_TOKEN

    def test_wrong_mfa_answers_count_with_wrong_passwords(self, frame: FrameDriver) -> None:
        frame.to_credentials()
        for _ in range(MAX_FAILED_ATTEMPTS - 2):
            frame.act("submit_credentials", username="user_good", password="wrong")
        frame.act("submit_credentials", username="user_good", password="mfa_questions_1_1")
        state = frame.act("submit_mfa", answers=["wrong"])
        assert state["view"]["error"]["error_code"] == "INVALID_MFA"
        state = frame.act("submit_mfa", answers=["wrong"])
        assert_exited_with_invalid_link_token(state, "requires_questions")

    def test_another_open_session_with_the_token_ends_on_its_next_action(
        self, frame: FrameDriver, client: TestClient, plaid: PlaidCaller
    ) -> None:
        other = FrameDriver(client, frame.link_token)
        other.to_credentials()
        frame.to_credentials()
        for _ in range(MAX_FAILED_ATTEMPTS):
            frame.act("submit_credentials", username="user_good", password="wrong")
        state = other.act("submit_credentials", username="user_good", password="pass_good")
        assert_exited_with_invalid_link_token(state, "requires_credentials")
        assert [s["exit"]["error"] for s in sessions_of(plaid, frame.link_token)] == [
            INVALID_LINK_TOKEN,
            INVALID_LINK_TOKEN,
        ]

    def test_tokens_count_apart(
        self, frame: FrameDriver, plaid: PlaidCaller, client: TestClient
    ) -> None:
        frame.to_credentials()
        for _ in range(MAX_FAILED_ATTEMPTS - 1):
            frame.act("submit_credentials", username="user_good", password="wrong")
        other_token = plaid.ok("/link/token/create", link_token_request())["link_token"]
        other = FrameDriver(client, other_token)
        other.to_credentials()
        state = other.act("submit_credentials", username="user_good", password="wrong")
        assert state["view"]["error"]["error_code"] == "INVALID_CREDENTIALS"


class TestForcedError:
    def test_user_custom_forces_invalid_link_token(
        self, frame: FrameDriver, client: TestClient
    ) -> None:
        """The migration guide's way to test the handling: user_custom with
        {"force_error": "INVALID_LINK_TOKEN"}."""
        state = frame.login(
            username="user_custom", password='{"force_error": "INVALID_LINK_TOKEN"}'
        )
        assert_exited_with_invalid_link_token(state, "requires_credentials")
        assert_token_refused(client, frame.link_token)


REDIRECT_URI = "https://app.example.com/oauth-return.html"


class TestBackFromTheBank:
    """The redirect flow: the user comes back from the OAuth bank after Link gave up on the
    token, and Link is opened again with receivedRedirectUri."""

    def _at_the_bank(self, client: TestClient, plaid: PlaidCaller) -> tuple[str, str]:
        plaid.ok("/_gingham/client/redirect_uris/add", {"redirect_uri": REDIRECT_URI})
        token = plaid.ok("/link/token/create", link_token_request(redirect_uri=REDIRECT_URI))[
            "link_token"
        ]
        frame = FrameDriver(client, token)
        frame.to_credentials("ins_127287")
        state_id = frame.act("open_oauth", mode="redirect")["view"]["oauth_state_id"]
        return token, f"{REDIRECT_URI}?oauth_state_id={state_id}"

    def _resume(self, client: TestClient, token: str, received: str) -> dict[str, Any]:
        response = client.post(
            "/link/frame/sessions", json={"link_token": token, "received_redirect_uri": received}
        )
        assert response.status_code == 200, response.text
        state: dict[str, Any] = response.json()
        return state

    def test_after_30_minutes_link_exits_requiring_oauth(
        self, client: TestClient, plaid: PlaidCaller, clock: FrozenClock
    ) -> None:
        token, received = self._at_the_bank(client, plaid)
        clock.advance(SESSION_LIFETIME)
        assert_exited_with_invalid_link_token(
            self._resume(client, token, received), "requires_oauth"
        )

    def test_a_session_the_sandbox_clock_ended_tells_how_it_ended(
        self, client: TestClient, plaid: PlaidCaller
    ) -> None:
        token, received = self._at_the_bank(client, plaid)
        advance(plaid, "PT31M")
        assert_exited_with_invalid_link_token(
            self._resume(client, token, received), "requires_oauth"
        )

    def test_within_30_minutes_the_session_resumes(
        self, client: TestClient, plaid: PlaidCaller, clock: FrozenClock
    ) -> None:
        token, received = self._at_the_bank(client, plaid)
        clock.advance(SESSION_LIFETIME - timedelta(minutes=1))
        state = self._resume(client, token, received)
        assert state["outcome"] is None and state["view"]["name"] == "OAUTH"
