"""The bank's pages: what they offer, that they are labelled for assistive technology and browser
tests, and that a sign-in belongs to the browser that started it."""

from __future__ import annotations

import re
from datetime import timedelta

import httpx
import pytest
from starlette.applications import Starlette

from gingham.clock import FrozenClock
from gingham.oauth_bank.connector import OAuthBankConnector
from tests.oauth_bank.helpers import BANK_URL, CHASE, PLATYPUS, REDIRECT_URI, BankBrowser

ALL_MASKS = [
    "0000",
    "1111",
    "2222",
    "3333",
    "4444",
    "5555",
    "6666",
    "7777",
    "8888",
    "9001",
    "9002",
    "9999",
]


def authorization_url(connector: OAuthBankConnector, institution_id: str = PLATYPUS) -> str:
    _, challenge = connector.new_pkce_pair()
    return connector.authorization_url(
        institution_id, state="s", code_challenge=challenge, redirect_uri=REDIRECT_URI
    )


class TestLoginPage:
    async def test_is_labelled_and_addressable(
        self, connector: OAuthBankConnector, browser: BankBrowser
    ) -> None:
        response = await browser.http.get(authorization_url(connector))
        page = response.text
        assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page
        assert '<label for="username">' in page and 'id="username"' in page
        assert '<label for="password">' in page and 'type="password"' in page
        for test_id in ("bank-username", "bank-password", "bank-login"):
            assert f'data-testid="{test_id}"' in page
        assert "Platypus OAuth Bank" in page
        assert "Gingham" in page  # the client's registered name

    async def test_may_not_be_framed_or_cached(
        self, connector: OAuthBankConnector, browser: BankBrowser
    ) -> None:
        response = await browser.http.get(authorization_url(connector))
        assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
        assert response.headers["cache-control"] == "no-store"

    async def test_sets_the_browser_cookie_once(
        self, connector: OAuthBankConnector, browser: BankBrowser
    ) -> None:
        first = await browser.http.get(authorization_url(connector))
        assert "gingham_bank_browser" in first.headers["set-cookie"]
        assert "httponly" in first.headers["set-cookie"].lower()
        second = await browser.http.get(authorization_url(connector))
        assert "set-cookie" not in second.headers

    async def test_any_credentials_sign_in(
        self, connector: OAuthBankConnector, browser: BankBrowser
    ) -> None:
        request_id = await browser.open(authorization_url(connector))
        page = await browser.sign_in(PLATYPUS, request_id, "whoever", "wrong-password")
        assert page.status_code == 200
        assert 'data-testid="bank-user">whoever<' in page.text


class TestConsentPage:
    async def test_offers_every_account_and_scope_ticked(
        self, connector: OAuthBankConnector, browser: BankBrowser
    ) -> None:
        request_id = await browser.open(authorization_url(connector))
        page = (await browser.sign_in(PLATYPUS, request_id)).text
        assert list(browser.account_ids_by_mask(page)) == ALL_MASKS
        checked = re.findall(r'data-testid="account-(\w+)"', page)
        assert checked == ALL_MASKS
        assert page.count('name="account"') == page.count(' checked data-testid="account-')
        for name in ("accounts", "transactions", "identity", "auth"):
            assert f'data-testid="scope-{name}"' in page
            assert f'<label for="scope-{name}">' in page
        # `accounts` is always shared: fixed, and still submitted.
        assert 'id="scope-accounts" checked disabled' in page
        assert '<input type="hidden" name="scope" value="accounts">' in page
        for test_id in ("bank-allow", "bank-deny", "bank-error"):
            assert f'data-testid="{test_id}"' in page

    async def test_account_ids_are_stable_per_bank_and_user(
        self, connector: OAuthBankConnector, browser: BankBrowser
    ) -> None:
        async def ids(institution_id: str, username: str) -> dict[str, str]:
            request_id = await browser.open(authorization_url(connector, institution_id))
            page = await browser.sign_in(institution_id, request_id, username)
            return browser.account_ids_by_mask(page.text)

        assert await ids(PLATYPUS, "ann") == await ids(PLATYPUS, "ann")
        assert set((await ids(PLATYPUS, "ann")).values()).isdisjoint(
            (await ids(CHASE, "ann")).values()
        )

    async def test_escapes_what_the_user_typed(
        self, connector: OAuthBankConnector, browser: BankBrowser
    ) -> None:
        request_id = await browser.open(authorization_url(connector))
        page = await browser.sign_in(PLATYPUS, request_id, "<script>x</script>")
        assert "<script>" not in page.text
        assert "&lt;script&gt;x&lt;/script&gt;" in page.text


