"""The returning user experience in Chromium: a returning user's phone number and code, their
saved institution and accounts, onSuccess; the guest who skips it; a wrong code. Every new pane
passes axe at desktop width and at 375 px and works by keyboard alone."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.accessibility import blocking_violations
from tests.browser.conftest import create_link_token, plaid_post
from tests.browser.link_page import LinkInBrowser
from tests.browser.test_link_accessibility import link_frame
from tests.browser.test_link_keyboard import Keyboard
from tests.live_server import LiveGingham

NEW_PANES = ["SUBMIT_PHONE", "VERIFY_PHONE", "SELECT_SAVED_INSTITUTION", "SELECT_SAVED_ACCOUNT"]


def opened(
    page: Page, app_origin: str, gingham: LiveGingham, width: int = 1024, **token: Any
) -> LinkInBrowser:
    page.set_viewport_size({"width": width, "height": 800})
    link = LinkInBrowser(page, app_origin, gingham)
    link.load_app()
    link.create(create_link_token(gingham, **token))
    link.open()
    return link


def check_pane(link: LinkInBrowser, view: str, shot: str | None = None) -> None:
    """The pane is shown, axe finds nothing serious on it, and nothing spills sideways."""
    link.pane(view, shot)
    violations = blocking_violations(link_frame(link.page))
    assert violations == [], f"axe-core on the {view} pane: {violations}"
    overflow = link_frame(link.page).evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{view} scrolls sideways by {overflow}px"


def verify_returning_user(link: LinkInBrowser, shots: str | None = None) -> None:
    link.pane("CONSENT", f"{shots}-consent" if shots else None)
    link.click("consent-use-phone")
    check_pane(link, "SUBMIT_PHONE", f"{shots}-submit-phone" if shots else None)
    link.fill("phone-input", "415-555-0011")
    link.click("phone-continue")
    check_pane(link, "VERIFY_PHONE", f"{shots}-verify-phone" if shots else None)
    link.fill("otp-input", "123456")
    link.click("otp-submit")


@pytest.mark.parametrize("width", [1280, 375])
class TestReturningUser:
    def test_saved_institution_and_accounts_to_on_success(
        self, page: Page, app_origin: str, gingham: LiveGingham, width: int
    ) -> None:
        link = opened(page, app_origin, gingham, width)
        shots = f"returning-user-{width}"
        verify_returning_user(link, shots)
        check_pane(link, "SELECT_SAVED_INSTITUTION", f"{shots}-saved-institutions")
        link.click("saved-institution-ins_109508")
        check_pane(link, "SELECT_SAVED_ACCOUNT", f"{shots}-saved-accounts")
        frame = link.frame
        expect(frame.locator("input[name=account]:checked")).to_have_count(2)
        link.click("saved-accounts-continue")
        link.pane("CONNECTED", f"{shots}-connected")
        link.click("connected-continue")
        terminal = link.wait_for_terminal()
        assert terminal["kind"] == "success"
        public_token, metadata = terminal["args"]
        assert metadata["institution"]["institution_id"] == "ins_109508"
        assert sorted(a["mask"] for a in metadata["accounts"]) == ["0000", "1111"]
        names = link.event_names()
        for expected in (
            "SUBMIT_PHONE",
            "SUBMIT_OTP",
            "VERIFY_PHONE",
            "TRANSITION_VIEW:SELECT_SAVED_INSTITUTION",
            "SELECT_SAVED_INSTITUTION",
            "SELECT_INSTITUTION",
            "SELECT_SAVED_ACCOUNT",
            "HANDOFF",
        ):
            assert expected in names, names
        select = next(
            e["args"][1]
            for e in link.log()
            if e["kind"] == "event" and e["args"][0] == "SELECT_INSTITUTION"
        )
        assert select["match_reason"] == "SAVED_INSTITUTION"
        exchanged = plaid_post(
            gingham, "/item/public_token/exchange", {"public_token": public_token}
        )
        assert exchanged["access_token"].startswith("access-")


class TestGuestAndMistakes:
    def test_continue_as_guest_skips_to_the_search(
        self, page: Page, app_origin: str, gingham: LiveGingham
    ) -> None:
        link = opened(page, app_origin, gingham)
        link.pane("CONSENT")
        link.click("consent-use-phone")
        link.pane("SUBMIT_PHONE")
        link.click("phone-skip")
        link.pane("SELECT_INSTITUTION")
        assert "SKIP_SUBMIT_PHONE" in link.event_names()

    def test_a_wrong_code_is_refused_and_the_right_one_goes_on(
        self, page: Page, app_origin: str, gingham: LiveGingham
    ) -> None:
        link = opened(page, app_origin, gingham)
        link.pane("CONSENT")
        link.click("consent-use-phone")
        link.fill("phone-input", "415-555-0011")
        link.click("phone-continue")
        link.pane("VERIFY_PHONE")
        link.fill("otp-input", "000000")
        link.click("otp-submit")
        expect(link.frame.get_by_test_id("error-message")).to_contain_text("incorrect")
        check_pane(link, "VERIFY_PHONE", "returning-user-wrong-code")
        link.fill("otp-input", "123456")
        link.click("otp-submit")
        link.pane("SELECT_SAVED_INSTITUTION")

    def test_a_real_number_is_invalid_in_the_sandbox(
        self, page: Page, app_origin: str, gingham: LiveGingham
    ) -> None:
        link = opened(page, app_origin, gingham)
        link.pane("CONSENT")
        link.click("consent-use-phone")
        link.fill("phone-input", "212-555-0199")
        link.click("phone-continue")
        expect(link.frame.get_by_test_id("error-message")).to_contain_text("Invalid phone number")
        link.pane("SUBMIT_PHONE", "returning-user-invalid-phone")

    def test_the_link_tokens_number_goes_straight_to_the_code(
        self, page: Page, app_origin: str, gingham: LiveGingham
    ) -> None:
        user = {"client_user_id": "browser-user", "phone_number": "+14155550011"}
        link = opened(page, app_origin, gingham, user=user)
        link.pane("CONSENT", "returning-user-token-phone-consent")
        expect(link.frame.get_by_test_id("consent-phone-note")).to_contain_text("(415) 555-0011")
        link.click("consent-continue")
        link.pane("VERIFY_PHONE")
        assert "AUTO_SUBMIT_PHONE" in link.event_names()


class TestKeyboard:
    def test_the_returning_path_by_keyboard_alone(
        self, page: Page, app_origin: str, gingham: LiveGingham
    ) -> None:
        keyboard = Keyboard(opened(page, app_origin, gingham, 1280))
        keyboard.wait_for_pane("CONSENT")
        keyboard.tab_to("consent-use-phone")
        keyboard.press("Enter")

        # SUBMIT_PHONE: focus is in the phone box; Enter submits it.
        assert keyboard.wait_for_pane("SUBMIT_PHONE")["testid"] == "phone-input"
        keyboard.page.keyboard.type("4155550011")
        keyboard.tab_to("phone-skip")
        keyboard.tab_to("phone-continue", key="Shift+Tab")
        keyboard.press("Enter")

        # VERIFY_PHONE: focus is in the code box; Resend and Continue as guest are reachable.
        assert keyboard.wait_for_pane("VERIFY_PHONE")["testid"] == "otp-input"
        keyboard.page.keyboard.type("123456")
        keyboard.tab_to("otp-skip")
        keyboard.tab_to("otp-input", key="Shift+Tab")
        keyboard.press("Enter")

        # SELECT_SAVED_INSTITUTION: the saved banks, then Link a new account.
        keyboard.wait_for_pane("SELECT_SAVED_INSTITUTION")
        keyboard.tab_to("saved-connect-new")
        keyboard.tab_to("saved-institution-ins_109508", key="Shift+Tab")
        keyboard.press("Enter")

        # SELECT_SAVED_ACCOUNT: the saved accounts are ticked; Space unticks one.
        keyboard.wait_for_pane("SELECT_SAVED_ACCOUNT")
        stops = keyboard.tab_to("saved-accounts-continue")
        assert any(stop and stop.startswith("account-") for stop in stops), stops
        keyboard.tab_to("saved-accounts-connect-new")
        keyboard.tab_to("saved-accounts-continue", key="Shift+Tab")
        keyboard.press("Enter")
        keyboard.wait_for_pane("CONNECTED")


class TestSavingAGuestsAccount:
    def test_save_for_next_time_then_find_it_again(
        self, page: Page, app_origin: str, gingham: LiveGingham
    ) -> None:
        link = opened(page, app_origin, gingham, 375)
        link.to_credentials()
        link.submit_credentials()
        link.pane("SELECT_ACCOUNT")
        link.frame.locator('[data-testid^="account-"]').first.click()
        link.click("accounts-continue")
        check_pane(link, "CONNECTED", "returning-user-remember-connected")
        link.click("connected-remember")
        check_pane(link, "SUBMIT_PHONE", "returning-user-remember-phone")
        expect(link.frame.locator("#pane-title")).to_have_text("Save your account for next time")
        link.fill("phone-input", "415-555-0010")
        link.click("phone-continue")
        link.pane("VERIFY_PHONE")
        link.fill("otp-input", "123456")
        link.click("otp-submit")
        assert link.wait_for_terminal()["kind"] == "success"

        # A new handler, as the next app would open it: the saved bank is offered.
        link.create(create_link_token(gingham, client_name="Next App"), index=2, name="next")
        link.open("next")
        link.pane("CONSENT")
        link.click("consent-use-phone")
        link.fill("phone-input", "415-555-0010")
        link.click("phone-continue")
        link.pane("VERIFY_PHONE")
        link.fill("otp-input", "123456")
        link.click("otp-submit")
        link.pane("SELECT_SAVED_INSTITUTION", "returning-user-remembered-institutions")
        expect(link.frame.get_by_test_id("saved-institution-ins_109508")).to_be_visible()
