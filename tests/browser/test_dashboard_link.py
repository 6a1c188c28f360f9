"""Link logs and the Link customization editor in Chromium: a session linked through the real
Link is found by its client_user_id and its timeline opened; a customization is edited while
Link's own frame previews it, then published and used by Link — each page passing axe at 1280
and 375 pixels and working by keyboard."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, Frame, Page, expect

from tests.browser.conftest import ARTIFACTS, create_link_token, screenshot
from tests.browser.dashboard_pages import api as post
from tests.browser.dashboard_pages import assert_accessible, assert_fits, open_signed_in
from tests.browser.link_page import LinkInBrowser
from tests.live_server import LiveGingham, live_gingham_on

WIDE = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 812}
# Long enough for two of the list's 5-second refreshes on a busy machine; ends at the first.
REFRESH_WAIT_MS = 15_000
USER = "dashboard-link-user"


@pytest.fixture(scope="module")
def gingham(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveGingham]:
    """A server of this file's own: its Link logs and customizations are what these tests made."""
    with live_gingham_on("sqlite", tmp_path_factory, client_name="Link dashboard tests") as server:
        yield server


@pytest.fixture(scope="module")
def linked_session(browser: Browser, gingham: LiveGingham, app_origin: str) -> str:
    """The link_session_id of an Item linked through Link in Chromium, as a user would."""
    context = browser.new_context(viewport=WIDE)  # type: ignore[arg-type]
    page = context.new_page()
    page.set_default_timeout(10_000)
    link = LinkInBrowser(page, app_origin, gingham)
    link.load_app()
    link.create(create_link_token(gingham, user={"client_user_id": USER}))
    link.open()
    link.to_credentials()
    link.submit_credentials()
    link.pane("SELECT_ACCOUNT")
    link.frame.locator('[data-testid^="account-"]').first.check()
    link.click("accounts-continue")
    link.pane("CONNECTED")
    link.click("connected-continue")
    success = link.wait_for_terminal()
    assert success["kind"] == "success"
    context.close()
    link_session_id: str = success["args"][1]["link_session_id"]
    return link_session_id


@pytest.fixture
def wide(browser: Browser, gingham: LiveGingham) -> Iterator[Page]:
    page = open_signed_in(browser, gingham, WIDE)
    yield page
    page.context.close()


def preview(page: Page) -> Frame:
    frame = page.frame(url=lambda url: "preview=1" in url)
    assert frame is not None
    return frame


@pytest.fixture(scope="module")
def texted_hosted_link(gingham: LiveGingham) -> str:
    """The Hosted Link URL Link Delivery would have texted a user."""
    token = post(
        gingham,
        "/link/token/create",
        {
            "client_name": "Browser Test App",
            "language": "en",
            "country_codes": ["US"],
            "products": ["transactions"],
            "user": {"client_user_id": "texted-user", "phone_number": "+14155550011"},
            "hosted_link": {"delivery_method": "sms"},
        },
    )
    assert token.status_code == 200, token.text
    url: str = token.json()["hosted_link_url"]
    return url


