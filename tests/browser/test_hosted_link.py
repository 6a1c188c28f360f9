"""Hosted Link in Chromium: from the hosted_link_url through Link to the completion redirect, with
the LINK webhooks received by a real receiver, an OAuth bank's return leg hosted by Gingham, and
the pages a URL shows when it can no longer run Link."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, Route, expect

from tests.browser.accessibility import blocking_violations
from tests.browser.conftest import plaid_post, screenshot
from tests.browser.test_oauth import PLATYPUS_OAUTH, WEBVIEW_USER_AGENT, consent_at_bank
from tests.live_server import LiveGingham, live_gingham_on
from tests.webhooks.receiver import Delivery, Receiver, running_receiver

# The app's completion page: the browser never reaches it, the test's route answers for it.
APP = "https://wonderwallet.example"
COMPLETION = f"{APP}/hosted-link-complete"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveGingham]:
    # A server of its own: one test moves the client's sandbox clock.
    with live_gingham_on("sqlite", tmp_path_factory, client_name="hosted-link") as running:
        yield running


@pytest.fixture
def receiver(server: LiveGingham) -> Iterator[Receiver]:
    def fetch(kid: str) -> dict[str, Any]:
        key: dict[str, Any] = plaid_post(server, "/webhook_verification_key/get", {"key_id": kid})[
            "key"
        ]
        return key

    with running_receiver(fetch) as running:
        yield running


@pytest.fixture
def app_pages(page: Page) -> list[str]:
    """The URLs of the app's pages the browser was sent to."""
    reached: list[str] = []

    def answer(route: Route) -> None:
        reached.append(route.request.url)
        route.fulfill(
            status=200,
            content_type="text/html",
            body='<!doctype html><html lang="en"><title>Back in the app</title><h1>Back in the app</h1></html>',
        )

    page.route(f"{APP}/**", answer)
    return reached


def create_hosted(server: LiveGingham, receiver: Receiver | None, **hosted: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "client_name": "Wonder Wallet",
        "language": "en",
        "country_codes": ["US"],
        "products": ["transactions"],
        "user": {"client_user_id": "hosted-user"},
        "hosted_link": {
            key: value
            for key, value in {"completion_redirect_uri": COMPLETION, **hosted}.items()
            if value is not None
        },
    }
    if receiver is not None:
        body["webhook"] = f"{receiver.url}/plaid"
    return plaid_post(server, "/link/token/create", body)


def pane(page: Page, view: str, shot: str | None = None) -> None:
    expect(page.locator(f'[data-view="{view}"]')).to_be_visible()
    if shot:
        screenshot(page, shot)


def by_code(deliveries: list[Delivery]) -> dict[str, dict[str, Any]]:
    assert all(d.verified for d in deliveries), [d.rejection for d in deliveries]
    codes = [d.payload["webhook_code"] for d in deliveries]
    assert len(set(codes)) == len(codes), codes
    return {d.payload["webhook_code"]: d.payload for d in deliveries}


def link_first_platypus(page: Page, shots: str | None = None) -> None:
    pane(page, "CONSENT", f"{shots}-consent" if shots else None)
    page.get_by_test_id("consent-continue").click()
    pane(page, "SELECT_INSTITUTION")
    page.get_by_test_id("institution-ins_109508").click()
    pane(page, "CREDENTIAL")
    page.get_by_test_id("credential-username").fill("user_good")
    page.get_by_test_id("credential-password").fill("pass_good")
    page.get_by_test_id("credential-submit").click()
    pane(page, "SELECT_ACCOUNT")
    page.locator('[data-testid^="account-"]').first.click()
    page.get_by_test_id("accounts-continue").click()
    pane(page, "CONNECTED", f"{shots}-connected" if shots else None)
    page.get_by_test_id("connected-continue").click()


