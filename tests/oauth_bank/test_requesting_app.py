"""The bank's pages show who is asking: the app the authorize request names by application_id,
with its application profile, as real banks' consent screens show the aggregator's app."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from gingham.clients import profile
from gingham.clients import service as clients_service
from gingham.clock import FrozenClock
from gingham.oauth_bank.connector import OAuthBankConnector
from tests.application_profile.helpers import FULL_PROFILE
from tests.oauth_bank.helpers import PLATYPUS, REDIRECT_URI, BankBrowser


def app_with_profile(
    session_factory: sessionmaker[Session], clock: FrozenClock, **fields: Any
) -> str:
    """A new API client with the given profile; its application_id."""
    with session_factory() as session, session.begin():
        issued = clients_service.create_client(session, "Budgetly API client", clock.now())
        row = profile.update(session, issued.client_id, fields, clock.now())
        return row.application_id


def authorize_url(connector: OAuthBankConnector, application_id: str | None) -> str:
    _, challenge = connector.new_pkce_pair()
    return connector.authorization_url(
        PLATYPUS,
        state="s",
        code_challenge=challenge,
        redirect_uri=REDIRECT_URI,
        application_id=application_id,
    )


async def consent_page(browser: BankBrowser, url: str) -> tuple[str, str]:
    """(the login page, the consent page) for a visit to `url`."""
    login = await browser.http.get(url)
    request_id = await browser.open(url)
    page = await browser.sign_in(PLATYPUS, request_id)
    assert page.status_code == 200, page.text
    csp = page.headers["content-security-policy"]
    return login.text, page.text + "\n" + csp


class TestConsentPage:
    async def test_shows_the_apps_profile(
        self,
        connector: OAuthBankConnector,
        browser: BankBrowser,
        session_factory: sessionmaker[Session],
        clock: FrozenClock,
    ) -> None:
        application_id = app_with_profile(session_factory, clock, **FULL_PROFILE)
        login, page = await consent_page(browser, authorize_url(connector, application_id))
        assert "<strong>Budgetly</strong> wants to connect" in login
        assert "<h1>Share with Budgetly</h1>" in page
        assert 'data-testid="bank-app-name">Budgetly</h2>' in page
        assert 'src="https://cdn.budgetly.example/logo.png" alt="Budgetly logo"' in page
        assert 'data-testid="bank-app-website">https://budgetly.example</p>' in page
        assert FULL_PROFILE["reason_for_access"] in page
        # Company information is for the bank, not for the user.
        assert "Budgetly, Inc." not in page and "1 Market Street" not in page
        # The logo's origin, and no other, may be loaded.
        assert "img-src 'self' data: https://cdn.budgetly.example;" in page

    async def test_escapes_what_the_app_wrote(
        self,
        connector: OAuthBankConnector,
        browser: BankBrowser,
        session_factory: sessionmaker[Session],
        clock: FrozenClock,
    ) -> None:
        application_id = app_with_profile(
            session_factory,
            clock,
            display_name="<b>Budget</b>",
            reason_for_access='"><script>alert(1)</script>',
        )
        _, page = await consent_page(browser, authorize_url(connector, application_id))
        assert "<script>alert(1)" not in page and "<b>Budget</b>" not in page
        assert "&lt;b&gt;Budget&lt;/b&gt;" in page

    async def test_without_a_profile_the_oauth_client_is_named(
        self,
        connector: OAuthBankConnector,
        browser: BankBrowser,
        session_factory: sessionmaker[Session],
        clock: FrozenClock,
    ) -> None:
        for application_id in (app_with_profile(session_factory, clock), "unknown", None):
            _, page = await consent_page(browser, authorize_url(connector, application_id))
            assert "<h1>Share with Gingham</h1>" in page
            assert 'data-testid="bank-app"' not in page
            assert "img-src 'self' data:;" in page