class TestSignIn:
    async def test_belongs_to_the_browser_that_started_it(
        self, connector: OAuthBankConnector, browser: BankBrowser, bank_app: Starlette
    ) -> None:
        request_id = await browser.open(authorization_url(connector))
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=bank_app), base_url=BANK_URL
        ) as other_browser:
            response = await other_browser.post(
                f"/{PLATYPUS}/oauth/login", data={"request": request_id, "username": "mallory"}
            )
        assert response.status_code == 403

    async def test_expires_after_thirty_minutes(
        self, connector: OAuthBankConnector, browser: BankBrowser, clock: FrozenClock
    ) -> None:
        request_id = await browser.open(authorization_url(connector))
        clock.advance(timedelta(minutes=30))
        response = await browser.http.post(
            f"/{PLATYPUS}/oauth/login", data={"request": request_id, "username": ""}
        )
        assert response.status_code == 400
        assert "expired" in response.text

    async def test_unknown_sign_in(self, browser: BankBrowser) -> None:
        response = await browser.http.get(f"/{PLATYPUS}/oauth/consent?request=nope")
        assert response.status_code == 404

    async def test_consent_needs_a_signed_in_user(
        self, connector: OAuthBankConnector, browser: BankBrowser
    ) -> None:
        request_id = await browser.open(authorization_url(connector))
        response = await browser.http.get(f"/{PLATYPUS}/oauth/consent?request={request_id}")
        assert response.status_code == 400


class TestInstitutions:
    @pytest.mark.parametrize("institution_id", ["ins_999999", "ins_109508"])
    async def test_unknown_or_non_oauth_institution_is_not_found(
        self, browser: BankBrowser, connector: OAuthBankConnector, institution_id: str
    ) -> None:
        response = await browser.http.get(authorization_url(connector, institution_id))
        assert response.status_code == 404
        assert "Bank not found" in response.text
        token = await browser.http.post(f"/{institution_id}/oauth/token", data={})
        assert token.status_code == 404
        assert token.json()["error"] == "not_found"

    @pytest.mark.parametrize("institution_id", ["ins_127287", "ins_132241", "ins_117181", "ins_3"])
    async def test_every_oauth_institution_has_a_bank(
        self, connector: OAuthBankConnector, browser: BankBrowser, institution_id: str
    ) -> None:
        response = await browser.http.get(authorization_url(connector, institution_id))
        assert response.status_code == 200

    async def test_other_paths_are_not_found(self, browser: BankBrowser) -> None:
        response = await browser.http.get("/nothing/here/at/all")
        assert response.status_code == 404
        assert response.headers["content-type"].startswith("text/html")

    async def test_index_and_stylesheet(self, browser: BankBrowser) -> None:
        index = await browser.http.get("/")
        assert "/ins_3/oauth/authorize" in index.text
        css = await browser.http.get("/_bank/static/bank.css")
        assert css.status_code == 200 and "max-width" in css.text

    async def test_metadata(self, http: httpx.AsyncClient) -> None:
        response = await http.get(f"/.well-known/oauth-authorization-server/{PLATYPUS}")
        metadata = response.json()
        assert metadata["issuer"] == f"{BANK_URL}/{PLATYPUS}"
        assert metadata["token_endpoint"] == f"{BANK_URL}/{PLATYPUS}/oauth/token"
        assert metadata["code_challenge_methods_supported"] == ["S256"]
        eu = (await http.get("/.well-known/oauth-authorization-server/ins_117181")).json()
        # Auth at European banks (IBAN and BIC) comes with the same numbers consent.
        assert "auth" in eu["scopes_supported"]
        # A bank without Auth (American Express) offers no numbers consent.
        amex = (await http.get("/.well-known/oauth-authorization-server/ins_10")).json()
        assert "auth" not in amex["scopes_supported"]
