"""Link from consent to onSuccess with the keyboard alone: Tab, Shift+Tab, Enter, Space and the
arrow keys, never a click. At every stop focus must be inside Link's dialog, on something the
user can see, drawn with a visible focus indicator; each new pane takes focus to its heading or
its first field, never to the page underneath."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Frame, Page, expect

from tests.browser.conftest import create_link_token
from tests.browser.link_page import LinkInBrowser
from tests.live_server import LiveGingham

# Where focus is, and whether the user can see it there.
_FOCUS = """() => {
    const el = document.activeElement;
    if (!el || el === document.body) return null;
    const style = getComputedStyle(el);
    const box = el.getBoundingClientRect();
    const pane = el.closest("[data-view]");
    return {
        testid: el.getAttribute("data-testid"),
        tag: el.tagName.toLowerCase(),
        id: el.id,
        view: pane && pane.getAttribute("data-view"),
        in_dialog: !!el.closest("#modal"),
        on_screen: box.width > 0 && box.height > 0 && box.bottom > 0 && box.right > 0
            && box.top < innerHeight && box.left < innerWidth,
        indicated: (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0)
            || style.boxShadow !== "none",
        pressed: el.getAttribute("aria-pressed"),
        checked: el.checked === true,
    };
}"""


class Keyboard:
    """Link's frame, driven by key presses only."""

    def __init__(self, link: LinkInBrowser) -> None:
        self.link = link
        self.page = link.page

    @property
    def frame(self) -> Frame:
        (frame,) = [f for f in self.page.frames if "/link/v2/stable/link.html" in f.url]
        return frame

    def focus(self) -> dict[str, Any]:
        focused: dict[str, Any] | None = self.frame.evaluate(_FOCUS)
        assert focused is not None, "focus left Link's frame"
        return focused

    def wait_for_pane(self, view: str) -> dict[str, Any]:
        """The pane is shown and has taken focus (its heading or its first field)."""
        self.link.pane(view)
        self.frame.wait_for_function(
            "(view) => { const el = document.activeElement;"
            " return !!el && !!el.closest(`[data-view='${view}']`) && !el.disabled; }",
            arg=view,
        )
        focused = self.focus()
        assert focused["in_dialog"] and focused["on_screen"], focused
        return focused

    def press(self, key: str) -> dict[str, Any]:
        self.page.keyboard.press(key)
        if key == "Enter":
            # Usually acts: the pane is about to be replaced (wait_for_pane checks where focus
            # lands).
            return {}
        focused = self.focus()
        if key in ("Tab", "Shift+Tab", "ArrowDown", "ArrowUp"):
            # Moving focus by keyboard: it must stay in the dialog, on screen, and be drawn.
            assert focused["in_dialog"], f"{key} left the dialog: {focused}"
            assert focused["on_screen"], f"{key} moved focus off screen: {focused}"
            assert focused["indicated"], f"no visible focus after {key}: {focused}"
        return focused

    def tab_to(self, testid: str, *, key: str = "Tab", limit: int = 12) -> list[str | None]:
        """Press Tab (or Shift+Tab) until `testid` has focus; the stops on the way."""
        stops: list[str | None] = []
        for _ in range(limit):
            focused = self.press(key)
            stops.append(focused["testid"])
            if focused["testid"] == testid:
                return stops
        raise AssertionError(f"{key} never reached {testid}; stops: {stops}")


@pytest.fixture
def keyboard(page: Page, app_origin: str, gingham: LiveGingham) -> Keyboard:
    page.set_viewport_size({"width": 1280, "height": 800})
    link = LinkInBrowser(page, app_origin, gingham)
    link.load_app()
    link.create(create_link_token(gingham))
    link.open()
    return Keyboard(link)


