"""What the Link panes show, as Plaid's do: bank logos, an error pane per error family,
Account Select's hint and notes, the show-password toggle, the loading pane and the privacy link.

Where a case is hard to reach through the sandbox (ITEM_NO_ERROR, a single account left out),
the test rewrites the server's answer on its way to the frame: what is under test is the pane.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, Route, expect

from tests.browser.conftest import create_link_token
from tests.browser.link_page import LinkInBrowser
from tests.live_server import LiveGingham

ACTIONS = "**/link/frame/sessions/*/actions"


@pytest.fixture
def link(page: Page, app_origin: str, gingham: LiveGingham) -> LinkInBrowser:
    return LinkInBrowser(page, app_origin, gingham)


def open_link(link: LinkInBrowser, **token: Any) -> None:
    link.load_app()
    link.create(create_link_token(link.gingham, **token))
    link.open()


def rewrite_views(page: Page, change: Callable[[dict[str, Any]], None]) -> None:
    """Pass every session state the server answers through `change(view)` before the frame
    sees it."""

    def handle(route: Route) -> None:
        response = route.fetch()
        state = response.json()
        if isinstance(state, dict) and isinstance(state.get("view"), dict):
            change(state["view"])
        route.fulfill(response=response, body=json.dumps(state))

    page.route(ACTIONS, handle)


def fail_login(link: LinkInBrowser, password: str, **token: Any) -> None:
    open_link(link, **token)
    link.to_credentials()
    link.submit_credentials(password)
    link.pane("ERROR")


class TestInstitutionLogos:
    def test_results_show_each_banks_logo_over_its_monogram(self, link: LinkInBrowser) -> None:
        open_link(link)
        link.click("consent-continue")
        result = link.frame.get_by_test_id("institution-ins_109508")
        logo = result.get_by_test_id("institution-logo")
        expect(logo).to_have_attribute("src", "/link/v2/stable/institutions/logos/ins_109508.png")
        expect(result.locator(".mark")).to_have_class("mark has-logo")
        assert logo.evaluate("img => img.naturalWidth") == 152
        expect(result).to_contain_text("firstplatypusbank.com")

    def test_a_logo_that_fails_to_load_leaves_the_monogram(
        self, page: Page, link: LinkInBrowser
    ) -> None:
        page.route("**/institutions/logos/*.png", lambda route: route.abort())
        open_link(link)
        link.click("consent-continue")
        result = link.frame.get_by_test_id("institution-ins_109508")
        expect(result.locator(".monogram")).to_be_visible()
        expect(result.get_by_test_id("institution-logo")).to_have_count(0)


class TestErrorPanes:
    def test_a_down_bank_offers_another_institution(self, link: LinkInBrowser) -> None:
        open_link(link)
        link.click("consent-continue")
        link.click("institution-ins_132361")
        link.pane("ERROR")
        pane = link.frame.locator('[data-view="ERROR"]')
        expect(pane).to_have_attribute("data-error-family", "institution")
        expect(pane.locator("#pane-title")).to_have_text(
            "Please try connecting a different account"
        )
        # The server's display_message, not the family's default.
        expect(link.frame.get_by_test_id("error-display")).to_contain_text(
            "not currently responding"
        )
        expect(link.frame.get_by_test_id("error-retry")).to_have_text("Choose another institution")
        link.click("error-retry")
        link.pane("SELECT_INSTITUTION")

    def test_a_locked_item_offers_only_exit(self, link: LinkInBrowser) -> None:
        # The server sends can_retry false: signing in again cannot unlock the account.
        fail_login(link, "error_ITEM_LOCKED")
        pane = link.frame.locator('[data-view="ERROR"]')
        expect(pane).to_have_attribute("data-error-family", "item")
        expect(pane.locator("#pane-title")).to_have_text("Too many attempts")
        expect(link.frame.get_by_test_id("error-retry")).to_have_count(0)
        expect(link.frame.get_by_test_id("error-exit")).to_have_text("Exit")
        link.click("error-exit")
        link.pane("EXIT")

    def test_an_item_error_that_can_be_retried_says_try_again(self, link: LinkInBrowser) -> None:
        fail_login(link, "error_INSUFFICIENT_CREDENTIALS")
        pane = link.frame.locator('[data-view="ERROR"]')
        expect(pane).to_have_attribute("data-error-family", "item")
        expect(link.frame.get_by_test_id("error-retry")).to_have_text("Try again")
        link.click("error-retry")
        link.pane("CREDENTIAL")

    def test_an_institution_error_at_sign_in_retries_the_sign_in(self, link: LinkInBrowser) -> None:
        fail_login(link, "error_INSTITUTION_NOT_RESPONDING")
        pane = link.frame.locator('[data-view="ERROR"]')
        expect(pane).to_have_attribute("data-error-family", "institution")
        expect(pane.locator("#pane-title")).to_have_text("Couldn't connect to your institution")
        expect(link.frame.get_by_test_id("error-retry")).to_have_text("Try again")
        link.click("error-retry")
        link.pane("CREDENTIAL")

    def test_no_auth_accounts(self, link: LinkInBrowser) -> None:
        password = '{"override_accounts": [{"type": "loan", "subtype": "student"}]}'
        open_link(link, products=["auth"])
        link.to_credentials()
        link.submit_credentials(password, username="user_custom")
        link.pane("ERROR")
        pane = link.frame.locator('[data-view="ERROR"]')
        expect(pane).to_have_attribute("data-error-family", "item")
        expect(pane.locator("#pane-title")).to_have_text("No eligible accounts")
        expect(link.frame.get_by_test_id("error-code")).to_contain_text("NO_AUTH_ACCOUNTS")

    def test_internal_server_error(self, link: LinkInBrowser) -> None:
        fail_login(link, "error_INTERNAL_SERVER_ERROR")
        pane = link.frame.locator('[data-view="ERROR"]')
        expect(pane).to_have_attribute("data-error-family", "api")
        expect(pane.locator("#pane-title")).to_have_text("Something went wrong")

    def test_nothing_to_update(self, page: Page, link: LinkInBrowser) -> None:
        def no_error(view: dict[str, Any]) -> None:
            view["can_retry"] = False
            view["error"] = {
                "error_type": "ITEM_ERROR",
                "error_code": "ITEM_NO_ERROR",
                "error_message": "no error",
                "display_message": None,
            }

        rewrite_views(page, no_error)
        fail_login(link, "error_INTERNAL_SERVER_ERROR")
        pane = link.frame.locator('[data-view="ERROR"]')
        expect(pane).to_have_attribute("data-error-family", "no-error")
        expect(pane.locator("#pane-title")).to_have_text("Account already connected")
        expect(link.frame.get_by_test_id("error-retry")).to_have_count(0)
        expect(link.frame.get_by_test_id("error-exit")).to_have_text("Done")

    def test_an_expired_link_token_on_a_page_of_its_own(
        self, page: Page, gingham: LiveGingham
    ) -> None:
        page.goto(f"{gingham.base_url}/link/v2/stable/link.html?token=link-sandbox-expired")
        done = page.locator('[data-view="DONE"]')
        expect(done).to_have_attribute("data-error-family", "session")
        expect(done.locator("#pane-title")).to_have_text("This session has ended")
        expect(page.get_by_test_id("error-code")).to_contain_text("INVALID_LINK_TOKEN")

    def test_gingham_out_of_reach(self, page: Page, gingham: LiveGingham) -> None:
        page.route("**/link/frame/sessions", lambda route: route.abort())
        page.goto(f"{gingham.base_url}/link/v2/stable/link.html?token=link-sandbox-unknown")
        pane = page.locator('[data-view="ERROR"]')
        expect(pane).to_have_attribute("data-error-family", "network")
        expect(pane.locator("#pane-title")).to_have_text("Couldn't start Link")
        page.unroute("**/link/frame/sessions")
        # Back in reach, Try again starts the session (whose token then turns out unknown).
        page.get_by_test_id("error-retry").click()
        expect(page.locator('[data-view="DONE"]')).to_have_attribute("data-error-family", "session")


class TestAccountSelect:
    def test_continue_is_disabled_with_a_hint_until_an_account_is_chosen(
        self, link: LinkInBrowser
    ) -> None:
        open_link(link)
        link.to_credentials()
        link.submit_credentials()
        link.pane("SELECT_ACCOUNT")
        hint = link.frame.get_by_test_id("accounts-hint")
        continue_button = link.frame.get_by_test_id("accounts-continue")
        expect(hint).to_have_text("Select at least one account to continue")
        expect(continue_button).to_be_disabled()
        hint_id = hint.get_attribute("id")
        expect(continue_button).to_have_attribute("aria-describedby", hint_id or "")
        link.frame.locator('[data-testid^="account-"]').first.check()
        expect(continue_button).to_be_enabled()
        expect(hint).to_be_hidden()
        expect(continue_button).not_to_have_attribute("aria-describedby", hint_id or "")
        link.frame.locator('[data-testid^="account-"]').first.uncheck()
        expect(hint).to_be_visible()
        expect(continue_button).to_be_disabled()

    def test_preselected_accounts_need_no_hint(self, page: Page, link: LinkInBrowser) -> None:
        # Update mode ticks the accounts the Item shares already (test_update_mode_accounts.py
        # covers the server's side): Continue works at once and no hint shows.
        def preselect_first(view: dict[str, Any]) -> None:
            if view["name"] == "SELECT_ACCOUNT":
                view["accounts"][0]["selected"] = True

        rewrite_views(page, preselect_first)
        open_link(link)
        link.to_credentials()
        link.submit_credentials()
        link.pane("SELECT_ACCOUNT")
        expect(link.frame.locator('[data-testid^="account-"]').first).to_be_checked()
        expect(link.frame.get_by_test_id("accounts-continue")).to_be_enabled()
        expect(link.frame.get_by_test_id("accounts-hint")).to_be_hidden()

    def test_single_select_uses_radio_buttons(self, link: LinkInBrowser) -> None:
        open_link(link, link_customization_name="single_account_select")
        link.to_credentials()
        link.submit_credentials()
        link.pane("SELECT_ACCOUNT")
        expect(link.frame.get_by_test_id("accounts-hint")).to_have_text(
            "Select an account to continue"
        )
        expect(link.frame.locator('input[type="radio"][name="account"]').first).to_be_visible()
        expect(link.frame.locator('input[type="checkbox"][name="account"]')).to_have_count(0)

    def test_subtypes_are_spelled_as_banks_spell_them(self, link: LinkInBrowser) -> None:
        accounts = [
            {"type": "depository", "subtype": subtype, "meta": {"mask": mask}}
            for subtype, mask in (("cd", "1001"), ("money market", "1002"), ("hsa", "1003"))
        ]
        open_link(link)
        link.to_credentials()
        link.submit_credentials(json.dumps({"override_accounts": accounts}), username="user_custom")
        link.pane("SELECT_ACCOUNT")
        meta = link.frame.locator(".account-meta")
        expect(meta).to_have_text(["•••• 1001 · CD", "•••• 1002 · Money market", "•••• 1003 · HSA"])

    def test_accounts_left_out_are_noted(self, link: LinkInBrowser) -> None:
        # Auth uses checking and savings accounts only: the login's others are left out.
        open_link(link, products=["auth"])
        link.to_credentials()
        link.submit_credentials()
        note = link.frame.get_by_test_id("accounts-left-out")
        expect(note).to_contain_text(
            "Some accounts aren't shown because they can't be used for account and routing numbers."
        )
        left_out = note.locator("li")
        expect(left_out.filter(has_text="Plaid CD")).to_have_text("Plaid CD · •••• 2222 · CD")
        expect(left_out.filter(has_text="Plaid 401k")).to_have_text("Plaid 401k · •••• 6666 · 401k")

    def test_one_account_left_out(self, page: Page, link: LinkInBrowser) -> None:
        def one_left_out(view: dict[str, Any]) -> None:
            if view["name"] == "SELECT_ACCOUNT":
                view["left_out"] = [{"name": "Plaid IRA", "mask": "5555", "subtype": "ira"}]
                view["left_out_products"] = ["Investments", "CRA"]

        rewrite_views(page, one_left_out)
        open_link(link)
        link.to_credentials()
        link.submit_credentials()
        note = link.frame.get_by_test_id("accounts-left-out")
        expect(note).to_contain_text(
            "1 account isn't shown because it can't be used for investments and CRA."
        )
        expect(note.locator("li")).to_have_text(["Plaid IRA · •••• 5555 · IRA"])

    def test_no_note_without_left_out_accounts(self, link: LinkInBrowser) -> None:
        only_checking = {"override_accounts": [{"type": "depository", "subtype": "checking"}]}
        open_link(link)
        link.to_credentials()
        link.submit_credentials(json.dumps(only_checking), username="user_custom")
        link.pane("SELECT_ACCOUNT")
        expect(link.frame.get_by_test_id("accounts-left-out")).to_have_count(0)


class TestShowPassword:
    def test_the_toggle_shows_and_hides_the_password(self, link: LinkInBrowser) -> None:
        open_link(link)
        link.to_credentials()
        password = link.frame.get_by_test_id("credential-password")
        toggle = link.frame.get_by_test_id("credential-password-toggle")
        link.fill("credential-password", "pass_good")
        expect(toggle).to_have_attribute("aria-pressed", "false")
        expect(toggle).to_have_accessible_name("Show password")
        toggle.focus()
        link.page.keyboard.press("Space")
        expect(password).to_have_attribute("type", "text")
        expect(toggle).to_have_attribute("aria-pressed", "true")
        link.page.keyboard.press("Enter")
        expect(password).to_have_attribute("type", "password")
        expect(toggle).to_have_attribute("aria-pressed", "false")

    def test_a_shown_password_is_not_kept_after_a_failed_attempt(self, link: LinkInBrowser) -> None:
        open_link(link)
        link.to_credentials()
        link.fill("credential-username", "user_good")
        link.fill("credential-password", "not-the-password")
        link.click("credential-password-toggle")
        link.click("credential-submit")
        expect(link.frame.get_by_test_id("error-message")).to_contain_text("not correct")
        expect(link.frame.get_by_test_id("credential-username")).to_have_value("user_good")
        expect(link.frame.get_by_test_id("credential-password")).to_have_value("")
        expect(link.frame.get_by_test_id("credential-password")).to_have_attribute(
            "type", "password"
        )


class TestLoading:
    def test_a_spinner_with_words_in_a_live_region(self, page: Page, gingham: LiveGingham) -> None:
        # The first request never answers: the frame stays on its loading pane.
        page.route("**/link/frame/sessions", lambda route: None)
        page.goto(f"{gingham.base_url}/link/v2/stable/link.html?token=link-sandbox-waiting")
        status = page.get_by_test_id("loading-status")
        expect(status).to_have_attribute("role", "status")
        expect(status).to_have_text("Loading…")
        expect(page.locator("#busy")).to_be_hidden()

    def test_reduced_motion_slows_the_spinner(self, page: Page, gingham: LiveGingham) -> None:
        page.emulate_media(reduced_motion="reduce")
        page.route("**/link/frame/sessions", lambda route: None)
        page.goto(f"{gingham.base_url}/link/v2/stable/link.html?token=link-sandbox-waiting")
        spinner = page.locator('[data-view="LOADING"] .spinner')
        assert spinner.evaluate("el => getComputedStyle(el).animationDuration") == "2s"


class TestPrivacyPolicy:
    def test_the_consent_pane_links_it_in_a_new_tab(self, page: Page, link: LinkInBrowser) -> None:
        open_link(link)
        link.pane("CONSENT")
        policy = link.frame.get_by_test_id("consent-privacy-policy")
        expect(policy).to_have_attribute("target", "_blank")
        rel = (policy.get_attribute("rel") or "").split()
        assert "noopener" in rel
        with page.context.expect_page() as opened:
            policy.click()
        tab = opened.value
        tab.wait_for_load_state()
        assert tab.url.endswith("/link/v2/stable/privacy")
        expect(tab.locator("h1")).to_have_text("Gingham End User Privacy Policy")
        # The new tab cannot reach back into Link.
        assert tab.evaluate("() => window.opener") is None
        tab.close()
        link.pane("CONSENT")
