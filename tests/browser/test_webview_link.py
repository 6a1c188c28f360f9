"""Link in a mobile app's webview: link.html?isWebview=true as the whole page, reporting to the
app by plaidlink:// navigations.

The test plays the app. Chromium tells it of every navigation the page asks for (the DevTools
protocol's Page.frameRequestedNavigation, the counterpart of WKNavigationDelegate's
decidePolicyFor and Android's shouldOverrideUrlLoading), and refuses plaidlink:// itself, as
the app cancels it: the page stays on Link.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from playwright.sync_api import BrowserContext, Page, Playwright, expect

from tests.browser.accessibility import blocking_violations
from tests.browser.conftest import (
    CHROMIUM,
    CHROMIUM_ARGS,
    create_link_token,
    plaid_post,
    screenshot,
)
from tests.browser.test_link import HAPPY_PATH_EVENTS
from tests.browser.test_oauth import PLATYPUS_OAUTH, WEBVIEW_USER_AGENT, consent_at_bank
from tests.live_server import LiveGingham, live_gingham_on

LINK_PATH = "/link/v2/stable/link.html"
# Every key of Plaid's webview event, present even when empty, and Gingham's other event
# metadata keys (those of Plaid's onEvent).
EVENT_KEYS = {
    "account_number_mask",
    "routing_number",
    "event_name",
    "error_type",
    "error_code",
    "error_message",
    "exit_status",
    "institution_id",
    "institution_name",
    "institution_search_query",
    "is_update_mode",
    "match_reason",
    "mfa_type",
    "view_name",
    "request_id",
    "link_session_id",
    "timestamp",
    "selection",
}
CONNECTED_KEYS = {
    "public_token",
    "institution_id",
    "institution_name",
    "accounts",
    "transfer_status",
    "link_session_id",
    "account_id",
    "account_name",
}
EXIT_KEYS = {
    "status",
    "error_type",
    "error_code",
    "error_message",
    "display_message",
    "error_display_message",
    "institution_id",
    "institution_name",
    "link_session_id",
    "request_id",
    "link_request_id",
    "plaid_api_request_id",
}


class WebviewApp:
    """A mobile app's webview showing Link: the navigations Link asked for, in order."""

    def __init__(self, page: Page, gingham: LiveGingham) -> None:
        self.page = page
        self.gingham = gingham
        self.navigations: list[str] = []
        cdp = page.context.new_cdp_session(page)
        cdp.send("Page.enable")
        main_frame = cdp.send("Page.getFrameTree")["frameTree"]["frame"]["id"]

        def requested(event: dict[str, Any]) -> None:
            if event["frameId"] == main_frame:
                self.navigations.append(event["url"])

        cdp.on("Page.frameRequestedNavigation", requested)

    def load(self, **query: str) -> None:
        self.page.goto(
            f"{self.gingham.base_url}{LINK_PATH}?{urlencode({'isWebview': 'true', **query})}"
        )

    def actions(self) -> list[tuple[str, dict[str, str]]]:
        """The plaidlink:// navigations so far: (action, query), every value a string."""
        found = []
        for url in self.navigations:
            parts = urlsplit(url)
            if parts.scheme == "plaidlink":
                pairs = parse_qsl(parts.query, keep_blank_values=True)
                query = dict(pairs)
                assert len(query) == len(pairs), f"a key sent twice: {url}"
                found.append((parts.netloc, query))
        return found

    def events(self) -> list[dict[str, str]]:
        return [query for action, query in self.actions() if action == "event"]

    def event_names(self) -> list[str]:
        return [
            f"{e['event_name']}:{e['view_name']}"
            if e["event_name"] == "TRANSITION_VIEW"
            else e["event_name"]
            for e in self.events()
        ]

    def wait_for(self, action: str) -> dict[str, str]:
        """The query of the first `action` navigation, once Link has made it."""
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            for name, query in self.actions():
                if name == action:
                    return query
            self.page.wait_for_timeout(25)
        raise AssertionError(f"no plaidlink://{action} in {self.navigations}")

    def pane(self, view: str, shot: str | None = None) -> None:
        expect(self.page.locator(f'[data-view="{view}"]')).to_be_visible()
        if shot:
            screenshot(self.page, f"webview-{shot}")

    def click(self, testid: str) -> None:
        self.page.get_by_test_id(testid).click()

    def to_credentials(self, shots: bool = False) -> None:
        self.pane("CONSENT", "consent" if shots else None)
        self.click("consent-continue")
        self.pane("SELECT_INSTITUTION", "select-institution" if shots else None)
        self.click("institution-ins_109508")
        self.pane("CREDENTIAL", "credential" if shots else None)

    def submit_credentials(self, password: str = "pass_good") -> None:
        self.page.get_by_test_id("credential-username").fill("user_good")
        self.page.get_by_test_id("credential-password").fill(password)
        self.click("credential-submit")

    def still_on_link(self) -> None:
        # Every plaidlink:// navigation was refused: Link's page is still the one shown.
        assert urlsplit(self.page.url).path == LINK_PATH, self.page.url


