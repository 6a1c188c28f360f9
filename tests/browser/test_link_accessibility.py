"""axe-core on every pane of Link, at desktop width and at 375 px: no serious or critical
violation (contrast included: institution monograms take their brand colour, and their text
must still read on it)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Frame, Page

from tests.browser.accessibility import blocking_violations
from tests.browser.conftest import create_link_token
from tests.browser.link_page import LinkInBrowser
from tests.live_server import LiveGingham


def link_frame(page: Page) -> Frame:
    (frame,) = [frame for frame in page.frames if "/link/v2/stable/link.html" in frame.url]
    return frame


def assert_accessible(link: LinkInBrowser, view: str, width: int) -> None:
    link.pane(view)
    violations = blocking_violations(link_frame(link.page))
    assert violations == [], f"axe-core on the {view} pane at {width} px: {violations}"


def opened(page: Page, app_origin: str, gingham: LiveGingham, width: int) -> LinkInBrowser:
    page.set_viewport_size({"width": width, "height": 800})
    link = LinkInBrowser(page, app_origin, gingham)
    link.load_app()
    link.create(create_link_token(gingham))
    link.open()
    return link


@pytest.mark.parametrize("width", [1280, 375])
class TestEveryPane:
    def test_from_consent_to_connected(
        self, page: Page, app_origin: str, gingham: LiveGingham, width: int
    ) -> None:
        link = opened(page, app_origin, gingham, width)
        assert_accessible(link, "CONSENT", width)
        link.click("consent-continue")
        assert_accessible(link, "SELECT_INSTITUTION", width)
        link.click("institution-ins_109508")
        assert_accessible(link, "CREDENTIAL", width)
        link.fill("credential-username", "user_good")
        link.fill("credential-password", "mfa_device")
        link.click("credential-submit")
        assert_accessible(link, "MFA", width)

    def test_account_select_and_connected(
        self, page: Page, app_origin: str, gingham: LiveGingham, width: int
    ) -> None:
        link = opened(page, app_origin, gingham, width)
        link.to_credentials()
        link.submit_credentials()
        assert_accessible(link, "SELECT_ACCOUNT", width)
        link.frame.locator('[data-testid^="account-"]').first.check()
        link.click("accounts-continue")
        assert_accessible(link, "CONNECTED", width)

    def test_the_error_and_oauth_panes(
        self, page: Page, app_origin: str, gingham: LiveGingham, width: int
    ) -> None:
        link = opened(page, app_origin, gingham, width)
        link.to_credentials()
        link.fill("credential-username", "user_good")
        link.fill("credential-password", "error_ITEM_LOCKED")
        link.click("credential-submit")
        assert_accessible(link, "ERROR", width)
        link = opened(page, app_origin, gingham, width)
        link.click("consent-continue")
        link.click("institution-ins_127287")
        assert_accessible(link, "OAUTH", width)