class TestHostedLink:
    def test_linking_ends_on_the_completion_redirect_and_the_app_gets_the_webhooks(
        self, page: Page, server: LiveGingham, receiver: Receiver, app_pages: list[str]
    ) -> None:
        created = create_hosted(server, receiver)
        page.goto(created["hosted_link_url"])
        assert blocking_violations(page) == []
        link_first_platypus(page, shots="hosted-link")
        page.wait_for_url(COMPLETION)
        assert app_pages == [COMPLETION]

        sent = by_code(receiver.wait_for(3))
        assert set(sent) == {"ITEM_ADD_RESULT", "SESSION_FINISHED", "EVENTS"}
        finished = sent["SESSION_FINISHED"]
        assert finished["status"] == "SUCCESS"
        assert finished["link_token"] == created["link_token"]
        (public_token,) = finished["public_tokens"]
        assert sent["ITEM_ADD_RESULT"]["public_token"] == public_token
        names = [e["event_name"] for e in sent["EVENTS"]["events"]]
        assert names[0] == "OPEN" and names[-1] == "HANDOFF"
        plaid_post(server, "/item/public_token/exchange", {"public_token": public_token})

        got = plaid_post(server, "/link/token/get", {"link_token": created["link_token"]})
        (session,) = got["link_sessions"]
        assert session["link_session_id"] == finished["link_session_id"]
        assert session["results"]["item_add_results"][0]["public_token"] == public_token

        # The URL has done its work: opened again, it says so instead of starting Link.
        page.goto(created["hosted_link_url"])
        pane(page, "HOSTED_LINK_COMPLETED", "hosted-link-completed")
        assert blocking_violations(page) == []

    def test_exiting_also_ends_on_the_completion_redirect(
        self, page: Page, server: LiveGingham, receiver: Receiver, app_pages: list[str]
    ) -> None:
        created = create_hosted(server, receiver)
        page.goto(created["hosted_link_url"])
        pane(page, "CONSENT")
        page.get_by_test_id("close").click()
        pane(page, "EXIT", "hosted-link-exit")
        page.get_by_test_id("exit-confirm").click()
        page.wait_for_url(COMPLETION)

        sent = by_code(receiver.wait_for(2))
        assert set(sent) == {"SESSION_FINISHED", "EVENTS"}
        assert sent["SESSION_FINISHED"]["status"] == "EXITED"
        assert sent["EVENTS"]["events"][-1]["event_name"] == "EXIT"

        # After an exit the same URL runs Link again, as a new session.
        page.goto(created["hosted_link_url"])
        pane(page, "CONSENT")
        got = plaid_post(server, "/link/token/get", {"link_token": created["link_token"]})
        sessions = got["link_sessions"]
        assert len(sessions) == 2
        assert "exit" in sessions[0] and "results" not in sessions[0]
        assert sessions[1]["finished_at"] is None

    def test_without_a_completion_redirect_the_page_says_link_is_done(
        self, page: Page, server: LiveGingham
    ) -> None:
        created = create_hosted(server, None, completion_redirect_uri=None)
        page.goto(created["hosted_link_url"])
        link_first_platypus(page)
        pane(page, "DONE", "hosted-link-done")
        # The public token is the app's: the page never shows it.
        expect(page.get_by_test_id("public-token")).to_have_count(0)
        assert created["hosted_link_url"] in page.url


class TestOAuthInHostedLink:
    def test_on_a_computer_the_bank_opens_in_a_popup_over_the_hosted_page(
        self, page: Page, server: LiveGingham, receiver: Receiver, app_pages: list[str]
    ) -> None:
        created = create_hosted(server, receiver)
        page.goto(created["hosted_link_url"])
        pane(page, "CONSENT")
        page.get_by_test_id("consent-continue").click()
        page.get_by_test_id("search-input").fill("Platypus OAuth")
        page.get_by_test_id(f"institution-{PLATYPUS_OAUTH}").click()
        pane(page, "OAUTH")
        with page.context.expect_page() as popup:
            page.get_by_test_id("oauth-continue").click()
        consent_at_bank(popup.value)
        pane(page, "CONNECTED")
        page.get_by_test_id("connected-continue").click()
        page.wait_for_url(COMPLETION)
        assert by_code(receiver.wait_for(3))["SESSION_FINISHED"]["status"] == "SUCCESS"

    def test_the_bank_returns_to_gingham_and_link_resumes_without_an_app_redirect_uri(
        self, browser: Browser, server: LiveGingham, receiver: Receiver
    ) -> None:
        # A phone app opening the URL in a web view: Link goes to the bank in the same page.
        context = browser.new_context(
            user_agent=WEBVIEW_USER_AGENT, viewport={"width": 375, "height": 800}
        )
        page = context.new_page()
        page.set_default_timeout(10_000)
        reached: list[str] = []

        def answer(route: Route) -> None:
            reached.append(route.request.url)
            route.fulfill(body="ok")

        page.route(f"{APP}/**", answer)
        try:
            created = create_hosted(server, receiver, is_mobile_app=True)
            page.goto(created["hosted_link_url"])
            pane(page, "CONSENT")
            page.get_by_test_id("consent-continue").click()
            page.get_by_test_id("search-input").fill("Platypus OAuth")
            page.get_by_test_id(f"institution-{PLATYPUS_OAUTH}").click()
            pane(page, "OAUTH", "hosted-link-oauth")
            page.get_by_test_id("oauth-continue").click()
            consent_at_bank(page)
            page.wait_for_url(f"{server.base_url}/hosted-link/oauth-return?oauth_state_id=*")
            pane(page, "CONNECTED", "hosted-link-oauth-connected")
            page.get_by_test_id("connected-continue").click()
            page.wait_for_url(COMPLETION)
            assert reached == [COMPLETION]
        finally:
            context.close()
        sent = by_code(receiver.wait_for(3))
        # One SESSION_FINISHED for the session, though Link started twice (before and after the bank).
        assert sent["SESSION_FINISHED"]["status"] == "SUCCESS"
        names = [e["event_name"] for e in sent["EVENTS"]["events"]]
        assert "OPEN_OAUTH" in names and names[-1] == "HANDOFF"