@contextmanager
def mobile_webview(
    playwright: Playwright, profile: Path, gingham: LiveGingham
) -> Iterator[BrowserContext]:
    """A phone-sized Chromium with a webview's user agent that hands plaidlink:// to a no-op.

    Asked to open a scheme it has no handler for after a tap, desktop Chromium asks the user
    first (invisibly, headless), and that prompt swallows every later click and key. Allowed
    for Gingham's origin, the scheme goes straight to the system's opener, here `true`.
    """
    (profile / "Default").mkdir(parents=True)
    allowed = {gingham.base_url: {"plaidlink": True}}
    (profile / "Default" / "Preferences").write_text(
        json.dumps({"protocol_handler": {"allowed_origin_protocol_pairs": allowed}})
    )
    context = playwright.chromium.launch_persistent_context(
        profile,
        executable_path=CHROMIUM,
        headless=True,
        args=CHROMIUM_ARGS,
        env={**os.environ, "BROWSER": "true"},
        user_agent=WEBVIEW_USER_AGENT,
        viewport={"width": 375, "height": 760},
    )
    try:
        yield context
    finally:
        context.close()


@pytest.fixture
def webview(
    playwright: Playwright, tmp_path: Path, gingham: LiveGingham
) -> Iterator[BrowserContext]:
    with mobile_webview(playwright, tmp_path / "profile", gingham) as context:
        yield context


@pytest.fixture
def app(webview: BrowserContext, gingham: LiveGingham) -> WebviewApp:
    page = webview.new_page()
    page.set_default_timeout(10_000)
    return WebviewApp(page, gingham)


@pytest.fixture(scope="module")
def gingham_postgres(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveGingham]:
    with live_gingham_on("postgresql", tmp_path_factory, client_name="browser") as server:
        yield server


