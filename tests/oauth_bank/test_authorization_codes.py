"""Authorization requests and codes: PKCE (S256 only, always), exact redirect URIs, codes that are
spent once and expire after five minutes."""

from __future__ import annotations

import base64
import hashlib
from datetime import timedelta
from urllib.parse import urlencode

import pytest

from gingham.clock import FrozenClock
from gingham.oauth_bank.connector import (
    InvalidAccessToken,
    InvalidGrant,
    OAuthBankConnector,
    new_pkce_pair,
)
from gingham.oauth_bank.service import ConnectorCredentials
from tests.oauth_bank.helpers import (
    BANK_URL,
    PLATYPUS,
    REDIRECT_URI,
    BankBrowser,
    link,
    query_of,
    token_request,
)


def authorize_url(client_id: str, **overrides: str | None) -> str:
    params: dict[str, str | None] = {
        "response_type": "code",
        "client_id": client_id,
        "redirect_uri": REDIRECT_URI,
        "scope": "accounts",
        "state": "xyz",
        "code_challenge": "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
        "code_challenge_method": "S256",
        **overrides,
    }
    query = urlencode({k: v for k, v in params.items() if v is not None})
    return f"{BANK_URL}/{PLATYPUS}/oauth/authorize?{query}"


class TestPkce:
    async def test_missing_challenge_is_refused_back_at_the_client(
        self, browser: BankBrowser, connector_credentials: ConnectorCredentials
    ) -> None:
        response = await browser.http.get(
            authorize_url(
                connector_credentials.client_id, code_challenge=None, code_challenge_method=None
            )
        )
        assert response.status_code == 302
        location = response.headers["location"]
        assert location.startswith(REDIRECT_URI + "?")
        params = query_of(location)
        assert (params["error"], params["state"]) == ("invalid_request", "xyz")
        assert "code_challenge" in params["error_description"]

    async def test_plain_method_is_refused(
        self, browser: BankBrowser, connector_credentials: ConnectorCredentials
    ) -> None:
        response = await browser.http.get(
            authorize_url(connector_credentials.client_id, code_challenge_method="plain")
        )
        assert response.status_code == 302
        assert query_of(response.headers["location"])["error"] == "invalid_request"

    async def test_challenge_without_method_is_refused(
        self, browser: BankBrowser, connector_credentials: ConnectorCredentials
    ) -> None:
        # RFC 7636 would read a missing method as "plain", which this bank does not accept.
        response = await browser.http.get(
            authorize_url(connector_credentials.client_id, code_challenge_method=None)
        )
        assert query_of(response.headers["location"])["error"] == "invalid_request"

    async def test_wrong_verifier_is_refused(
        self, connector: OAuthBankConnector, browser: BankBrowser
    ) -> None:
        code, _ = await link(connector, browser)
        other_verifier, _ = connector.new_pkce_pair()
        with pytest.raises(InvalidGrant) as refused:
            await connector.exchange_code(PLATYPUS, code, other_verifier, REDIRECT_URI)
        assert refused.value.status_code == 400

    async def test_missing_verifier_is_refused(
        self,
        connector: OAuthBankConnector,
        browser: BankBrowser,
        connector_credentials: ConnectorCredentials,
    ) -> None:
        code, _ = await link(connector, browser)
        response = await token_request(
            browser.http,
            connector_credentials,
            {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT_URI},
        )
        assert response.status_code == 400
        assert response.json()["error"] == "invalid_request"

    async def test_pairs_are_s256(self) -> None:
        verifier, challenge = new_pkce_pair()
        assert 43 <= len(verifier) <= 128
        digest = hashlib.sha256(verifier.encode()).digest()
        assert challenge == base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


class TestRedirectUri:
    async def test_unregistered_redirect_uri_is_never_redirected_to(
        self, browser: BankBrowser, connector_credentials: ConnectorCredentials
    ) -> None:
        response = await browser.http.get(
            authorize_url(
                connector_credentials.client_id, redirect_uri="https://attacker.example/cb"
            )
        )
        assert response.status_code == 400
        assert "location" not in response.headers
        assert "not supported by client" in response.text

    async def test_a_registered_uri_must_match_exactly(
        self, browser: BankBrowser, connector_credentials: ConnectorCredentials
    ) -> None:
        response = await browser.http.get(
            authorize_url(connector_credentials.client_id, redirect_uri=REDIRECT_URI + "/")
        )
        assert response.status_code == 400

    async def test_redirect_uri_is_required(
        self, browser: BankBrowser, connector_credentials: ConnectorCredentials
    ) -> None:
        response = await browser.http.get(
            authorize_url(connector_credentials.client_id, redirect_uri=None)
        )
        assert response.status_code == 400
        assert "redirect_uri" in response.text

    async def test_unknown_client_gets_an_error_page(self, browser: BankBrowser) -> None:
        response = await browser.http.get(authorize_url("no-such-client"))
        assert response.status_code == 400
        assert "location" not in response.headers

    async def test_exchange_needs_the_same_redirect_uri(
        self, connector: OAuthBankConnector, browser: BankBrowser
    ) -> None:
        code, verifier = await link(connector, browser)
        with pytest.raises(InvalidGrant):
            await connector.exchange_code(
                PLATYPUS, code, verifier, "http://127.0.0.1:8765/elsewhere"
            )


class TestAuthorizationCode:
    async def test_a_code_is_spent_once(
        self, connector: OAuthBankConnector, browser: BankBrowser
    ) -> None:
        code, verifier = await link(connector, browser)
        await connector.exchange_code(PLATYPUS, code, verifier, REDIRECT_URI)
        with pytest.raises(InvalidGrant):
            await connector.exchange_code(PLATYPUS, code, verifier, REDIRECT_URI)

    async def test_a_replayed_code_revokes_what_it_produced(
        self, connector: OAuthBankConnector, browser: BankBrowser
    ) -> None:
        code, verifier = await link(connector, browser)
        tokens = await connector.exchange_code(PLATYPUS, code, verifier, REDIRECT_URI)
        with pytest.raises(InvalidGrant):
            await connector.exchange_code(PLATYPUS, code, verifier, REDIRECT_URI)
        with pytest.raises(InvalidAccessToken):
            await connector.fetch_accounts(PLATYPUS, tokens.access_token)
        assert tokens.refresh_token is not None
        with pytest.raises(InvalidGrant):
            await connector.refresh(PLATYPUS, tokens.refresh_token)

    async def test_a_code_expires_after_five_minutes(
        self, connector: OAuthBankConnector, browser: BankBrowser, clock: FrozenClock
    ) -> None:
        code, verifier = await link(connector, browser)
        clock.advance(timedelta(minutes=5))
        with pytest.raises(InvalidGrant):
            await connector.exchange_code(PLATYPUS, code, verifier, REDIRECT_URI)

    async def test_a_code_still_works_just_before_expiry(
        self, connector: OAuthBankConnector, browser: BankBrowser, clock: FrozenClock
    ) -> None:
        code, verifier = await link(connector, browser)
        clock.advance(timedelta(minutes=4, seconds=59))
        await connector.exchange_code(PLATYPUS, code, verifier, REDIRECT_URI)

    async def test_a_code_works_only_at_its_own_bank(
        self, connector: OAuthBankConnector, browser: BankBrowser
    ) -> None:
        code, verifier = await link(connector, browser)
        with pytest.raises(InvalidGrant):
            await connector.exchange_code("ins_3", code, verifier, REDIRECT_URI)
