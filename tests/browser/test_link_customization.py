"""A Link customization's looks and words in Chromium: the Background Color behind Link (and
behind the page when Link is a page of its own, as Hosted Link and webviews open it), the text
strings on the Consent, Institution Select and Connected panes, and Custom financial
institutions as a grid of logos — each applied, accessible (axe), usable by keyboard and at
375 px."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Frame, Page, expect

from tests.browser.accessibility import blocking_violations
from tests.browser.conftest import create_link_token, plaid_post, screenshot
from tests.browser.link_page import LinkInBrowser
from tests.live_server import LiveGingham

# Named for this file: the browser tests share one server and one client.
BRANDED = "browser-branded"
CUSTOMIZATION: dict[str, Any] = {
    "name": BRANDED,
    "background_color": "#0A5C36",
    "text_strings": {
        "consent": "checking account",
        "institution_select": "Pick your bank",
        "institution_search": "Find your bank",
        "connected": "All set",
    },
    "institution_select": {"mode": "CUSTOM", "institution_ids": ["ins_4", "ins_109508", "ins_3"]},
}
BRANDED_RGB = "rgb(10, 92, 54)"


@pytest.fixture
def branded(gingham: LiveGingham) -> str:
    plaid_post(gingham, "/_gingham/link_customizations/save", CUSTOMIZATION)
    return BRANDED


def opened(
    page: Page, app_origin: str, gingham: LiveGingham, width: int, **token: Any
) -> LinkInBrowser:
    page.set_viewport_size({"width": width, "height": 800})
    link = LinkInBrowser(page, app_origin, gingham)
    link.load_app()
    link.create(create_link_token(gingham, **token))
    link.open()
    return link


def link_frame(page: Page) -> Frame:
    (frame,) = [frame for frame in page.frames if "/link/v2/stable/link.html" in frame.url]
    return frame


def assert_accessible(page: Page | Frame, what: str) -> None:
    violations = blocking_violations(page)
    assert violations == [], f"axe-core on {what}: {violations}"


def backdrop_color(link: LinkInBrowser) -> str:
    color: str = link.frame.locator(".backdrop").evaluate(
        "el => getComputedStyle(el).backgroundColor"
    )
    return color


@pytest.mark.parametrize("width", [1280, 375])
class TestACustomizationInTheFrame:
    def test_every_option_is_applied(
        self, page: Page, app_origin: str, gingham: LiveGingham, branded: str, width: int
    ) -> None:
        link = opened(page, app_origin, gingham, width, link_customization_name=branded)
        link.pane("CONSENT", f"customization-consent-{width}")
        expect(link.frame.locator("#pane-title")).to_have_text(
            "Browser Test App uses Gingham to connect your checking account"
        )
        expect(link.frame.locator(".backdrop")).to_have_css("background-color", BRANDED_RGB)
        assert_accessible(link_frame(page), f"the customized CONSENT pane at {width} px")

        link.click("consent-continue")
        link.pane("SELECT_INSTITUTION")
        grid = link.frame.get_by_test_id("institution-grid")
        expect(grid).to_be_visible()
        tiles = grid.locator(".inst-tile")
        expect(tiles).to_have_count(3)
        ids = tiles.evaluate_all("els => els.map(el => el.dataset.testid)")
        assert ids == ["institution-ins_4", "institution-ins_109508", "institution-ins_3"]
        expect(link.frame.locator("#pane-title")).to_have_text("Pick your bank")
        expect(link.frame.get_by_test_id("search-input")).to_have_attribute(
            "placeholder", "Find your bank"
        )
        assert backdrop_color(link) == BRANDED_RGB
        screenshot(page, f"customization-grid-{width}")
        assert_accessible(link_frame(page), f"the institution grid at {width} px")
        if width == 375:
            # Three tiles side by side, none wider than the phone.
            boxes = [tiles.nth(i).bounding_box() for i in range(3)]
            assert all(box is not None and box["x"] + box["width"] <= 375 for box in boxes)
            assert len({box["y"] for box in boxes if box}) == 1

        # A search shows the list of results; clearing it brings the grid back.
        link.fill("search-input", "Platypus")
        expect(grid).to_have_count(0)
        expect(link.frame.locator(".results .inst").first).to_be_visible()
        screenshot(page, f"customization-search-{width}")
        link.fill("search-input", "")
        expect(link.frame.get_by_test_id("institution-grid")).to_be_visible()

        link.click("institution-ins_109508")
        link.pane("CREDENTIAL")
        link.submit_credentials()
        link.pane("SELECT_ACCOUNT")
        link.frame.locator('[data-testid^="account-"]').first.check()
        link.click("accounts-continue")
        link.pane("CONNECTED", f"customization-connected-{width}")
        expect(link.frame.locator("#pane-title")).to_have_text("All set")
        assert_accessible(link_frame(page), f"the customized CONNECTED pane at {width} px")

    def test_the_grid_by_keyboard(
        self, page: Page, app_origin: str, gingham: LiveGingham, branded: str, width: int
    ) -> None:
        link = opened(page, app_origin, gingham, width, link_customization_name=branded)
        link.pane("CONSENT")
        link.click("consent-continue")
        link.pane("SELECT_INSTITUTION")
        search = link.frame.get_by_test_id("search-input")
        expect(search).to_be_focused()
        page.keyboard.press("ArrowDown")
        expect(link.frame.get_by_test_id("institution-ins_4")).to_be_focused()
        page.keyboard.press("Tab")
        expect(link.frame.get_by_test_id("institution-ins_109508")).to_be_focused()
        page.keyboard.press("Enter")
        link.pane("CREDENTIAL")
        expect(link.frame.locator(".pane-header")).to_contain_text("First Platypus Bank")


class TestWithoutACustomization:
    def test_links_own_list_words_and_colours(
        self, page: Page, app_origin: str, gingham: LiveGingham
    ) -> None:
        link = opened(page, app_origin, gingham, 1280)
        link.pane("CONSENT")
        expect(link.frame.locator("#pane-title")).to_have_text(
            "Browser Test App uses Gingham to connect your account"
        )
        link.click("consent-continue")
        link.pane("SELECT_INSTITUTION")
        expect(link.frame.get_by_test_id("institution-grid")).to_have_count(0)
        expect(link.frame.locator(".results .inst").first).to_be_visible()
        expect(link.frame.locator("#pane-title")).to_have_text("Select your institution")
        expect(link.frame.get_by_test_id("search-input")).to_have_attribute("placeholder", "Search")
        assert backdrop_color(link) == "rgba(17, 24, 39, 0.6)"


@pytest.mark.parametrize("width", [1280, 375])
class TestLinkAsAPageOfItsOwn:
    """link.html opened directly, as Hosted Link and webviews open it: the same panes, so the
    same customization."""

    def test_the_page_takes_the_background_colour_and_the_grid(
        self, page: Page, gingham: LiveGingham, branded: str, width: int
    ) -> None:
        page.set_viewport_size({"width": width, "height": 800})
        token = create_link_token(gingham, link_customization_name=branded)
        page.goto(f"{gingham.base_url}/link/v2/stable/link.html?token={token}")
        expect(page.locator('[data-view="CONSENT"]')).to_be_visible()
        expect(page.locator("body")).to_have_css("background-color", BRANDED_RGB)
        page.get_by_test_id("consent-continue").click()
        expect(page.get_by_test_id("institution-grid")).to_be_visible()
        expect(page.locator("#pane-title")).to_have_text("Pick your bank")
        screenshot(page, f"customization-standalone-{width}")
        assert_accessible(page, f"the customized page at {width} px")
