"""The Link session state machine, through the frame's API: panes, events, outcomes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from starlette.testclient import TestClient

from gingham.clock import FrozenClock
from gingham.link.expiry import MAX_FAILED_ATTEMPTS
from gingham.link.flow import EVENT_METADATA_KEYS
from tests.builders import PlaidCaller, link_token_request
from tests.link.helpers import FrameDriver


@pytest.fixture
def link_token(plaid: PlaidCaller) -> str:
    token: str = plaid.ok("/link/token/create", link_token_request())["link_token"]
    return token


@pytest.fixture
def frame(client: TestClient, link_token: str) -> FrameDriver:
    return FrameDriver(client, link_token)


class TestHappyPath:
    def test_events_follow_plaids_non_oauth_sequence(self, frame: FrameDriver) -> None:
        frame.login()
        offered = frame.state["view"]["accounts"]
        frame.act("select_accounts", account_ids=[offered[0]["id"]])
        final = frame.act("continue")
        assert frame.event_names() == [
            "OPEN",
            "TRANSITION_VIEW:SELECT_INSTITUTION",
            "SELECT_INSTITUTION",
            "TRANSITION_VIEW:CREDENTIAL",
            "SUBMIT_CREDENTIALS",
            "TRANSITION_VIEW:LOADING",
            "TRANSITION_VIEW:SELECT_ACCOUNT",
            "TRANSITION_VIEW:LOADING",
            "TRANSITION_VIEW:CONNECTED",
            "HANDOFF",
        ]
        assert frame.events[0]["metadata"]["view_name"] == "CONSENT"
        assert final["outcome"]["type"] == "success"

    def test_every_event_has_every_metadata_key_and_one_session_id(
        self, frame: FrameDriver
    ) -> None:
        frame.login()
        session_id = frame.state["link_session_id"]
        for event in frame.events:
            assert set(event["metadata"]) == set(EVENT_METADATA_KEYS)
            assert event["metadata"]["link_session_id"] == session_id
            assert event["metadata"]["timestamp"].endswith("Z")
        select = next(e for e in frame.events if e["event_name"] == "SELECT_INSTITUTION")
        assert select["metadata"]["institution_name"] == "First Platypus Bank"
        assert select["metadata"]["mfa_type"] is None

    def test_public_token_reaches_exactly_the_selected_accounts(
        self, frame: FrameDriver, plaid: PlaidCaller
    ) -> None:
        frame.login()
        offered = frame.state["view"]["accounts"]
        chosen = [offered[0]["id"], offered[2]["id"]]
        frame.act("select_accounts", account_ids=chosen)
        outcome = frame.act("continue")["outcome"]
        metadata = outcome["metadata"]
        assert metadata["institution"] == {
            "name": "First Platypus Bank",
            "institution_id": "ins_109508",
        }
        assert [a["id"] for a in metadata["accounts"]] == chosen
        assert metadata["link_session_id"] == frame.state["link_session_id"]
        assert set(metadata["accounts"][0]) == {
            "id",
            "name",
            "mask",
            "type",
            "subtype",
            "verification_status",
            "class_type",
        }
        access_token = plaid.ok(
            "/item/public_token/exchange", {"public_token": outcome["public_token"]}
        )["access_token"]
        accounts = plaid.ok("/accounts/get", {"access_token": access_token})["accounts"]
        assert [a["account_id"] for a in accounts] == chosen

    def test_search_finds_institutions_for_the_tokens_products(self, frame: FrameDriver) -> None:
        frame.start()
        frame.act("continue")
        found = frame.act("search", query="houndstooth")
        assert [r["institution_id"] for r in found["view"]["results"]] == ["ins_109512"]
        assert frame.events[-1]["event_name"] == "SEARCH_INSTITUTION"
        assert frame.events[-1]["metadata"]["institution_search_query"] == "houndstooth"


class TestAccountFiltering:
    def test_auth_offers_only_checking_savings_and_cash_management(
        self, plaid: PlaidCaller, client: TestClient
    ) -> None:
        token = plaid.ok("/link/token/create", link_token_request(products=["auth"]))["link_token"]
        frame = FrameDriver(client, token)
        frame.login()
        assert [a["subtype"] for a in frame.state["view"]["accounts"]] == [
            "checking",
            "savings",
            "cash management",
        ]

    def test_account_filters_hide_other_types(self, plaid: PlaidCaller, client: TestClient) -> None:
        filters = {"credit": {"account_subtypes": ["credit card"]}}
        token = plaid.ok("/link/token/create", link_token_request(account_filters=filters))[
            "link_token"
        ]
        frame = FrameDriver(client, token)
        frame.login()
        assert [a["mask"] for a in frame.state["view"]["accounts"]] == ["3333", "9999"]

    def test_no_eligible_account_is_an_error(self, plaid: PlaidCaller, client: TestClient) -> None:
        token = plaid.ok("/link/token/create", link_token_request(products=["auth"]))["link_token"]
        frame = FrameDriver(client, token)
        password = '{"override_accounts": [{"type": "loan", "subtype": "student"}]}'
        frame.login(username="user_custom", password=password)
        assert frame.view == "ERROR"
        assert frame.state["view"]["error"]["error_code"] == "NO_AUTH_ACCOUNTS"

    def test_single_select_customization(self, plaid: PlaidCaller, client: TestClient) -> None:
        token = plaid.ok(
            "/link/token/create",
            link_token_request(link_customization_name="single_account_select"),
        )["link_token"]
        frame = FrameDriver(client, token)
        frame.login()
        assert frame.state["view"]["multi"] is False
        ids = [a["id"] for a in frame.state["view"]["accounts"][:2]]
        assert (
            frame.post("select_accounts", account_ids=ids).json()["error_code"] == "INVALID_FIELD"
        )


class TestMfa:
    def test_device_then_code(self, frame: FrameDriver) -> None:
        state = frame.login(password="mfa_device")
        assert (state["view"]["name"], state["view"]["mfa_type"]) == ("MFA", "device")
        state = frame.act("choose_device", device_id=state["view"]["devices"][0]["id"])
        assert state["view"]["mfa_type"] == "code"
        state = frame.act("submit_mfa", answers=["1234"])
        assert state["view"]["name"] == "SELECT_ACCOUNT"
        mfa_events = [
            (e["event_name"], e["metadata"]["mfa_type"])
            for e in frame.events
            if e["metadata"]["mfa_type"]
        ]
        assert mfa_events == [
            ("TRANSITION_VIEW", "device"),
            ("SUBMIT_MFA", "device"),
            ("TRANSITION_VIEW", "code"),
            ("SUBMIT_MFA", "code"),
            ("TRANSITION_VIEW", "code"),
        ]

    def test_questions_rounds(self, frame: FrameDriver) -> None:
        state = frame.login(password="mfa_questions_2_3")
        assert len(state["view"]["questions"]) == 3 and state["view"]["rounds"] == 2
        state = frame.act("submit_mfa", answers=["answer_0_0", "answer_0_1", "answer_0_2"])
        assert (state["view"]["name"], state["view"]["round"]) == ("MFA", 2)
        state = frame.act("submit_mfa", answers=["answer_1_0", "answer_1_1", "answer_1_2"])
        assert state["view"]["name"] == "SELECT_ACCOUNT"

    def test_selections(self, frame: FrameDriver) -> None:
        state = frame.login(password="mfa_selections")
        question = state["view"]["selections"][0]
        assert question["options"] == ["Yes", "No"]
        assert frame.act("submit_mfa", answers=["Yes"])["view"]["name"] == "SELECT_ACCOUNT"

    def test_wrong_answer_stays_on_mfa_with_an_error(self, frame: FrameDriver) -> None:
        state = frame.login(password="mfa_selections_1_2_3")
        assert len(state["view"]["selections"]) == 2
        state = frame.act("submit_mfa", answers=["answer_0_0_1", "answer_0_1_0"])
        assert state["view"]["name"] == "MFA"
        assert state["view"]["error"]["error_code"] == "INVALID_MFA"
        assert frame.events[-2]["event_name"] == "ERROR"


class TestFailures:
    def test_wrong_password_then_retry(self, frame: FrameDriver) -> None:
        state = frame.login(password="wrong")
        assert state["view"]["name"] == "CREDENTIAL"
        assert state["view"]["error"]["error_code"] == "INVALID_CREDENTIALS"
        error_event = next(e for e in frame.events if e["event_name"] == "ERROR")
        assert error_event["metadata"]["error_type"] == "ITEM_ERROR"
        state = frame.act("submit_credentials", username="user_good", password="pass_good")
        assert state["view"]["name"] == "SELECT_ACCOUNT"

    def test_too_many_failures_invalidate_the_link_token(
        self, frame: FrameDriver, plaid: PlaidCaller, link_token: str
    ) -> None:
        frame.login(password="wrong")
        for _ in range(MAX_FAILED_ATTEMPTS - 1):
            state = frame.act("submit_credentials", username="user_good", password="wrong")
        assert state["outcome"]["type"] == "exit"
        assert state["outcome"]["error"]["error_code"] == "INVALID_LINK_TOKEN"
        assert state["outcome"]["metadata"]["status"] == "requires_credentials"
        again = frame.client.post("/link/frame/sessions", json={"link_token": link_token})
        assert again.status_code == 400 and again.json()["error_code"] == "INVALID_LINK_TOKEN"

    def test_error_password_shows_the_error_pane_and_retry_returns_to_credentials(
        self, frame: FrameDriver
    ) -> None:
        state = frame.login(password="error_INSTITUTION_NOT_RESPONDING")
        assert state["view"]["name"] == "ERROR"
        assert state["view"]["error"]["error_code"] == "INSTITUTION_NOT_RESPONDING"
        assert state["view"]["can_retry"] is True
        assert frame.act("retry")["view"]["name"] == "CREDENTIAL"

    def test_a_locked_account_offers_no_retry(self, frame: FrameDriver) -> None:
        """The user must unlock the account at their bank first: trying again cannot succeed."""
        state = frame.login(password="error_ITEM_LOCKED")
        assert state["view"]["error"]["error_code"] == "ITEM_LOCKED"
        assert state["view"]["can_retry"] is False
        refused = frame.post("retry")
        assert refused.status_code == 400 and "cannot be retried" in refused.json()["error_message"]
        frame.act("exit")
        outcome = frame.act("exit_confirm")["outcome"]
        assert outcome["error"]["error_code"] == "ITEM_LOCKED"
        assert outcome["metadata"]["status"] == "requires_credentials"

    def test_down_institution(self, frame: FrameDriver) -> None:
        frame.start()
        frame.act("continue")
        state = frame.act("select_institution", institution_id="ins_132361")
        assert "SELECT_DOWN_INSTITUTION" in frame.event_names()
        assert state["view"]["error"]["error_code"] == "INSTITUTION_DOWN"
        assert frame.act("retry")["view"]["name"] == "SELECT_INSTITUTION"

    def test_degraded_institution_warns_and_continues(self, frame: FrameDriver) -> None:
        frame.start()
        frame.act("continue")
        state = frame.act("select_institution", institution_id="ins_132363")
        assert "SELECT_DEGRADED_INSTITUTION" in frame.event_names()
        assert state["view"]["name"] == "CREDENTIAL"
        assert "connection problems" in state["view"]["notice"]

    def test_unsupported_institution_exits_as_not_supported(self, frame: FrameDriver) -> None:
        frame.start()
        frame.act("continue")
        frame.act("select_institution", institution_id="ins_133402")
        frame.act("exit")
        outcome = frame.act("exit_confirm")["outcome"]
        assert outcome["metadata"]["status"] == "institution_not_supported"

    def test_action_not_available_in_view_is_refused(self, frame: FrameDriver) -> None:
        frame.start()
        error = frame.post("submit_credentials", username="u", password="p").json()
        assert error["error_code"] == "INVALID_FIELD"
        assert "not available in the CONSENT view" in error["error_message"]


class TestExit:
    @pytest.mark.parametrize(
        ("steps", "status"),
        [
            ([], "requires_credentials"),
            ([("continue", {})], "institution_not_found"),
            (
                [("continue", {}), ("select_institution", {"institution_id": "ins_109508"})],
                "requires_credentials",
            ),
        ],
    )
    def test_exit_status_names_the_pane_left(
        self, frame: FrameDriver, steps: list[tuple[str, dict[str, str]]], status: str
    ) -> None:
        frame.start()
        for action, fields in steps:
            frame.act(action, **fields)
        assert frame.act("exit")["view"]["name"] == "EXIT"
        outcome = frame.act("exit_confirm")["outcome"]
        assert outcome["type"] == "exit"
        assert outcome["metadata"]["status"] == status
        assert outcome["error"] is None
        assert frame.events[-1]["event_name"] == "EXIT"
        assert frame.events[-1]["metadata"]["exit_status"] == status

    @pytest.mark.parametrize(
        ("password", "status"),
        [
            ("mfa_device", "choose_device"),
            ("mfa_questions_1_1", "requires_questions"),
            ("mfa_selections", "requires_selections"),
        ],
    )
    def test_exit_from_mfa(self, frame: FrameDriver, password: str, status: str) -> None:
        frame.login(password=password)
        assert frame.act("force_exit")["outcome"]["metadata"]["status"] == status

    def test_exit_from_account_selection(self, frame: FrameDriver) -> None:
        frame.login()
        assert (
            frame.act("force_exit")["outcome"]["metadata"]["status"] == "requires_account_selection"
        )

    def test_cancel_returns_to_the_pane(self, frame: FrameDriver) -> None:
        frame.to_credentials()
        frame.act("exit")
        assert frame.act("exit_cancel")["view"]["name"] == "CREDENTIAL"

    def test_exit_after_an_error_reports_it(self, frame: FrameDriver) -> None:
        frame.login(password="wrong")
        outcome = frame.act("force_exit")["outcome"]
        assert outcome["error"]["error_code"] == "INVALID_CREDENTIALS"

    def test_ended_session_takes_no_more_actions(self, frame: FrameDriver) -> None:
        frame.start()
        frame.act("force_exit")
        assert frame.post("continue").json()["error_code"] == "INVALID_FIELD"


class TestLinkToken:
    def test_expired_token_is_refused(self, frame: FrameDriver, clock: FrozenClock) -> None:
        clock.advance(timedelta(hours=4))
        response = frame.client.post("/link/frame/sessions", json={"link_token": frame.link_token})
        assert response.status_code == 400
        assert response.json()["error_code"] == "INVALID_LINK_TOKEN"

    def test_unknown_token_is_refused(self, client: TestClient) -> None:
        response = client.post(
            "/link/frame/sessions",
            json={"link_token": "link-sandbox-00000000-0000-4000-8000-000000000000"},
        )
        assert response.json()["error_code"] == "INVALID_LINK_TOKEN"


class TestLinkTokenGet:
    def test_reports_sessions_with_events_and_results(
        self, frame: FrameDriver, plaid: PlaidCaller, link_token: str
    ) -> None:
        frame.login()
        frame.act("select_accounts", account_ids=[frame.state["view"]["accounts"][0]["id"]])
        outcome = frame.act("continue")["outcome"]
        sessions = plaid.ok("/link/token/get", {"link_token": link_token})["link_sessions"]
        assert len(sessions) == 1
        session = sessions[0]
        assert session["link_session_id"] == frame.state["link_session_id"]
        assert [e["event_name"] for e in session["events"]] == [
            e["event_name"] for e in frame.events
        ]
        assert session["results"]["item_add_results"][0]["public_token"] == outcome["public_token"]
        assert session["on_success"]["metadata"]["accounts"] == outcome["metadata"]["accounts"]
        assert session["finished_at"] is not None

    def test_reports_exits(self, frame: FrameDriver, plaid: PlaidCaller, link_token: str) -> None:
        frame.start()
        frame.act("force_exit")
        session = plaid.ok("/link/token/get", {"link_token": link_token})["link_sessions"][0]
        assert session["exit"]["metadata"]["status"] == "requires_credentials"
        assert "results" not in session


class TestUpdateMode:
    def test_update_mode_keeps_the_item_and_its_access_token(
        self, plaid: PlaidCaller, client: TestClient
    ) -> None:
        access_token = plaid.access_token()
        item_id = plaid.ok("/item/get", {"access_token": access_token})["item"]["item_id"]
        token = plaid.ok(
            "/link/token/create", link_token_request(products=None, access_token=access_token)
        )["link_token"]
        frame = FrameDriver(client, token)
        frame.start()
        assert frame.events[0]["metadata"]["is_update_mode"] == "true"
        state = frame.act("continue")
        # The institution is known: no institution select.
        assert state["view"]["name"] == "CREDENTIAL"
        assert state["view"]["institution"]["institution_id"] == "ins_109508"
        frame.act("submit_credentials", username="user_good", password="pass_good")
        outcome = frame.act("continue")["outcome"]
        assert outcome["type"] == "success"
        assert outcome["metadata"]["institution"]["institution_id"] == "ins_109508"
        assert plaid.ok("/item/get", {"access_token": access_token})["item"]["item_id"] == item_id
        assert frame.post("back").status_code == 400  # the session has ended