class TestUnusablePages:
    def test_an_expired_url_says_so_on_the_sandbox_clock(
        self, page: Page, server: LiveGingham
    ) -> None:
        created = create_hosted(server, None, url_lifetime_seconds=60)
        page.goto(created["hosted_link_url"])
        pane(page, "CONSENT")
        plaid_post(server, "/_gingham/clock/advance", {"by": "PT2M"})
        response = page.goto(created["hosted_link_url"])
        assert response is not None and response.status == 410
        pane(page, "HOSTED_LINK_EXPIRED", "hosted-link-expired")
        expect(page.get_by_role("heading", level=1)).to_have_text("This link has expired")
        assert blocking_violations(page) == []

    def test_an_unknown_url(self, page: Page, server: LiveGingham) -> None:
        response = page.goto(f"{server.base_url}/hosted-link/no-such-link")
        assert response is not None and response.status == 404
        pane(page, "HOSTED_LINK_NOT_FOUND")
        assert blocking_violations(page) == []


class TestSmallScreensAndKeyboard:
    def test_at_375_px_nothing_scrolls_sideways(
        self, browser: Browser, server: LiveGingham
    ) -> None:
        context = browser.new_context(viewport={"width": 375, "height": 740})
        page = context.new_page()
        try:
            created = create_hosted(server, None)
            page.goto(created["hosted_link_url"])
            pane(page, "CONSENT", "hosted-link-375-consent")
            assert page.evaluate("() => document.documentElement.scrollWidth") <= 375
            assert blocking_violations(page) == []
            page.goto(f"{server.base_url}/hosted-link/no-such-link")
            pane(page, "HOSTED_LINK_NOT_FOUND", "hosted-link-375-not-found")
            assert page.evaluate("() => document.documentElement.scrollWidth") <= 375
        finally:
            context.close()

    def test_the_whole_flow_by_keyboard(
        self, page: Page, server: LiveGingham, app_pages: list[str]
    ) -> None:
        created = create_hosted(server, None)
        page.goto(created["hosted_link_url"])
        pane(page, "CONSENT")
        tab_to(page, "consent-continue")
        page.keyboard.press("Enter")
        pane(page, "SELECT_INSTITUTION")
        page.keyboard.type("First Platypus")
        expect(page.get_by_test_id("institution-ins_109508")).to_be_visible()
        expect(page.locator(".search.is-searching")).to_have_count(0)
        tab_to(page, "institution-ins_109508", key="ArrowDown")
        page.keyboard.press("Enter")
        pane(page, "CREDENTIAL")
        expect(page.get_by_test_id("credential-username")).to_be_focused()
        page.keyboard.type("user_good")
        page.keyboard.press("Tab")
        page.keyboard.type("pass_good")
        tab_to(page, "credential-submit")
        page.keyboard.press("Enter")
        pane(page, "SELECT_ACCOUNT")
        page.keyboard.press("Tab")
        page.keyboard.press("Space")
        tab_to(page, "accounts-continue")
        page.keyboard.press("Enter")
        pane(page, "CONNECTED")
        tab_to(page, "connected-continue")
        page.keyboard.press("Enter")
        page.wait_for_url(COMPLETION)


def tab_to(page: Page, testid: str, *, key: str = "Tab", limit: int = 12) -> None:
    stops = []
    for _ in range(limit):
        page.keyboard.press(key)
        focused = page.evaluate(
            "() => document.activeElement && document.activeElement.getAttribute('data-testid')"
        )
        stops.append(focused)
        if focused == testid:
            return
    raise AssertionError(f"{key} never reached {testid}; stops: {stops}")