class TestConnected:
    @pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
    def test_connected_carries_every_key_after_every_event_in_order(
        self,
        playwright: Playwright,
        tmp_path: Path,
        request: pytest.FixtureRequest,
        backend: str,
    ) -> None:
        server: LiveGingham = request.getfixturevalue(
            "gingham" if backend == "sqlite" else "gingham_postgres"
        )
        with mobile_webview(playwright, tmp_path / "profile", server) as webview:
            self._link_and_check(WebviewApp(webview.new_page(), server), backend)

    def _link_and_check(self, app: WebviewApp, backend: str) -> None:
        server = app.gingham
        app.load(token=create_link_token(server))
        app.to_credentials(shots=backend == "sqlite")
        app.submit_credentials()
        app.pane("SELECT_ACCOUNT", "select-account" if backend == "sqlite" else None)
        app.page.get_by_test_id("account-" + _first_account_id(app)).click()
        app.click("accounts-continue")
        app.pane("CONNECTED", "connected" if backend == "sqlite" else None)
        app.click("connected-continue")
        connected = app.wait_for("connected")
        app.pane("DONE", "done" if backend == "sqlite" else None)
        # The app has the public token; the user is not shown it.
        expect(app.page.get_by_test_id("public-token")).to_have_count(0)

        # Nothing lost, nothing reordered, and connected comes last.
        assert app.event_names() == HAPPY_PATH_EVENTS
        assert [action for action, _ in app.actions()] == ["event"] * len(HAPPY_PATH_EVENTS) + [
            "connected"
        ]
        for event in app.events():
            assert set(event) == EVENT_KEYS, event["event_name"]
        stamps = [event["timestamp"] for event in app.events()]
        assert stamps == sorted(stamps)
        assert {event["link_session_id"] for event in app.events()} == {
            connected["link_session_id"]
        }
        search = app.events()[0]
        assert search["event_name"] == "OPEN" and search["error_code"] == ""

        assert set(connected) == CONNECTED_KEYS
        assert connected["institution_id"] == "ins_109508"
        assert connected["institution_name"] == "First Platypus Bank"
        assert connected["transfer_status"] == ""
        accounts = json.loads(connected["accounts"])
        assert len(accounts) == 1
        (account,) = accounts
        assert set(account) == {
            "_id",
            "meta",
            "type",
            "subtype",
            "verification_status",
            "class_type",
        }
        assert set(account["meta"]) == {"name", "number"}
        assert connected["account_id"] == account["_id"]
        assert connected["account_name"] == account["meta"]["name"]
        app.still_on_link()

        access_token = plaid_post(
            server, "/item/public_token/exchange", {"public_token": connected["public_token"]}
        )["access_token"]
        got = plaid_post(server, "/accounts/get", {"access_token": access_token})["accounts"]
        assert [(a["account_id"], a["mask"], a["subtype"]) for a in got] == [
            (account["_id"], account["meta"]["number"], account["subtype"])
        ]

    def test_a_search_is_reported_with_its_query(self, app: WebviewApp) -> None:
        app.load(token=create_link_token(app.gingham))
        app.pane("CONSENT")
        app.click("consent-continue")
        app.page.get_by_test_id("search-input").fill("Platypus & Co")
        deadline = time.monotonic() + 10
        while "SEARCH_INSTITUTION" not in app.event_names() and time.monotonic() < deadline:
            app.page.wait_for_timeout(25)
        (search,) = [e for e in app.events() if e["event_name"] == "SEARCH_INSTITUTION"]
        assert search["institution_search_query"] == "Platypus & Co"
        # Spaces as %20: iOS's URLComponents reads "+" as a plus sign.
        (url,) = [u for u in app.navigations if "SEARCH_INSTITUTION" in u]
        assert "institution_search_query=Platypus%20%26%20Co&" in url
        assert set(search) == EVENT_KEYS


def _first_account_id(app: WebviewApp) -> str:
    testid = app.page.locator('[data-testid^="account-"]').first.get_attribute("data-testid")
    assert testid
    return testid.removeprefix("account-")


class TestExit:
    def test_exit_without_an_error(self, app: WebviewApp) -> None:
        app.load(token=create_link_token(app.gingham))
        app.to_credentials()
        app.click("close")
        app.pane("EXIT", "exit-confirmation")
        app.click("exit-confirm")
        exit_query = app.wait_for("exit")
        assert set(exit_query) == EXIT_KEYS
        assert exit_query["status"] == "requires_credentials"
        for key in ("error_type", "error_code", "error_message", "display_message"):
            assert exit_query[key] == ""
        assert exit_query["error_display_message"] == ""
        assert exit_query["institution_id"] == "ins_109508"
        assert exit_query["institution_name"] == "First Platypus Bank"
        assert exit_query["request_id"] != ""
        assert exit_query["link_request_id"] == exit_query["request_id"]
        assert exit_query["plaid_api_request_id"] == exit_query["request_id"]
        assert app.event_names()[-2:] == ["TRANSITION_VIEW:EXIT", "EXIT"]
        assert [action for action, _ in app.actions()][-1] == "exit"
        app.still_on_link()

    def test_exit_after_an_item_error(self, app: WebviewApp) -> None:
        app.load(token=create_link_token(app.gingham))
        app.to_credentials()
        app.submit_credentials("error_ITEM_LOCKED")
        app.pane("ERROR", "item-locked")
        app.click("error-exit")
        app.click("exit-confirm")
        exit_query = app.wait_for("exit")
        assert set(exit_query) == EXIT_KEYS
        assert exit_query["error_type"] == "ITEM_ERROR"
        assert exit_query["error_code"] == "ITEM_LOCKED"
        assert exit_query["error_message"] != ""
        assert exit_query["display_message"] != ""
        assert exit_query["error_display_message"] == exit_query["display_message"]
        assert exit_query["status"] == "requires_credentials"
        (error_event,) = [e for e in app.events() if e["event_name"] == "ERROR"]
        assert error_event["error_code"] == "ITEM_LOCKED"

    def test_an_unknown_link_token_exits_at_once(self, app: WebviewApp) -> None:
        app.load(token="link-sandbox-00000000-0000-0000-0000-000000000000")
        exit_query = app.wait_for("exit")
        assert set(exit_query) == EXIT_KEYS
        assert exit_query["error_code"] == "INVALID_LINK_TOKEN"
        assert exit_query["error_type"] == "INVALID_INPUT"
        assert exit_query["display_message"] == exit_query["error_display_message"] == ""
        assert exit_query["link_session_id"] == ""
        app.pane("DONE", "invalid-link-token")


