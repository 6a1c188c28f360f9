"""The application profile in Chromium: the sandbox bank's consent page shows the app's profile
to the user, Link's error pane says why a registration-requiring bank refuses an app without
one, and the dashboard's Application profile page edits it, each passing axe at 1280 and 375
pixels wide and working by keyboard."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, Frame, Page, expect

from tests.application_profile.helpers import FULL_PROFILE, GET, UPDATE, WELLS_FARGO
from tests.browser.conftest import create_link_token, screenshot
from tests.browser.dashboard_pages import assert_accessible, assert_fits, go_to, open_signed_in
from tests.browser.link_page import LinkInBrowser
from tests.live_server import LiveGingham, live_gingham_on

WIDTHS = [1280, 375]
EMPTY = dict.fromkeys(FULL_PROFILE)


@pytest.fixture(scope="module")
def gingham(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveGingham]:
    """A server of this module's own: its tests change the client's profile."""
    with live_gingham_on("sqlite", tmp_path_factory, client_name="Profile tests") as server:
        yield server


def api(gingham: LiveGingham, path: str, body: dict[str, Any]) -> dict[str, Any]:
    response = httpx.post(
        f"{gingham.base_url}{path}",
        json=body,
        headers={"PLAID-CLIENT-ID": gingham.client_id, "PLAID-SECRET": gingham.secret},
    )
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def link_frame(page: Page) -> Frame:
    (frame,) = [frame for frame in page.frames if "/link/v2/stable/link.html" in frame.url]
    return frame


def open_link(page: Page, app_origin: str, gingham: LiveGingham, width: int) -> LinkInBrowser:
    page.set_viewport_size({"width": width, "height": 820})
    link = LinkInBrowser(page, app_origin, gingham)
    link.load_app()
    link.create(create_link_token(gingham))
    link.open()
    link.pane("CONSENT")
    link.click("consent-continue")
    return link


@pytest.mark.parametrize("width", WIDTHS)
class TestConsentAtTheBank:
    def test_the_bank_shows_who_is_asking(
        self, page: Page, app_origin: str, gingham: LiveGingham, width: int
    ) -> None:
        api(gingham, UPDATE, {**FULL_PROFILE, "logo_url": f"{app_origin}/budgetly-logo.svg"})
        link = open_link(page, app_origin, gingham, width)
        link.fill("search-input", "Platypus OAuth")
        link.click("institution-ins_127287")
        link.pane("OAUTH")
        with page.context.expect_page() as popup:
            link.click("oauth-continue")
        bank = popup.value
        bank.set_viewport_size({"width": width, "height": 900})
        expect(bank.get_by_text("Budgetly wants to connect")).to_be_visible()
        # Signed in by keyboard: the fields, then Enter.
        bank.get_by_test_id("bank-username").focus()
        bank.keyboard.type("platypus-user")
        bank.keyboard.press("Tab")
        bank.keyboard.type("anything")
        bank.keyboard.press("Enter")
        expect(bank.get_by_role("heading", name="Share with Budgetly")).to_be_visible()
        card = bank.get_by_test_id("bank-app")
        expect(card.get_by_test_id("bank-app-name")).to_have_text("Budgetly")
        expect(card.get_by_test_id("bank-app-website")).to_have_text("https://budgetly.example")
        expect(card.get_by_test_id("bank-app-reason")).to_contain_text(
            FULL_PROFILE["reason_for_access"]
        )
        logo = card.get_by_test_id("bank-app-logo")
        expect(logo).to_be_visible()
        # The logo really loaded from the app's origin (the page's policy lets that one in).
        assert logo.evaluate("img => img.complete && img.naturalWidth > 0")
        screenshot(bank, f"profile-bank-consent-{width}")
        assert_accessible(bank, f"the bank's consent page ({width} px)")
        assert_fits(bank, f"the bank's consent page ({width} px)")
        bank.get_by_test_id("bank-allow").focus()
        bank.keyboard.press("Enter")
        link.pane("CONNECTED")


@pytest.mark.parametrize("width", WIDTHS)
class TestLinkErrorPane:
    def test_an_empty_profile_is_refused_with_the_reason(
        self, page: Page, app_origin: str, gingham: LiveGingham, width: int
    ) -> None:
        api(gingham, UPDATE, EMPTY)
        link = open_link(page, app_origin, gingham, width)
        link.fill("search-input", "Wells Fargo")
        link.frame.get_by_test_id(f"institution-{WELLS_FARGO}").focus()
        page.keyboard.press("Enter")
        link.pane("ERROR")
        pane = link.frame.locator('[data-view="ERROR"]')
        expect(pane).to_have_attribute("data-error-family", "institution")
        expect(pane.get_by_role("heading")).to_have_text("Connectivity not available")
        expect(link.frame.get_by_test_id("error-display")).to_have_text(
            "Browser Test App isn't registered with Wells Fargo yet, so accounts there can't "
            "be connected. Please choose another institution."
        )
        expect(link.frame.get_by_test_id("error-code")).to_have_text(
            "Error code: INSTITUTION_REGISTRATION_REQUIRED"
        )
        expect(link.frame.get_by_test_id("error-retry")).to_have_text("Choose another institution")
        screenshot(page, f"profile-link-error-{width}")
        assert_accessible(link_frame(page), f"Link's ERROR pane ({width} px)")
        link.click("error-exit")
        link.click("exit-confirm")
        error, metadata = link.wait_for_terminal()["args"]
        assert error["error_code"] == "INSTITUTION_REGISTRATION_REQUIRED"
        assert error["error_type"] == "INSTITUTION_ERROR"
        assert metadata["status"] == "institution_not_supported"
        assert metadata["institution"]["institution_id"] == WELLS_FARGO
        names = link.event_names()
        assert names[names.index("SELECT_INSTITUTION") :] == [
            "SELECT_INSTITUTION",
            "ERROR",
            "TRANSITION_VIEW:ERROR",
            "TRANSITION_VIEW:EXIT",
            "EXIT",
        ]


def open_dashboard(browser: Browser, gingham: LiveGingham, width: int) -> Page:
    page = open_signed_in(browser, gingham, {"width": width, "height": 900})
    go_to(page, "Application profile")
    expect(page.get_by_role("heading", name="Application profile", level=1)).to_be_visible()
    return page


class TestDashboardPage:
    @pytest.mark.parametrize("width", WIDTHS)
    def test_is_accessible_and_fits(
        self, browser: Browser, gingham: LiveGingham, width: int
    ) -> None:
        api(gingham, UPDATE, EMPTY)
        page = open_dashboard(browser, gingham, width)
        expect(page.get_by_test_id("profile-incomplete")).to_be_visible()
        screenshot(page, f"profile-dashboard-{width}")
        assert_accessible(page, f"the profile page ({width} px)")
        assert_fits(page, f"the profile page ({width} px)")
        page.get_by_label("Logo URL").fill("ftp://budgetly.example/logo.png")
        page.get_by_role("button", name="Save profile").click()
        expect(page.get_by_test_id("notice")).to_contain_text("logo_url must be an absolute")
        expect(page.get_by_label("Logo URL")).to_have_attribute("aria-invalid", "true")
        screenshot(page, f"profile-dashboard-refused-{width}")
        assert_accessible(page, f"the refused profile ({width} px)")
        page.context.close()

    def test_filled_in_and_saved_by_keyboard(self, browser: Browser, gingham: LiveGingham) -> None:
        api(gingham, UPDATE, EMPTY)
        page = open_dashboard(browser, gingham, 1280)
        page.get_by_label("Application name").focus()
        for name, value in FULL_PROFILE.items():
            expect(page.get_by_test_id(f"profile-{name}")).to_be_focused()
            page.keyboard.type(value)
            page.keyboard.press("Tab")  # past the field, to the next (hints are not stops)
        expect(page.get_by_role("button", name="Save profile")).to_be_focused()
        page.keyboard.press("Enter")
        expect(page.get_by_test_id("notice")).to_contain_text("It is complete")
        expect(page.get_by_test_id("profile-complete")).to_be_visible()
        screenshot(page, "profile-dashboard-complete")
        assert api(gingham, GET, {})["profile"] == FULL_PROFILE
        page.context.close()
