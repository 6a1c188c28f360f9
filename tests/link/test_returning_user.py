"""The returning user experience through the frame's API: a phone number and its one-time code,
the saved institutions and accounts, and the guest's way past them."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.testclient import TestClient

from gingham.link.sandbox_profiles import SANDBOX_OTP
from gingham.link.steps.returning_user import MAX_WRONG_CODES
from tests.builders import PlaidCaller, link_token_request
from tests.link.helpers import FrameDriver

RETURNING = "415-555-0011"
NEW_USER = "415-555-0010"


def make_frame(client: TestClient, plaid: PlaidCaller, **overrides: Any) -> FrameDriver:
    token: str = plaid.ok("/link/token/create", link_token_request(**overrides))["link_token"]
    frame = FrameDriver(client, token)
    frame.start()
    return frame


def with_phone(phone: str) -> dict[str, Any]:
    return {"user": {"client_user_id": "user-123", "phone_number": phone}}


@pytest.fixture
def frame(client: TestClient, plaid: PlaidCaller) -> FrameDriver:
    return make_frame(client, plaid)


def verify(frame: FrameDriver, phone: str = RETURNING) -> dict[str, Any]:
    frame.act("use_phone")
    frame.act("submit_phone", phone_number=phone)
    return frame.act("submit_otp", code=SANDBOX_OTP)


class TestConsentOffer:
    def test_consent_offers_the_phone_lookup_to_new_links(self, frame: FrameDriver) -> None:
        assert frame.state["view"]["returning_user"] == {"phone_number": None}

    def test_the_link_tokens_phone_number_is_offered_for_display(
        self, client: TestClient, plaid: PlaidCaller
    ) -> None:
        frame = make_frame(client, plaid, **with_phone("+14155550010"))
        assert frame.state["view"]["returning_user"] == {"phone_number": "(415) 555-0010"}

    def test_outside_the_us_and_canada_there_is_no_offer(
        self, client: TestClient, plaid: PlaidCaller
    ) -> None:
        frame = make_frame(client, plaid, country_codes=["GB"])
        assert frame.state["view"]["returning_user"] is None
        assert frame.post("use_phone").status_code == 400

    def test_continue_without_a_phone_number_is_the_usual_flow(self, frame: FrameDriver) -> None:
        frame.act("continue")
        assert frame.view == "SELECT_INSTITUTION"
        assert frame.event_names() == ["OPEN", "TRANSITION_VIEW:SELECT_INSTITUTION"]


class TestReturningUser:
    def test_the_whole_fast_path_links_an_ordinary_item(
        self, frame: FrameDriver, plaid: PlaidCaller
    ) -> None:
        view = verify(frame)["view"]
        assert view["name"] == "SELECT_SAVED_INSTITUTION"
        assert [i["institution_id"] for i in view["saved"]] == ["ins_109508", "ins_109511"]
        view = frame.act("select_saved_institution", institution_id="ins_109508")["view"]
        assert view["name"] == "SELECT_SAVED_ACCOUNT"
        ticked = [a for a in view["accounts"] if a["selected"]]
        assert [a["mask"] for a in ticked] == ["0000", "1111"]
        frame.act("select_saved_accounts", account_ids=[a["id"] for a in ticked])
        assert frame.view == "CONNECTED"
        outcome = frame.act("continue")["outcome"]
        assert frame.event_names() == [
            "OPEN",
            "TRANSITION_VIEW:SUBMIT_PHONE",
            "SUBMIT_PHONE",
            "TRANSITION_VIEW:VERIFY_PHONE",
            "SUBMIT_OTP",
            "VERIFY_PHONE",
            "TRANSITION_VIEW:SELECT_SAVED_INSTITUTION",
            "SELECT_SAVED_INSTITUTION",
            "SELECT_INSTITUTION",
            "TRANSITION_VIEW:SELECT_SAVED_ACCOUNT",
            "SELECT_SAVED_ACCOUNT",
            "TRANSITION_VIEW:LOADING",
            "TRANSITION_VIEW:CONNECTED",
            "HANDOFF",
        ]
        select = next(e for e in frame.events if e["event_name"] == "SELECT_INSTITUTION")
        assert select["metadata"]["match_reason"] == "SAVED_INSTITUTION"
        assert select["metadata"]["institution_id"] == "ins_109508"
        assert outcome["type"] == "success"
        assert [a["mask"] for a in outcome["metadata"]["accounts"]] == ["0000", "1111"]
        # The Item is like any other: exchange it and read its accounts.
        exchanged = plaid.ok(
            "/item/public_token/exchange", {"public_token": outcome["public_token"]}
        )
        accounts = plaid.ok("/accounts/get", {"access_token": exchanged["access_token"]})
        assert accounts["item"]["institution_id"] == "ins_109508"
        assert sorted(a["mask"] for a in accounts["accounts"]) == ["0000", "1111"]

    def test_a_connection_that_cannot_be_reused_logs_in_again(self, frame: FrameDriver) -> None:
        verify(frame)
        view = frame.act("select_saved_institution", institution_id="ins_109511")["view"]
        assert view["name"] == "CREDENTIAL"
        assert "log in again" in view["notice"]
        frame.act("submit_credentials", username="user_good", password="pass_good")
        assert frame.view == "SELECT_ACCOUNT"

    def test_connecting_a_new_institution_goes_to_the_search(self, frame: FrameDriver) -> None:
        verify(frame)
        frame.act("connect_new")
        assert frame.view == "SELECT_INSTITUTION"
        assert frame.event_names()[-2:] == [
            "CONNECT_NEW_INSTITUTION",
            "TRANSITION_VIEW:SELECT_INSTITUTION",
        ]

    def test_back_from_the_saved_accounts_to_the_saved_institutions(
        self, frame: FrameDriver
    ) -> None:
        verify(frame)
        frame.act("select_saved_institution", institution_id="ins_109508")
        frame.act("back")
        assert frame.view == "SELECT_SAVED_INSTITUTION"
        assert frame.state["view"]["institution"] is None

    def test_a_saved_institution_the_products_rule_out_is_not_offered(
        self, client: TestClient, plaid: PlaidCaller
    ) -> None:
        frame = make_frame(client, plaid, products=["auth"])
        view = verify(frame)["view"]
        saved = [i["institution_id"] for i in view.get("saved", [])]
        assert "ins_109508" in saved
        rejected = frame.post("select_saved_institution", institution_id="ins_3")
        assert rejected.status_code == 400

    def test_the_link_tokens_known_number_is_sent_a_code_at_once(
        self, client: TestClient, plaid: PlaidCaller
    ) -> None:
        frame = make_frame(client, plaid, **with_phone("+14155550011"))
        frame.act("continue")
        assert frame.view == "VERIFY_PHONE"
        assert frame.state["view"]["phone_number"] == "(415) 555-0011"
        assert frame.event_names()[-2:] == ["AUTO_SUBMIT_PHONE", "TRANSITION_VIEW:VERIFY_PHONE"]


class TestNewUser:
    def test_a_verified_new_user_goes_to_the_search(self, frame: FrameDriver) -> None:
        verify(frame, NEW_USER)
        assert frame.view == "SELECT_INSTITUTION"

    def test_the_link_tokens_new_number_is_prefilled(
        self, client: TestClient, plaid: PlaidCaller
    ) -> None:
        frame = make_frame(client, plaid, **with_phone("+14155550010"))
        frame.act("continue")
        assert frame.view == "SUBMIT_PHONE"
        assert frame.state["view"]["phone_number"] == "(415) 555-0010"


class TestWrongInput:
    def test_a_wrong_code_stays_to_try_again(self, frame: FrameDriver) -> None:
        frame.act("use_phone")
        frame.act("submit_phone", phone_number=RETURNING)
        view = frame.act("submit_otp", code="000000")["view"]
        assert view["name"] == "VERIFY_PHONE"
        assert "incorrect" in view["error"]
        view = frame.act("submit_otp", code=SANDBOX_OTP)["view"]
        assert view["name"] == "SELECT_SAVED_INSTITUTION"
        assert "ERROR" not in frame.event_names()

    def test_too_many_wrong_codes_ask_for_a_new_one(self, frame: FrameDriver) -> None:
        frame.act("use_phone")
        frame.act("submit_phone", phone_number=RETURNING)
        for _ in range(MAX_WRONG_CODES):
            frame.act("submit_otp", code="111111")
        assert frame.view == "SUBMIT_PHONE"
        assert "Too many" in frame.state["view"]["error"]

    def test_resending_the_code_starts_the_count_again(self, frame: FrameDriver) -> None:
        frame.act("use_phone")
        frame.act("submit_phone", phone_number=RETURNING)
        for _ in range(MAX_WRONG_CODES - 1):
            frame.act("submit_otp", code="111111")
        view = frame.act("resend_code")["view"]
        assert "new code" in view["notice"]
        frame.act("submit_otp", code="111111")
        assert frame.view == "VERIFY_PHONE"

    @pytest.mark.parametrize("phone", ["+1 212 555 0199", "415-555-0012"])
    def test_a_number_the_sandbox_does_not_know_is_invalid(
        self, frame: FrameDriver, phone: str
    ) -> None:
        frame.act("use_phone")
        view = frame.act("submit_phone", phone_number=phone)["view"]
        assert view["name"] == "SUBMIT_PHONE"
        assert "415-555-0011" in view["error"]

    def test_something_that_is_not_a_phone_number(self, frame: FrameDriver) -> None:
        frame.act("use_phone")
        view = frame.act("submit_phone", phone_number="12")["view"]
        assert view["error"] == "Enter a valid US or Canadian mobile number."


class TestSkipping:
    def test_continue_as_guest_from_the_phone_pane(self, frame: FrameDriver) -> None:
        frame.act("use_phone")
        frame.act("skip_phone")
        assert frame.view == "SELECT_INSTITUTION"
        assert frame.event_names()[-2:] == [
            "SKIP_SUBMIT_PHONE",
            "TRANSITION_VIEW:SELECT_INSTITUTION",
        ]

    def test_continue_as_guest_instead_of_entering_the_code(self, frame: FrameDriver) -> None:
        frame.act("use_phone")
        frame.act("submit_phone", phone_number=RETURNING)
        frame.act("skip_phone")
        assert frame.view == "SELECT_INSTITUTION"

    def test_leaving_from_the_phone_pane_says_no_institution_yet(self, frame: FrameDriver) -> None:
        frame.act("use_phone")
        frame.act("exit")
        outcome = frame.act("exit_confirm")["outcome"]
        assert outcome["metadata"]["status"] == "requires_credentials"
        assert outcome["error"] is None


def link_as_guest(frame: FrameDriver, masks: tuple[str, ...] = ("0000",)) -> None:
    frame.login()
    offered = frame.state["view"]["accounts"]
    frame.act("select_accounts", account_ids=[a["id"] for a in offered if a["mask"] in masks])


class TestRememberingAGuest:
    def test_a_saved_connection_is_offered_to_the_next_session(
        self, client: TestClient, plaid: PlaidCaller
    ) -> None:
        frame = make_frame(client, plaid)
        link_as_guest(frame, masks=("0000", "2222"))
        assert frame.state["view"]["remember"] is True
        view = frame.act("remember")["view"]
        assert view["name"] == "SUBMIT_PHONE" and view["remembering"] is True
        frame.act("submit_phone", phone_number=NEW_USER)
        outcome = frame.act("submit_otp", code=SANDBOX_OTP)["outcome"]
        # Once the number is verified Link closes by itself, with the Item linked.
        assert outcome["type"] == "success"
        assert frame.event_names()[-4:] == [
            "TRANSITION_VIEW:VERIFY_PHONE",
            "SUBMIT_OTP",
            "VERIFY_PHONE",
            "HANDOFF",
        ]

        later = make_frame(client, plaid, client_name="Another App")
        view = verify(later, NEW_USER)["view"]
        assert view["name"] == "SELECT_SAVED_INSTITUTION"
        assert [(i["institution_id"], i["masks"]) for i in view["saved"]] == [
            ("ins_109508", ["0000", "2222"])
        ]
        view = later.act("select_saved_institution", institution_id="ins_109508")["view"]
        assert [a["mask"] for a in view["accounts"] if a["selected"]] == ["0000", "2222"]

    def test_the_token_number_of_a_remembered_guest_is_sent_a_code_at_once(
        self, client: TestClient, plaid: PlaidCaller
    ) -> None:
        frame = make_frame(client, plaid)
        link_as_guest(frame)
        frame.act("remember")
        frame.act("submit_phone", phone_number=NEW_USER)
        frame.act("submit_otp", code=SANDBOX_OTP)
        later = make_frame(client, plaid, **with_phone("+14155550010"))
        later.act("continue")
        assert later.view == "VERIFY_PHONE"

    def test_not_now_still_hands_the_item_over(self, frame: FrameDriver) -> None:
        link_as_guest(frame)
        frame.act("remember")
        outcome = frame.act("skip_phone")["outcome"]
        assert outcome["type"] == "success"
        assert frame.event_names()[-2:] == ["SKIP_SUBMIT_PHONE", "HANDOFF"]

    @pytest.mark.parametrize("how", ["exit_confirm", "force_exit"])
    def test_leaving_while_saving_still_hands_the_item_over(
        self, frame: FrameDriver, how: str
    ) -> None:
        link_as_guest(frame)
        frame.act("remember")
        if how == "exit_confirm":
            frame.act("exit")
        outcome = frame.act(how)["outcome"]
        assert outcome["type"] == "success"

    def test_back_returns_to_connected(self, frame: FrameDriver) -> None:
        link_as_guest(frame)
        frame.act("remember")
        frame.act("back")
        assert frame.view == "CONNECTED"

    def test_a_verified_user_is_not_offered_to_save_again(self, frame: FrameDriver) -> None:
        verify(frame)
        frame.act("select_saved_institution", institution_id="ins_109508")
        ids = [a["id"] for a in frame.state["view"]["accounts"] if a["selected"]]
        frame.act("select_saved_accounts", account_ids=ids)
        assert frame.state["view"]["remember"] is False
        assert frame.post("remember").status_code == 400


class TestHeadlessCompletion:
    @pytest.mark.parametrize("phone", ["+14155550011", "+14155550010"])
    def test_a_token_with_a_phone_number_links_as_a_guest(
        self, plaid: PlaidCaller, phone: str
    ) -> None:
        token = plaid.ok("/link/token/create", link_token_request(**with_phone(phone)))[
            "link_token"
        ]
        done = plaid.ok("/_gingham/link/complete", {"link_token": token})
        assert done["status"] == "SUCCESS"
        assert "SKIP_SUBMIT_PHONE" in [e["event_name"] for e in done["events"]]