class TestOAuth:
    def test_the_bank_round_trip_resumes_with_received_redirect_uri(
        self, app: WebviewApp, app_origin: str
    ) -> None:
        # The app's redirect URI: the webview never needs to load it, the app catches it.
        redirect_uri = f"{app_origin}/webview-oauth-return"
        plaid_post(
            app.gingham, "/_gingham/client/redirect_uris/add", {"redirect_uri": redirect_uri}
        )
        token = create_link_token(app.gingham, redirect_uri=redirect_uri)
        app.load(token=token)
        app.pane("CONSENT")
        app.click("consent-continue")
        app.page.get_by_test_id("search-input").fill("Platypus OAuth")
        app.click(f"institution-{PLATYPUS_OAUTH}")
        app.pane("OAUTH", "oauth")
        app.click("oauth-continue")
        consent_at_bank(app.page, keep_masks=["0000"])
        app.page.wait_for_url(f"{redirect_uri}?oauth_state_id=*")
        before_bank = app.event_names()
        assert [n for n in before_bank if n != "SEARCH_INSTITUTION"] == [
            "OPEN",
            "TRANSITION_VIEW:SELECT_INSTITUTION",
            "SELECT_INSTITUTION",
            "TRANSITION_VIEW:OAUTH",
            "OPEN_OAUTH",
        ]
        # Link left for the bank only after the app had every event before it.
        bank_at = next(i for i, url in enumerate(app.navigations) if url.startswith("http"))
        assert all(url.startswith("plaidlink://") for url in app.navigations[:bank_at])
        assert len(app.navigations[:bank_at]) == len(before_bank)

        # The app reloads Link with the URL it caught, as Plaid's webview samples do.
        app.load(token=token, receivedRedirectUri=app.page.url)
        app.pane("CONNECTED", "oauth-connected")
        app.click("connected-continue")
        connected = app.wait_for("connected")
        # Link opened again at the redirect URI says so, and carries on.
        assert app.event_names()[len(before_bank) :] == [
            "OPEN",
            "TRANSITION_VIEW:CONNECTED",
            "HANDOFF",
        ]
        sessions = {e["link_session_id"] for e in app.events()}
        assert sessions == {connected["link_session_id"]}
        assert connected["institution_id"] == PLATYPUS_OAUTH
        assert [a["meta"]["number"] for a in json.loads(connected["accounts"])] == ["0000"]

    def test_without_a_redirect_uri_the_bank_is_not_opened(self, app: WebviewApp) -> None:
        app.load(token=create_link_token(app.gingham))
        app.pane("CONSENT")
        app.click("consent-continue")
        app.page.get_by_test_id("search-input").fill("Platypus OAuth")
        app.click(f"institution-{PLATYPUS_OAUTH}")
        app.pane("OAUTH")
        app.click("oauth-continue")
        expect(app.page.locator("[data-alert]")).to_contain_text("no redirect URI")
        app.pane("OAUTH", "oauth-no-redirect-uri")
        assert not any(url.startswith("http") for url in app.navigations)


@pytest.fixture
def public_key(gingham: LiveGingham) -> str:
    key: str = plaid_post(gingham, "/_gingham/client/public_key/get", {})["public_key"]
    return key