class TestLinkLogs:
    def test_find_the_session_by_client_user_id_and_open_its_timeline(
        self, wide: Page, gingham: LiveGingham, linked_session: str
    ) -> None:
        nav = wide.get_by_role("navigation", name="Dashboard")
        nav.get_by_role("link", name="Link logs").click()
        wide.get_by_label("client_user_id").fill(USER)
        wide.get_by_role("button", name="Search").click()
        expect(wide).to_have_url(
            f"{gingham.base_url}/dashboard/link-logs?client_user_id={USER}&link_session_id=&link_token="
        )
        table = wide.get_by_test_id("link-sessions")
        expect(table.locator("tbody tr")).to_have_count(1)
        expect(table).to_contain_text("First Platypus Bank")
        expect(table).to_contain_text("Success")
        screenshot(wide, "dashboard-link-logs-wide")
        table.get_by_role("link", name=linked_session).click()
        expect(wide.get_by_test_id("session-outcome")).to_have_text("Success")
        events = wide.get_by_test_id("session-events")
        for name in ("OPEN", "SELECT_INSTITUTION", "SUBMIT_CREDENTIALS", "HANDOFF"):
            expect(events.locator(".event-name", has_text=name).first).to_be_visible()
        expect(wide.get_by_test_id("session-config")).to_contain_text(USER)
        screenshot(wide, "dashboard-link-session-wide")
        wide.get_by_test_id("session-item").click()
        expect(wide.get_by_test_id("item-status")).to_have_text("Healthy")

    def test_search_and_open_by_keyboard(
        self, wide: Page, gingham: LiveGingham, linked_session: str
    ) -> None:
        wide.goto(f"{gingham.base_url}/dashboard/link-logs")
        field = wide.get_by_label("link_session_id")
        field.focus()
        wide.keyboard.type(linked_session)
        wide.keyboard.press("Enter")
        link = wide.get_by_test_id("link-sessions").get_by_role("link", name=linked_session)
        expect(link).to_be_visible()
        link.focus()
        wide.keyboard.press("Enter")
        expect(wide.get_by_test_id("session-outcome")).to_have_text("Success")

    def test_a_new_session_appears_in_the_open_list(self, wide: Page, gingham: LiveGingham) -> None:
        user = "dashboard-live-user"
        wide.goto(f"{gingham.base_url}/dashboard/link-logs?client_user_id={user}")
        table = wide.get_by_test_id("link-sessions")
        expect(wide.get_by_text("No Link session matches")).to_be_visible()
        token = create_link_token(gingham, user={"client_user_id": user})
        started = httpx.post(f"{gingham.base_url}/link/frame/sessions", json={"link_token": token})
        assert started.status_code == 200, started.text
        # The table refreshes itself (every 5 s), keeping the search.
        expect(table.get_by_role("link", name=started.json()["link_session_id"])).to_be_visible(
            timeout=REFRESH_WAIT_MS
        )
        expect(table.locator("tbody tr")).to_have_count(1)
        expect(table).to_contain_text("In progress")

    @pytest.mark.parametrize(("size", "viewport"), [("wide", WIDE), ("phone", PHONE)])
    def test_the_pages_are_accessible_and_fit(
        self,
        browser: Browser,
        gingham: LiveGingham,
        linked_session: str,
        texted_hosted_link: str,
        size: str,
        viewport: dict[str, int],
    ) -> None:
        page = open_signed_in(browser, gingham, viewport)
        for where, path in (
            ("link-logs", "/dashboard/link-logs"),
            ("link-session", f"/dashboard/link-logs/{linked_session}"),
        ):
            page.goto(f"{gingham.base_url}{path}")
            assert_accessible(page, f"{where} ({size})")
            assert_fits(page, where)
            screenshot(page, f"dashboard-{where}-{size}")
        page.context.close()

    def test_a_texted_hosted_link_opens_from_its_delivery(
        self, wide: Page, gingham: LiveGingham, texted_hosted_link: str
    ) -> None:
        wide.goto(f"{gingham.base_url}/dashboard/link-logs")
        deliveries = wide.get_by_test_id("link-deliveries")
        expect(deliveries).to_contain_text("+14155550011")
        opened = deliveries.get_by_role("link", name="Open the Hosted Link page").first
        with wide.context.expect_page() as new_page:
            opened.focus()
            wide.keyboard.press("Enter")
        hosted = new_page.value
        hosted.wait_for_load_state()
        assert hosted.url == texted_hosted_link
        hosted.close()


