"""Link in a real browser: the drop-in script, every pane, Plaid's callbacks and event stream."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import create_link_token, plaid_post, screenshot
from tests.browser.link_page import LinkInBrowser
from tests.live_server import LiveGingham, live_gingham_on

HAPPY_PATH_EVENTS = [
    "OPEN",
    "TRANSITION_VIEW:SELECT_INSTITUTION",
    "SELECT_INSTITUTION",
    "TRANSITION_VIEW:CREDENTIAL",
    "SUBMIT_CREDENTIALS",
    "TRANSITION_VIEW:LOADING",
    "TRANSITION_VIEW:SELECT_ACCOUNT",
    "TRANSITION_VIEW:LOADING",
    "TRANSITION_VIEW:CONNECTED",
    "HANDOFF",
]


@pytest.fixture(scope="module")
def gingham_postgres(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveGingham]:
    with live_gingham_on("postgresql", tmp_path_factory, client_name="browser") as server:
        yield server


@pytest.fixture
def link(page: Page, app_origin: str, gingham: LiveGingham) -> LinkInBrowser:
    link = LinkInBrowser(page, app_origin, gingham)
    link.load_app()
    return link


def open_link(link: LinkInBrowser, **token_options: object) -> str:
    token = create_link_token(link.gingham, **token_options)
    link.create(token)
    link.open()
    return token


class TestHappyPath:
    @pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
    def test_user_good_links_and_the_app_gets_the_selected_accounts(
        self, page: Page, app_origin: str, request: pytest.FixtureRequest, backend: str
    ) -> None:
        server: LiveGingham = request.getfixturevalue(
            "gingham" if backend == "sqlite" else "gingham_postgres"
        )
        link = LinkInBrowser(page, app_origin, server)
        link.load_app()
        open_link(link)
        link.to_credentials(shots=f"{backend}-happy")
        link.submit_credentials()
        link.pane("SELECT_ACCOUNT", f"{backend}-happy-select-account")
        accounts = link.frame.locator('[data-testid^="account-"]')
        expect(accounts).to_have_count(
            len(["0000", "1111", "2222", "3333", "4444", "7777", "8888", "9001", "9002", "9999"])
        )
        first, second = accounts.nth(0), accounts.nth(1)
        first.click()
        second.click()
        chosen = [first.get_attribute("data-testid"), second.get_attribute("data-testid")]
        link.click("accounts-continue")
        link.pane("CONNECTED", f"{backend}-happy-connected")
        link.click("connected-continue")

        terminal = link.wait_for_terminal()
        assert terminal["kind"] == "success"
        public_token, metadata = terminal["args"]
        assert link.event_names() == HAPPY_PATH_EVENTS
        kinds = [entry["kind"] for entry in link.log()]
        assert kinds[0] == "load" and kinds[-1] == "success"
        session_ids = {
            entry["args"][1]["link_session_id"] for entry in link.log() if entry["kind"] == "event"
        }
        assert session_ids == {metadata["link_session_id"]}
        assert metadata["institution"] == {
            "name": "First Platypus Bank",
            "institution_id": "ins_109508",
        }
        assert [f"account-{a['id']}" for a in metadata["accounts"]] == chosen
        expect(page.locator("#plaid-link-iframe-1")).to_be_hidden()

        access_token = plaid_post(
            server, "/item/public_token/exchange", {"public_token": public_token}
        )["access_token"]
        got = plaid_post(server, "/accounts/get", {"access_token": access_token})
        assert [f"account-{a['account_id']}" for a in got["accounts"]] == chosen

    def test_every_event_carries_all_metadata_keys(self, link: LinkInBrowser) -> None:
        open_link(link)
        link.to_credentials()
        link.call("exit", {"force": True})
        link.wait_for_terminal()
        for entry in link.log():
            if entry["kind"] == "event":
                assert len(entry["args"][1]) == 17, entry


class TestMfa:
    def test_device_then_code(self, link: LinkInBrowser) -> None:
        open_link(link)
        link.to_credentials()
        link.submit_credentials("mfa_device")
        link.pane("MFA", "mfa-device")
        link.click("mfa-send")
        expect(link.frame.get_by_test_id("mfa-answer-0")).to_be_visible()
        screenshot(link.page, "mfa-code")
        link.fill("mfa-answer-0", "1234")
        link.click("mfa-submit")
        link.pane("SELECT_ACCOUNT")
        assert [n for n in link.event_names() if n == "SUBMIT_MFA"] == ["SUBMIT_MFA", "SUBMIT_MFA"]

    def test_questions_over_two_rounds(self, link: LinkInBrowser) -> None:
        open_link(link)
        link.to_credentials()
        link.submit_credentials("mfa_questions_2_2")
        for round_index in range(2):
            link.pane("MFA", "mfa-questions" if round_index == 0 else None)
            expect(link.frame.get_by_test_id("mfa-round")).to_contain_text(f"{round_index + 1}")
            link.fill("mfa-answer-0", f"answer_{round_index}_0")
            link.fill("mfa-answer-1", f"answer_{round_index}_1")
            link.click("mfa-submit")
        link.pane("SELECT_ACCOUNT")

    def test_selections(self, link: LinkInBrowser) -> None:
        open_link(link)
        link.to_credentials()
        link.submit_credentials("mfa_selections")
        link.pane("MFA", "mfa-selections")
        link.click("mfa-option-0-0")
        link.click("mfa-submit")
        link.pane("SELECT_ACCOUNT")

    def test_wrong_code_is_shown_and_can_be_corrected(self, link: LinkInBrowser) -> None:
        open_link(link)
        link.to_credentials()
        link.submit_credentials("mfa_device")
        link.click("mfa-send")
        link.fill("mfa-answer-0", "0000")
        link.click("mfa-submit")
        expect(link.frame.get_by_test_id("error-message")).to_contain_text("not correct")
        link.fill("mfa-answer-0", "1234")
        link.click("mfa-submit")
        link.pane("SELECT_ACCOUNT")


class TestErrors:
    def test_wrong_password_then_retry(self, link: LinkInBrowser) -> None:
        open_link(link)
        link.to_credentials()
        link.submit_credentials("not-the-password")
        expect(link.frame.get_by_test_id("error-message")).to_contain_text(
            "credentials were not correct"
        )
        screenshot(link.page, "credential-error")
        link.submit_credentials("pass_good")
        link.pane("SELECT_ACCOUNT")
        assert "ERROR" in link.event_names()

    def test_error_password_shows_the_error_pane(self, link: LinkInBrowser) -> None:
        open_link(link)
        link.to_credentials()
        link.submit_credentials("error_INSTITUTION_NOT_RESPONDING")
        link.pane("ERROR", "error-not-responding")
        expect(link.frame.get_by_test_id("error-code")).to_contain_text(
            "INSTITUTION_NOT_RESPONDING"
        )
        link.click("error-retry")
        link.pane("CREDENTIAL")
        link.call("exit", {"force": True})
        _error, metadata = link.wait_for_terminal()["args"]
        assert metadata["status"] == "requires_credentials"

    def test_a_locked_account_offers_no_retry(self, link: LinkInBrowser) -> None:
        open_link(link)
        link.to_credentials()
        link.submit_credentials("error_ITEM_LOCKED")
        link.pane("ERROR", "error-item-locked")
        expect(link.frame.get_by_test_id("error-code")).to_contain_text("ITEM_LOCKED")
        expect(link.frame.get_by_test_id("error-retry")).to_have_count(0)
        link.call("exit", {"force": True})
        error, metadata = link.wait_for_terminal()["args"]
        assert error["error_code"] == "ITEM_LOCKED"
        assert metadata["status"] == "requires_credentials"

    def test_down_institution(self, link: LinkInBrowser) -> None:
        open_link(link)
        link.pane("CONSENT")
        link.click("consent-continue")
        link.fill("search-input", "Unhealthy")
        link.click("institution-ins_132361")
        link.pane("ERROR", "institution-down")
        assert "SELECT_DOWN_INSTITUTION" in link.event_names()


class TestExit:
    @pytest.mark.parametrize(
        ("journey", "status"),
        [
            ("consent", "requires_credentials"),
            ("select_institution", "institution_not_found"),
            ("credential", "requires_credentials"),
            ("mfa", "requires_code"),
            ("select_account", "requires_account_selection"),
        ],
    )
    def test_exit_confirmation_reports_the_pane_left(
        self, link: LinkInBrowser, journey: str, status: str
    ) -> None:
        open_link(link)
        link.pane("CONSENT")
        if journey != "consent":
            link.click("consent-continue")
            link.pane("SELECT_INSTITUTION")
        if journey in ("credential", "mfa", "select_account"):
            link.click("institution-ins_109508")
            link.pane("CREDENTIAL")
        if journey == "mfa":
            link.submit_credentials("mfa_device")
            link.click("mfa-send")
            expect(link.frame.get_by_test_id("mfa-answer-0")).to_be_visible()
        if journey == "select_account":
            link.submit_credentials()
            link.pane("SELECT_ACCOUNT")
        link.click("close")
        link.pane("EXIT", "exit-confirmation" if journey == "credential" else None)
        link.click("exit-confirm")
        terminal = link.wait_for_terminal()
        assert terminal["kind"] == "exit"
        error, metadata = terminal["args"]
        assert error is None
        assert metadata["status"] == status
        assert link.event_names()[-1] == "EXIT"

    def test_going_back_from_the_exit_pane(self, link: LinkInBrowser) -> None:
        open_link(link)
        link.to_credentials()
        link.click("close")
        link.click("exit-cancel")
        link.pane("CREDENTIAL")

    def test_forced_exit_from_the_app(self, link: LinkInBrowser) -> None:
        open_link(link)
        link.pane("CONSENT")
        link.call("exit", {"force": True})
        terminal = link.wait_for_terminal()
        assert terminal["kind"] == "exit"
        expect(link.page.locator("#plaid-link-iframe-1")).to_be_hidden()
        link.call("destroy")
        link.call("destroy")  # idempotent
        expect(link.page.locator("#plaid-link-iframe-1")).to_have_count(0)


class TestLinkTokens:
    def test_invalid_token_exits_and_a_new_handler_recovers(self, link: LinkInBrowser) -> None:
        link.create("link-sandbox-00000000-0000-4000-8000-000000000000")
        link.open()
        error, metadata = link.wait_for_terminal()["args"]
        assert error["error_code"] == "INVALID_LINK_TOKEN"
        assert set(metadata) >= {"institution", "status", "link_session_id", "request_id"}
        # Plaid's documented recovery: destroy the handler, create another with a new token.
        link.call("destroy")
        token = create_link_token(link.gingham)
        link.create(token, index=2, name="second")
        link.open("second")
        link.pane("CONSENT")

    def test_token_invalidated_by_failed_logins_exits_with_invalid_link_token(
        self, link: LinkInBrowser
    ) -> None:
        open_link(link)
        link.to_credentials()
        for attempt in range(1, 6):
            link.submit_credentials("wrong")
            # Each failed login sends an ERROR event: wait for it before the next try.
            link.page.wait_for_function(
                "(n) => window.linkLog.filter(e => e.kind === 'event' && e.args[0] === 'ERROR')"
                ".length >= n",
                arg=attempt,
            )
        error, _metadata = link.wait_for_terminal()["args"]
        assert error["error_code"] == "INVALID_LINK_TOKEN"


class TestAccountSelect:
    def test_single_account_customization_takes_one_account(self, link: LinkInBrowser) -> None:
        open_link(link, link_customization_name="single_account_select", products=["auth"])
        link.to_credentials()
        link.submit_credentials()
        link.pane("SELECT_ACCOUNT", "select-account-single")
        accounts = link.frame.locator('[data-testid^="account-"]')
        expect(accounts).to_have_count(3)  # auth: checking, savings, cash management
        accounts.nth(1).click()
        link.click("accounts-continue")
        link.click("connected-continue")
        _public_token, metadata = link.wait_for_terminal()["args"]
        assert [a["mask"] for a in metadata["accounts"]] == ["1111"]


class TestTwoHandlers:
    def test_handlers_on_one_page_keep_their_own_sessions(self, link: LinkInBrowser) -> None:
        first = create_link_token(link.gingham)
        second = create_link_token(link.gingham)
        link.create(first, index=1, name="first")
        link.create(second, index=2, name="second")
        expect(link.page.locator("#plaid-link-iframe-1")).to_have_count(1)
        expect(link.page.locator("#plaid-link-iframe-2")).to_have_count(1)
        link.open("first")
        link.handler_index = 1
        link.pane("CONSENT")
        link.call("exit", {"force": True}, name="first")
        link.wait_for_terminal("first")
        link.open("second")
        link.handler_index = 2
        link.to_credentials()
        link.submit_credentials()
        link.pane("SELECT_ACCOUNT")
        link.frame.locator('[data-testid^="account-"]').first.click()
        link.click("accounts-continue")
        link.click("connected-continue")
        assert link.wait_for_terminal("second")["kind"] == "success"
        assert [e["kind"] for e in link.log("first") if e["kind"] in ("success", "exit")] == [
            "exit"
        ]
        first_sessions = {
            e["args"][1]["link_session_id"] for e in link.log("first") if e["kind"] == "event"
        }
        second_sessions = {
            e["args"][1]["link_session_id"] for e in link.log("second") if e["kind"] == "event"
        }
        assert len(first_sessions) == len(second_sessions) == 1
        assert first_sessions != second_sessions