def test_the_whole_flow_with_the_keyboard_alone(keyboard: Keyboard) -> None:
    # CONSENT: the heading has focus; Tab reaches Continue, then the privacy link, then wraps
    # to the close button (focus is trapped in the dialog); Shift+Tab walks back.
    focused = keyboard.wait_for_pane("CONSENT")
    assert focused["id"] == "pane-title"
    keyboard.tab_to("consent-continue")
    assert keyboard.press("Tab")["testid"] == "consent-privacy-policy"
    assert keyboard.press("Tab")["testid"] == "close"
    assert keyboard.press("Shift+Tab")["testid"] == "consent-privacy-policy"
    assert keyboard.press("Shift+Tab")["testid"] == "consent-continue"
    keyboard.press("Enter")

    # SELECT_INSTITUTION: focus is in the search box; type, then arrow down to the bank.
    assert keyboard.wait_for_pane("SELECT_INSTITUTION")["testid"] == "search-input"
    keyboard.page.keyboard.type("First Platypus")
    expect(keyboard.link.frame.get_by_test_id("institution-ins_130016")).to_be_visible()
    expect(keyboard.link.frame.locator(".search.is-searching")).to_have_count(0)
    stops = keyboard.tab_to("institution-ins_109508", key="ArrowDown")
    assert stops[0] is not None and stops[0].startswith("institution-")
    assert keyboard.press("ArrowUp")["testid"] != "institution-ins_109508"
    assert keyboard.press("ArrowDown")["testid"] == "institution-ins_109508"
    keyboard.press("Enter")

    # CREDENTIAL: focus in the username; Tab to the password, its Show toggle (Space), Submit.
    assert keyboard.wait_for_pane("CREDENTIAL")["testid"] == "credential-username"
    keyboard.page.keyboard.type("user_good")
    assert keyboard.press("Tab")["testid"] == "credential-password"
    keyboard.page.keyboard.type("mfa_device")
    assert keyboard.press("Tab")["testid"] == "credential-password-toggle"
    assert keyboard.press("Space")["pressed"] == "true"
    expect(keyboard.link.frame.get_by_test_id("credential-password")).to_have_value("mfa_device")
    assert keyboard.press("Space")["pressed"] == "false"
    assert keyboard.press("Tab")["testid"] == "credential-submit"
    keyboard.press("Enter")

    # MFA (device): Tab into the radio group, arrow to the second device, send the code.
    keyboard.wait_for_pane("MFA")
    first = keyboard.press("Tab")
    assert first["testid"].startswith("mfa-device-") and first["checked"]
    second = keyboard.press("ArrowDown")
    assert second["testid"] != first["testid"] and second["checked"]
    keyboard.tab_to("mfa-send")
    keyboard.press("Enter")

    # MFA (code): focus in the code box; Enter submits.
    assert keyboard.wait_for_pane("MFA")["testid"] == "mfa-answer-0"
    keyboard.page.keyboard.type("1234")
    keyboard.press("Enter")

    # SELECT_ACCOUNT: Tab to the first account, tick it with Space, Tab on to Continue.
    keyboard.wait_for_pane("SELECT_ACCOUNT")
    expect(keyboard.link.frame.get_by_test_id("accounts-continue")).to_be_disabled()
    account = keyboard.press("Tab")
    assert account["testid"].startswith("account-") and not account["checked"]
    assert keyboard.press("Space")["checked"]
    expect(keyboard.link.frame.get_by_test_id("accounts-hint")).to_be_hidden()
    keyboard.tab_to("accounts-continue")
    keyboard.press("Enter")

    # CONNECTED: Tab to Continue; Enter hands over to onSuccess.
    keyboard.wait_for_pane("CONNECTED")
    keyboard.tab_to("connected-continue")
    keyboard.press("Enter")

    terminal = keyboard.link.wait_for_terminal()
    assert terminal["kind"] == "success"
    public_token, metadata = terminal["args"]
    assert public_token.startswith("public-sandbox-")
    assert metadata["institution"]["institution_id"] == "ins_109508"
    assert len(metadata["accounts"]) == 1