class TestCustomizationEditor:
    def test_the_preview_follows_the_draft_and_link_uses_it_once_published(
        self, wide: Page, gingham: LiveGingham
    ) -> None:
        wide.goto(f"{gingham.base_url}/dashboard/customization?new=")
        frame = preview(wide)
        expect(frame.locator('[data-view="CONSENT"]')).to_be_visible()
        wide.get_by_label("Name", exact=True).fill("acme")
        wide.get_by_label("Use my own color behind Link").check()
        wide.get_by_label("Color", exact=True).fill("#aa3300")
        expect(frame.locator(".backdrop")).to_have_css("background-color", "rgb(170, 51, 0)")
        wide.get_by_label("Consent: what the app connects").fill("Acme wallet")
        expect(frame.locator("#pane-title")).to_contain_text("Acme wallet")
        expect(wide.get_by_test_id("preview-status")).to_have_text(
            "Preview of the draft. It is not published."
        )
        screenshot(wide, "dashboard-customization-consent-wide")

        wide.get_by_label("Preview pane").select_option("CONNECTED")
        wide.get_by_label("Connected: headline").fill("Acme is ready")
        expect(frame.locator('[data-view="CONNECTED"] #pane-title')).to_have_text("Acme is ready")
        screenshot(wide, "dashboard-customization-connected-wide")

        # Not published yet: Link knows no customization of that name.
        draft = post(
            gingham, "/link/token/create", {**_token_body(), "link_customization_name": "acme"}
        )
        assert draft.json()["error_code"] == "INVALID_LINK_CUSTOMIZATION"

        wide.get_by_role("button", name="Publish").click()
        expect(wide.get_by_test_id("notice")).to_contain_text("Published acme")
        expect(wide.get_by_label("Connected: headline")).to_have_value("Acme is ready")

        token = create_link_token(gingham, link_customization_name="acme")
        wide.goto(f"{gingham.base_url}/link/v2/stable/link.html?token={token}")
        expect(wide.locator('[data-view="CONSENT"]')).to_be_visible()
        expect(wide.locator("#pane-title")).to_contain_text("Acme wallet")
        expect(wide.locator("body")).to_have_css("background-color", "rgb(170, 51, 0)")

    def test_a_refused_draft_says_why_and_the_preview_keeps_the_last_good_one(
        self, wide: Page, gingham: LiveGingham
    ) -> None:
        wide.goto(f"{gingham.base_url}/dashboard/customization?new=")
        expect(preview(wide).locator('[data-view="CONSENT"]')).to_be_visible()
        wide.get_by_label("Name", exact=True).fill("picky")
        wide.get_by_label("Custom: the institutions below").check()
        expect(wide.get_by_test_id("preview-status")).to_contain_text(
            "must name at least one institution"
        )
        wide.get_by_role("button", name="Publish").click()
        expect(wide.get_by_test_id("notice")).to_contain_text("must name at least one institution")
        expect(wide.get_by_label("Name", exact=True)).to_have_value("picky")

    def test_edit_an_existing_customization_by_keyboard(
        self, wide: Page, gingham: LiveGingham
    ) -> None:
        saved = post(
            gingham,
            "/_gingham/link_customizations/save",
            {"name": "keyed", "text_strings": {"institution_select": "Your bank?"}},
        )
        assert saved.status_code == 200
        wide.goto(f"{gingham.base_url}/dashboard/customization")
        chooser = wide.get_by_label("Customization to edit")
        chooser.focus()
        chooser.select_option("keyed")
        wide.keyboard.press("Tab")
        wide.keyboard.press("Enter")
        field = wide.get_by_label("Institution Select: headline")
        expect(field).to_have_value("Your bank?")
        wide.get_by_label("Preview pane").focus()
        wide.get_by_label("Preview pane").select_option("SELECT_INSTITUTION")
        frame = preview(wide)
        expect(frame.locator('[data-view="SELECT_INSTITUTION"] #pane-title')).to_have_text(
            "Your bank?"
        )
        field.focus()
        wide.keyboard.press("ControlOrMeta+a")
        wide.keyboard.type("Where do you bank?")
        expect(frame.locator('[data-view="SELECT_INSTITUTION"] #pane-title')).to_have_text(
            "Where do you bank?"
        )
        # Enter in a field publishes, as any form does.
        wide.keyboard.press("Enter")
        expect(wide.get_by_test_id("notice")).to_contain_text("Published keyed")
        got = post(gingham, "/_gingham/link_customizations/get", {"name": "keyed"}).json()
        assert got["link_customization"]["text_strings"] == {
            "institution_select": "Where do you bank?"
        }

    @pytest.mark.parametrize(("size", "viewport"), [("wide", WIDE), ("phone", PHONE)])
    def test_the_editor_is_accessible_and_fits(
        self, browser: Browser, gingham: LiveGingham, size: str, viewport: dict[str, int]
    ) -> None:
        page = open_signed_in(browser, gingham, viewport)
        page.goto(f"{gingham.base_url}/dashboard/customization?new=")
        expect(preview(page).locator('[data-view="CONSENT"]')).to_be_visible()
        assert_accessible(page, f"the customization editor ({size})")
        assert_fits(page, "the customization editor")
        page.screenshot(path=_shot(f"dashboard-customization-{size}"), full_page=True)
        page.context.close()


def _token_body() -> dict[str, Any]:
    return {
        "client_name": "Browser Test App",
        "language": "en",
        "country_codes": ["US"],
        "products": ["transactions"],
        "user": {"client_user_id": "browser-user"},
    }


def _shot(name: str) -> str:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return str(ARTIFACTS / f"{name}.png")