class TestLegacyPublicKey:
    def test_a_public_key_webview_links_one_account(self, app: WebviewApp, public_key: str) -> None:
        app.load(
            key=public_key,
            env="sandbox",
            product="transactions,auth",
            clientName="Legacy Webview App",
            selectAccount="true",
            countryCodes="US",
            webhook="https://example.com/hook",
            isMobile="true",
            apiVersion="v2",
        )
        app.to_credentials()
        app.submit_credentials()
        app.pane("SELECT_ACCOUNT", "legacy-select-account")
        account_id = _first_account_id(app)
        app.page.get_by_test_id(f"account-{account_id}").click()
        app.click("accounts-continue")
        app.pane("CONNECTED")
        app.click("connected-continue")
        connected = app.wait_for("connected")
        assert set(connected) == CONNECTED_KEYS
        assert connected["account_id"] == account_id
        (account,) = json.loads(connected["accounts"])
        assert account["_id"] == account_id
        access_token = plaid_post(
            app.gingham, "/item/public_token/exchange", {"public_token": connected["public_token"]}
        )["access_token"]
        item = plaid_post(app.gingham, "/item/get", {"access_token": access_token})["item"]
        assert item["webhook"] == "https://example.com/hook"
        assert set(item["billed_products"]) >= {"transactions", "auth"}

    def test_update_mode_through_a_public_token(self, app: WebviewApp, public_key: str) -> None:
        public_token = plaid_post(
            app.gingham,
            "/sandbox/public_token/create",
            {"institution_id": "ins_109508", "initial_products": ["transactions"]},
        )["public_token"]
        access_token = plaid_post(
            app.gingham, "/item/public_token/exchange", {"public_token": public_token}
        )["access_token"]
        plaid_post(app.gingham, "/sandbox/item/reset_login", {"access_token": access_token})
        update_token = plaid_post(
            app.gingham, "/item/public_token/create", {"access_token": access_token}
        )["public_token"]
        # Plaid's Android sample named the update-mode token `public_token`.
        app.load(
            key=public_key,
            env="sandbox",
            product="transactions",
            clientName="Legacy Webview App",
            public_token=update_token,
        )
        app.pane("CONSENT")
        app.click("consent-continue")
        app.pane("CREDENTIAL", "legacy-update-credential")
        app.submit_credentials()
        app.pane("CONNECTED")
        app.click("connected-continue")
        app.wait_for("connected")
        item = plaid_post(app.gingham, "/item/get", {"access_token": access_token})["item"]
        assert item["error"] is None

    def test_a_bad_option_names_itself_in_the_exit(self, app: WebviewApp, public_key: str) -> None:
        app.load(
            key=public_key,
            env="sandbox",
            product="transactions",
            clientName="Legacy Webview App",
            selectAccount="maybe",
        )
        exit_query = app.wait_for("exit")
        assert exit_query["error_code"] == "INVALID_FIELD"
        assert "selectAccount" in exit_query["error_message"]


class TestAccessibility:
    def test_the_webview_page_passes_axe_and_works_by_keyboard(self, app: WebviewApp) -> None:
        app.load(token=create_link_token(app.gingham))
        app.pane("CONSENT")
        assert app.page.evaluate("document.documentElement.scrollWidth") <= 375
        assert blocking_violations(app.page) == []
        # By keyboard alone: Tab to a control and press Enter, type into the search box.
        tab_to(app.page, "consent-continue")
        app.page.keyboard.press("Enter")
        app.pane("SELECT_INSTITUTION")
        assert blocking_violations(app.page) == []
        tab_to(app.page, "search-input")
        app.page.keyboard.type("First Platypus")
        expect(app.page.get_by_test_id("institution-ins_109508")).to_be_visible()
        tab_to(app.page, "institution-ins_109508")
        app.page.keyboard.press("Enter")
        app.pane("CREDENTIAL", "keyboard-credential")
        assert blocking_violations(app.page) == []
        assert app.page.evaluate("document.documentElement.scrollWidth") <= 375
        app.page.keyboard.press("Escape")
        app.pane("EXIT", "keyboard-exit")
        tab_to(app.page, "exit-confirm")
        app.page.keyboard.press("Enter")
        assert app.wait_for("exit")["status"] == "requires_credentials"


def tab_to(page: Page, testid: str) -> None:
    for _ in range(30):
        if (
            page.evaluate("() => document.activeElement && document.activeElement.dataset.testid")
            == testid
        ):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {testid}")
