"""The demo app's dashboard: after Link, each product of the Item is shown from Plaid's endpoints,
the access token never reaches the page, and the page stays accessible by keyboard and on a
phone."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, Response, expect

from tests.browser.accessibility import blocking_violations
from tests.browser.conftest import screenshot
from tests.browser.link_page import LinkInBrowser
from tests.browser.test_demo import DEFAULT_PRODUCTS, start_demo
from tests.live_server import LiveGingham, live_gingham_on

# Transactions wait for Gingham's initial pull, a few seconds after linking.
INITIAL_PULL_TIMEOUT_MS = 60_000
TABS = (
    "accounts",
    "auth",
    "transactions",
    "identity",
    "investments",
    "liabilities",
    "assets",
    "statements",
    "signal",
)


def link_every_account(
    page: Page, gingham: LiveGingham, products: Sequence[str] = DEFAULT_PRODUCTS
) -> LinkInBrowser:
    link = start_demo(page, gingham, products)
    link.submit_credentials()
    link.pane("SELECT_ACCOUNT")
    for box in link.frame.locator('[data-testid^="account-"]').all():
        box.check()
    link.click("accounts-continue")
    link.click("connected-continue")
    expect(page.get_by_test_id("demo-accounts")).to_be_visible()
    return link


def open_tab(page: Page, name: str) -> Locator:
    page.get_by_test_id(f"tab-{name}").click()
    panel = page.get_by_test_id(f"panel-{name}")
    expect(panel).to_be_visible()
    return panel


def shot(page: Page, name: str) -> None:
    """A screenshot of the dashboard from its tabs down."""
    page.evaluate("() => document.getElementById('tabs').scrollIntoView({ block: 'start' })")
    screenshot(page, name)


def assert_accessible(page: Page, where: str) -> None:
    violations = blocking_violations(page)
    assert violations == [], f"axe-core found serious or critical problems {where}: {violations}"


@pytest.fixture(scope="module")
def gingham(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveGingham]:
    """A server of the dashboard's own: its Items, each with two years of data on the default
    client, stay off the server whose sandbox clock the other browser tests advance."""
    with live_gingham_on("sqlite", tmp_path_factory, client_name="demo") as server:
        yield server


@pytest.fixture
def responses(page: Page) -> Iterator[list[Response]]:
    """Every response the page (and the Link frame in it) received from Gingham."""
    seen: list[Response] = []

    def keep(response: Response) -> None:
        seen.append(response)

    page.on("response", keep)
    yield seen


class TestDashboard:
    def test_user_good_shows_every_products_data(
        self, page: Page, gingham: LiveGingham, responses: list[Response]
    ) -> None:
        link_every_account(page, gingham)
        expect(page.get_by_test_id("demo-accounts").locator("tbody tr")).to_have_count(12)
        expect(page.get_by_test_id("demo-summary")).to_contain_text("Cash")
        shot(page, "demo-dashboard-accounts")
        assert_accessible(page, "on the Accounts tab")

        auth = open_tab(page, "auth")
        expect(auth.get_by_test_id("auth-ach")).to_contain_text("011401533")
        assert_accessible(page, "on the Auth tab")

        transactions = open_tab(page, "transactions")
        rows = transactions.get_by_test_id("transaction-row")
        expect(rows.first).to_be_visible(timeout=INITIAL_PULL_TIMEOUT_MS)
        assert 10 <= rows.count() <= 25
        merchants = [name.strip() for name in rows.locator(".merchant-name").all_inner_texts()]
        assert all(merchants) and len(set(merchants)) > 3
        # Every merchant shows a logo or, where the logo host is out of reach, its initial.
        logos = transactions.locator("[data-testid=transaction-row] .merchant :is(img, [role=img])")
        expect(logos).to_have_count(rows.count())
        for image in logos.all():
            assert (image.get_attribute("alt") or image.get_attribute("aria-label") or "").endswith(
                " logo"
            )
        expect(transactions.get_by_test_id("transactions-status")).to_contain_text("latest")
        # Recurring streams wait for the historical pull, a few seconds after the initial one.
        outflows = transactions.get_by_test_id("recurring-outflows")
        expect(outflows).to_be_visible(timeout=INITIAL_PULL_TIMEOUT_MS)
        expect(outflows.locator("tbody tr").first).not_to_be_empty()
        expect(
            transactions.get_by_test_id("recurring-inflows").locator("tbody tr").first
        ).to_be_visible()
        shot(page, "demo-dashboard-transactions")
        assert_accessible(page, "on the Transactions tab")

        identity = open_tab(page, "identity")
        owner = identity.get_by_test_id("identity-owner").first
        expect(owner).to_be_visible()
        expect(owner.locator("h4")).not_to_be_empty()
        expect(owner).to_contain_text("@")
        assert_accessible(page, "on the Identity tab")
        shot(page, "demo-dashboard-identity")

        investments = open_tab(page, "investments")
        holdings = investments.get_by_test_id("holding-row")
        expect(holdings.first).to_be_visible()
        expect(investments.locator(".ticker").first).not_to_be_empty()
        expect(investments.get_by_test_id("investment-transaction-row").first).to_be_visible()
        shot(page, "demo-dashboard-investments")
        assert_accessible(page, "on the Investments tab")

        liabilities = open_tab(page, "liabilities")
        expect(liabilities.get_by_test_id("liability-credit").first).to_contain_text("APR")
        expect(liabilities.get_by_test_id("liability-student").first).to_contain_text("Interest")
        expect(liabilities.get_by_test_id("liability-mortgage").first).to_contain_text("Escrow")
        shot(page, "demo-dashboard-liabilities")
        assert_accessible(page, "on the Liabilities tab")

        signal = open_tab(page, "signal")
        page.get_by_test_id("signal-amount").fill("1250.50")
        page.get_by_test_id("signal-submit").click()
        scores = signal.get_by_test_id("signal-score-value")
        expect(scores).to_have_count(2)
        for score in scores.all_inner_texts():
            assert 1 <= int(score) <= 99
        expect(signal.get_by_test_id("signal-score").first).to_contain_text("Risk tier")
        shot(page, "demo-dashboard-signal")
        assert_accessible(page, "on the Signal tab")

        self.assert_the_access_token_never_reached_the_page(page, responses)

    def assert_the_access_token_never_reached_the_page(
        self, page: Page, responses: list[Response]
    ) -> None:
        assert "access-sandbox" not in page.content()
        assert page.evaluate("() => document.cookie") == ""
        bodies = 0
        for response in responses:
            if response.request.resource_type not in ("fetch", "xhr", "document"):
                continue
            try:
                body = response.text()
            except Exception:  # redirects and aborted requests have no body
                continue
            bodies += 1
            assert "access-sandbox" not in body, response.url
        assert bodies > 10
        (cookie,) = [c for c in page.context.cookies() if c["name"] == "gingham_demo_item"]
        assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
        assert cookie["path"] == "/_gingham/demo"
        assert "access-sandbox" not in cookie["value"]

    def test_a_product_the_item_lacks_shows_plaids_error(
        self, page: Page, gingham: LiveGingham
    ) -> None:
        link_every_account(page, gingham, ["auth"])
        investments = open_tab(page, "investments")
        error = investments.get_by_test_id("plaid-error")
        expect(error).to_be_visible()
        expect(error).to_contain_text("NO_INVESTMENT_ACCOUNTS")
        shot(page, "demo-dashboard-missing-product")
        assert_accessible(page, "showing a Plaid error")


def pdf_text(content: bytes, tmp_path: Path) -> str:
    path = tmp_path / "download.pdf"
    path.write_bytes(content)
    done = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True
    )
    return done.stdout


def download(page: Page, link: Locator) -> bytes:
    with page.expect_download() as started:
        link.click()
    return Path(started.value.path()).read_bytes()


class TestReports:
    def test_an_asset_report_and_a_statement_with_their_pdfs(
        self, page: Page, gingham: LiveGingham, responses: list[Response], tmp_path: Path
    ) -> None:
        link_every_account(page, gingham, ["assets", "statements"])

        assets = open_tab(page, "assets")
        assets.get_by_test_id("assets-create").click()
        # Built on the sandbox clock a few seconds after it is asked for.
        table = assets.get_by_test_id("assets-accounts")
        expect(table).to_be_visible(timeout=INITIAL_PULL_TIMEOUT_MS)
        expect(table).to_contain_text("Plaid Checking")
        assets.get_by_test_id("assets-pdf").click()
        report = download(page, assets.get_by_test_id("assets-pdf-link"))
        assert report.startswith(b"%PDF-")
        text = pdf_text(report, tmp_path)
        assert "Plaid Checking" in text and "0000" in text
        shot(page, "demo-dashboard-assets")
        assert_accessible(page, "on the Assets tab")

        statements = open_tab(page, "statements")
        rows = statements.get_by_test_id("statements-list").locator("tbody tr")
        expect(rows.first).to_be_visible()
        assert rows.count() >= 3
        rows.first.get_by_test_id("statement-download").click()
        statement = download(page, rows.first.get_by_test_id("statement-download-link"))
        assert "statement" in pdf_text(statement, tmp_path).lower()
        shot(page, "demo-dashboard-statements")
        assert_accessible(page, "on the Statements tab")

        # The report's token stays with the backend, like the access token.
        for response in responses:
            if response.request.resource_type in ("fetch", "xhr"):
                try:
                    assert "assets-sandbox" not in response.text(), response.url
                except UnicodeDecodeError:  # the PDFs
                    continue
        (cookie,) = [c for c in page.context.cookies() if c["name"] == "gingham_demo_asset_report"]
        assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"


class TestKeyboardAndPhone:
    def test_the_start_page_is_accessible_before_linking(
        self, page: Page, gingham: LiveGingham
    ) -> None:
        page.goto(f"{gingham.base_url}/")
        expect(page.get_by_test_id("demo-products").get_by_role("checkbox")).to_have_count(8)
        assert_accessible(page, "on the start page")
        # The product choice is a group of checkboxes a keyboard reaches in order.
        page.get_by_role("checkbox", name="Transactions").focus()
        page.keyboard.press("Space")
        expect(page.get_by_role("checkbox", name="Transactions")).not_to_be_checked()
        page.keyboard.press("Tab")
        expect(page.get_by_role("checkbox", name="Auth")).to_be_focused()

    def test_tabs_work_by_keyboard(self, page: Page, gingham: LiveGingham) -> None:
        link_every_account(page, gingham, ["auth"])
        page.get_by_test_id("tab-accounts").focus()
        page.keyboard.press("ArrowRight")
        expect(page.get_by_test_id("tab-auth")).to_be_focused()
        expect(page.get_by_test_id("tab-auth")).to_have_attribute("aria-selected", "true")
        expect(page.get_by_test_id("panel-auth")).to_be_visible()
        expect(page.get_by_test_id("panel-accounts")).to_be_hidden()
        page.keyboard.press("End")
        expect(page.get_by_test_id("tab-signal")).to_be_focused()
        page.keyboard.press("ArrowRight")
        expect(page.get_by_test_id("tab-accounts")).to_be_focused()
        page.keyboard.press("ArrowLeft")
        expect(page.get_by_test_id("panel-signal")).to_be_visible()
        # Tab leaves the tab list for the panel's first control.
        page.keyboard.press("Tab")
        expect(page.get_by_test_id("panel-signal")).to_be_focused()
        page.keyboard.press("Tab")
        expect(page.get_by_test_id("signal-account")).to_be_focused()
        page.keyboard.press("Tab")
        page.keyboard.press("Control+a")
        page.keyboard.type("40")
        page.keyboard.press("Enter")
        expect(page.get_by_test_id("signal-result")).not_to_be_empty()

    def test_the_dashboard_fits_a_phone(self, page: Page, gingham: LiveGingham) -> None:
        page.set_viewport_size({"width": 375, "height": 760})
        link_every_account(page, gingham)
        for name in TABS:
            panel = open_tab(page, name)
            expect(panel.locator(".loading")).to_have_count(0, timeout=INITIAL_PULL_TIMEOUT_MS)
            width = page.evaluate("() => document.documentElement.scrollWidth")
            assert width <= 375, f"the page scrolls sideways on the {name} tab ({width} px)"
            shot(page, f"demo-375-{name}")
        assert_accessible(page, "at 375 px")
