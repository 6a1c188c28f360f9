"""Tokens: short-lived access tokens, rotating refresh tokens, RFC 7009 revocation, and client
authentication at the token and revocation endpoints."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest
from starlette.applications import Starlette

from gingham.clock import FrozenClock
from gingham.oauth_bank.connector import (
    BankError,
    InvalidAccessToken,
    InvalidGrant,
    OAuthBankConnector,
    TokenSet,
)
from gingham.oauth_bank.service import ConnectorCredentials
from tests.oauth_bank.helpers import BANK_URL, PLATYPUS, REDIRECT_URI, BankBrowser, link


async def linked(connector: OAuthBankConnector, browser: BankBrowser) -> TokenSet:
    code, verifier = await link(connector, browser, masks=["0000", "3333"])
    return await connector.exchange_code(PLATYPUS, code, verifier, REDIRECT_URI)


def refresh_token_of(tokens: TokenSet) -> str:
    assert tokens.refresh_token is not None
    return tokens.refresh_token


class TestAccessToken:
    async def test_expires_after_fifteen_minutes(
        self, connector: OAuthBankConnector, browser: BankBrowser, clock: FrozenClock
    ) -> None:
        tokens = await linked(connector, browser)
        clock.advance(timedelta(minutes=14, seconds=59))
        await connector.fetch_accounts(PLATYPUS, tokens.access_token)
        clock.advance(timedelta(seconds=1))
        with pytest.raises(InvalidAccessToken) as refused:
            await connector.fetch_accounts(PLATYPUS, tokens.access_token)
        assert refused.value.status_code == 401
        assert refused.value.error == "invalid_token"

    async def test_works_only_at_its_own_bank(
        self, connector: OAuthBankConnector, browser: BankBrowser
    ) -> None:
        tokens = await linked(connector, browser)
        with pytest.raises(InvalidAccessToken):
            await connector.fetch_accounts("ins_3", tokens.access_token)

    async def test_missing_bearer_token(self, http: httpx.AsyncClient) -> None:
        response = await http.get(f"/{PLATYPUS}/api/accounts")
        assert response.status_code == 401
        assert response.headers["www-authenticate"].startswith("Bearer")

    async def test_unknown_token(self, connector: OAuthBankConnector) -> None:
        with pytest.raises(InvalidAccessToken):
            await connector.fetch_consent(PLATYPUS, "bank-access-unknown")


class TestRefresh:
    async def test_rotates_the_refresh_token(
        self, connector: OAuthBankConnector, browser: BankBrowser, clock: FrozenClock
    ) -> None:
        first = await linked(connector, browser)
        clock.advance(timedelta(minutes=20))
        second = await connector.refresh(PLATYPUS, refresh_token_of(first))
        assert second.refresh_token not in (None, first.refresh_token)
        assert second.access_token != first.access_token
        assert second.consent_id == first.consent_id
        assert second.scopes == first.scopes
        assert second.expires_at == clock.now() + timedelta(minutes=15)
        assert len(await connector.fetch_accounts(PLATYPUS, second.access_token)) == 2
        with pytest.raises(InvalidGrant):
            await connector.refresh(PLATYPUS, refresh_token_of(first))
        # The new refresh token carries on.
        await connector.refresh(PLATYPUS, refresh_token_of(second))

    async def test_can_narrow_the_scope(
        self, connector: OAuthBankConnector, browser: BankBrowser
    ) -> None:
        first = await linked(connector, browser)
        narrower = await connector.refresh(PLATYPUS, refresh_token_of(first), scopes=("accounts",))
        assert narrower.scopes == ("accounts",)
        accounts = await connector.fetch_accounts(PLATYPUS, narrower.access_token)
        assert all(account.numbers is None for account in accounts)

    async def test_cannot_widen_the_scope(
        self, connector: OAuthBankConnector, browser: BankBrowser
    ) -> None:
        code, verifier = await link(connector, browser, scopes=["accounts"])
        tokens = await connector.exchange_code(PLATYPUS, code, verifier, REDIRECT_URI)
        with pytest.raises(BankError) as refused:
            await connector.refresh(PLATYPUS, refresh_token_of(tokens), scopes=("accounts", "auth"))
        assert refused.value.error == "invalid_scope"


class TestRevocation:
    async def test_revoked_access_token_is_refused(
        self, connector: OAuthBankConnector, browser: BankBrowser
    ) -> None:
        tokens = await linked(connector, browser)
        await connector.revoke(PLATYPUS, tokens.access_token, token_type_hint="access_token")
        with pytest.raises(InvalidAccessToken):
            await connector.fetch_accounts(PLATYPUS, tokens.access_token)
        # The refresh token still gets a new access token.
        renewed = await connector.refresh(PLATYPUS, refresh_token_of(tokens))
        await connector.fetch_accounts(PLATYPUS, renewed.access_token)

    async def test_revoking_the_refresh_token_ends_the_grant(
        self, connector: OAuthBankConnector, browser: BankBrowser
    ) -> None:
        tokens = await linked(connector, browser)
        await connector.revoke(PLATYPUS, refresh_token_of(tokens))
        with pytest.raises(InvalidAccessToken):
            await connector.fetch_accounts(PLATYPUS, tokens.access_token)
        with pytest.raises(InvalidGrant):
            await connector.refresh(PLATYPUS, refresh_token_of(tokens))

    async def test_the_hint_is_only_a_hint(
        self, connector: OAuthBankConnector, browser: BankBrowser
    ) -> None:
        tokens = await linked(connector, browser)
        await connector.revoke(PLATYPUS, tokens.access_token, token_type_hint="refresh_token")
        with pytest.raises(InvalidAccessToken):
            await connector.fetch_accounts(PLATYPUS, tokens.access_token)

    async def test_unknown_tokens_are_fine(self, connector: OAuthBankConnector) -> None:
        # RFC 7009 §2.2: an invalid token is no error; there is nothing left to revoke.
        await connector.revoke(PLATYPUS, "bank-refresh-unknown")

    async def test_another_client_cannot_revoke(
        self,
        connector: OAuthBankConnector,
        browser: BankBrowser,
        http: httpx.AsyncClient,
        clock: FrozenClock,
        other_client: ConnectorCredentials,
    ) -> None:
        tokens = await linked(connector, browser)
        intruder = OAuthBankConnector(
            http,
            base_url=BANK_URL,
            client_id=other_client.client_id,
            client_secret=other_client.client_secret,
            clock=clock,
        )
        with pytest.raises(BankError):
            await intruder.revoke(PLATYPUS, refresh_token_of(tokens))
        await connector.fetch_accounts(PLATYPUS, tokens.access_token)


class TestClientAuthentication:
    async def test_client_secret_post_works(
        self,
        browser: BankBrowser,
        http: httpx.AsyncClient,
        clock: FrozenClock,
        connector_credentials: ConnectorCredentials,
    ) -> None:
        posting = OAuthBankConnector(
            http,
            base_url=BANK_URL,
            client_id=connector_credentials.client_id,
            client_secret=connector_credentials.client_secret,
            clock=clock,
            auth_method="client_secret_post",
        )
        tokens = await linked(posting, browser)
        await posting.revoke(PLATYPUS, refresh_token_of(tokens))

    async def test_wrong_secret_with_basic_auth_is_401(
        self,
        connector: OAuthBankConnector,
        browser: BankBrowser,
        http: httpx.AsyncClient,
        clock: FrozenClock,
        connector_credentials: ConnectorCredentials,
    ) -> None:
        code, verifier = await link(connector, browser)
        impostor = OAuthBankConnector(
            http,
            base_url=BANK_URL,
            client_id=connector_credentials.client_id,
            client_secret="not-the-secret",
            clock=clock,
        )
        with pytest.raises(BankError) as refused:
            await impostor.exchange_code(PLATYPUS, code, verifier, REDIRECT_URI)
        assert (refused.value.status_code, refused.value.error) == (401, "invalid_client")
        # The failed attempt did not spend the code.
        await connector.exchange_code(PLATYPUS, code, verifier, REDIRECT_URI)

    async def test_wrong_secret_in_the_body_is_refused(
        self,
        connector: OAuthBankConnector,
        browser: BankBrowser,
        http: httpx.AsyncClient,
        clock: FrozenClock,
        connector_credentials: ConnectorCredentials,
    ) -> None:
        code, verifier = await link(connector, browser)
        impostor = OAuthBankConnector(
            http,
            base_url=BANK_URL,
            client_id=connector_credentials.client_id,
            client_secret="not-the-secret",
            clock=clock,
            auth_method="client_secret_post",
        )
        with pytest.raises(BankError) as refused:
            await impostor.exchange_code(PLATYPUS, code, verifier, REDIRECT_URI)
        assert refused.value.error == "invalid_client"

    async def test_no_client_authentication_is_refused(
        self, connector: OAuthBankConnector, browser: BankBrowser, http: httpx.AsyncClient
    ) -> None:
        code, verifier = await link(connector, browser)
        response = await http.post(
            f"/{PLATYPUS}/oauth/token",
            data={
                "grant_type": "authorization_code",
                "code": code,
                "code_verifier": verifier,
                "redirect_uri": REDIRECT_URI,
            },
        )
        assert response.status_code == 401
        assert response.json()["error"] == "invalid_client"

    async def test_another_clients_code_is_refused(
        self,
        connector: OAuthBankConnector,
        browser: BankBrowser,
        http: httpx.AsyncClient,
        clock: FrozenClock,
        other_client: ConnectorCredentials,
    ) -> None:
        code, verifier = await link(connector, browser)
        thief = OAuthBankConnector(
            http,
            base_url=BANK_URL,
            client_id=other_client.client_id,
            client_secret=other_client.client_secret,
            clock=clock,
        )
        with pytest.raises(InvalidGrant):
            await thief.exchange_code(PLATYPUS, code, verifier, REDIRECT_URI)


class TestPlainHttp:
    async def test_the_bank_answers_over_plain_http_off_loopback(
        self, bank_app: Starlette, connector_credentials: ConnectorCredentials, clock: FrozenClock
    ) -> None:
        # Authlib refuses plain-HTTP requests except on loopback; Gingham's bank must also work at
        # addresses such as a container's, as Gingham's own API does.
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=bank_app), base_url="http://gingham:8766"
        ) as http:
            connector = OAuthBankConnector(
                http,
                base_url="http://gingham:8766",
                client_id=connector_credentials.client_id,
                client_secret=connector_credentials.client_secret,
                clock=clock,
            )
            await connector.revoke(PLATYPUS, "bank-refresh-unknown")
