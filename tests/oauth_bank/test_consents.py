"""Consents: what the user chose, denial and simulated bank errors, expiry from the institution's
consent period, revocation at the bank (whole or one account), and institution behaviours."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.orm import Session, sessionmaker

from gingham.clock import FrozenClock
from gingham.institutions.catalogue import find
from gingham.oauth_bank import service
from gingham.oauth_bank.connector import (
    InvalidAccessToken,
    InvalidGrant,
    OAuthBankConnector,
    TokenSet,
)
from gingham.oauth_bank.ledger import accounts_of
from gingham.oauth_bank.models import ConsentStatus
from tests.oauth_bank.helpers import (
    CHASE,
    EU_BANK,
    PLATYPUS,
    REDIRECT_URI,
    BankBrowser,
    link,
    query_of,
)


def authorization_url(connector: OAuthBankConnector, institution_id: str = PLATYPUS) -> str:
    _, challenge = connector.new_pkce_pair()
    return connector.authorization_url(
        institution_id, state="opaque-state", code_challenge=challenge, redirect_uri=REDIRECT_URI
    )


class TestDecision:
    async def test_deny_sends_access_denied_with_the_state(
        self,
        connector: OAuthBankConnector,
        browser: BankBrowser,
        session_factory: sessionmaker[Session],
    ) -> None:
        decision = await browser.consent(
            authorization_url(connector), username="dana", decision="deny"
        )
        assert decision.base == REDIRECT_URI
        assert decision.params["error"] == "access_denied"
        assert decision.params["state"] == "opaque-state"
        assert "code" not in decision.params
        with session_factory() as session:
            (consent,) = service.consents_of_user(session, PLATYPUS, "dana")
            assert consent.status == ConsentStatus.REJECTED

    async def test_simulated_bank_error(
        self, connector: OAuthBankConnector, browser: BankBrowser
    ) -> None:
        request_id = await browser.open(authorization_url(connector))
        page = await browser.sign_in(PLATYPUS, request_id)
        assert 'data-testid="bank-error"' in page.text
        response = await browser.http.get(f"/{PLATYPUS}/oauth/error?request={request_id}")
        assert response.status_code == 302
        location = response.headers["location"]
        assert location.startswith(REDIRECT_URI + "?")
        assert "error=server_error" in location
        assert "state=opaque-state" in location

    async def test_choosing_no_account_asks_again(
        self, connector: OAuthBankConnector, browser: BankBrowser
    ) -> None:
        request_id = await browser.open(authorization_url(connector))
        await browser.sign_in(PLATYPUS, request_id)
        response = await browser.decide(
            PLATYPUS, request_id, "allow", account_ids=[], scopes=["accounts"]
        )
        assert response.status_code == 400
        assert 'role="alert"' in response.text
        assert "Choose at least one account" in response.text
        # The sign-in is still open: the user can choose and allow.
        by_mask = browser.account_ids_by_mask(response.text)
        retried = await browser.decide(
            PLATYPUS, request_id, "allow", account_ids=[by_mask["0000"]], scopes=["accounts"]
        )
        assert retried.status_code == 302

    async def test_a_decision_counts_once(
        self, connector: OAuthBankConnector, browser: BankBrowser
    ) -> None:
        request_id = await browser.open(authorization_url(connector))
        page = await browser.sign_in(PLATYPUS, request_id)
        accounts = list(browser.account_ids_by_mask(page.text).values())
        first = await browser.decide(PLATYPUS, request_id, "allow", account_ids=accounts)
        assert first.status_code == 302
        again = await browser.decide(PLATYPUS, request_id, "deny")
        assert again.status_code == 409

    async def test_the_accounts_scope_is_always_granted(
        self, connector: OAuthBankConnector, browser: BankBrowser
    ) -> None:
        code, verifier = await link(connector, browser, scopes=["identity"])
        tokens = await connector.exchange_code(PLATYPUS, code, verifier, REDIRECT_URI)
        assert tokens.scopes == ("accounts", "identity")

    async def test_the_user_cannot_grant_more_than_was_asked(
        self, connector: OAuthBankConnector, browser: BankBrowser
    ) -> None:
        verifier, challenge = connector.new_pkce_pair()
        url = connector.authorization_url(
            PLATYPUS,
            state="s",
            code_challenge=challenge,
            redirect_uri=REDIRECT_URI,
            scopes=("accounts", "transactions"),
        )
        request_id = await browser.open(url)
        page = await browser.sign_in(PLATYPUS, request_id)
        assert 'data-testid="scope-transactions"' in page.text
        assert 'data-testid="scope-auth"' not in page.text
        by_mask = browser.account_ids_by_mask(page.text)
        response = await browser.decide(
            PLATYPUS,
            request_id,
            "allow",
            account_ids=[by_mask["0000"]],
            scopes=["accounts", "transactions", "auth"],
        )
        code = query_of(response.headers["location"])["code"]
        tokens = await connector.exchange_code(PLATYPUS, code, verifier, REDIRECT_URI)
        assert tokens.scopes == ("accounts", "transactions")


class TestConsentExpiry:
    async def test_eu_consent_lasts_ninety_days(
        self, connector: OAuthBankConnector, browser: BankBrowser, clock: FrozenClock
    ) -> None:
        code, verifier = await link(connector, browser, institution_id=EU_BANK)
        tokens = await connector.exchange_code(EU_BANK, code, verifier, REDIRECT_URI)
        ninety_days_on = clock.now() + timedelta(days=90)
        assert tokens.consent_expires_at == ninety_days_on
        consent = await connector.fetch_consent(EU_BANK, tokens.access_token)
        assert consent.expires_at == ninety_days_on

    async def test_an_expired_consent_stops_its_tokens(
        self,
        connector: OAuthBankConnector,
        browser: BankBrowser,
        clock: FrozenClock,
        session_factory: sessionmaker[Session],
    ) -> None:
        code, verifier = await link(connector, browser, institution_id=EU_BANK)
        tokens = await connector.exchange_code(EU_BANK, code, verifier, REDIRECT_URI)
        clock.advance(timedelta(days=90) - timedelta(minutes=1))
        renewed = await connector.refresh(EU_BANK, refresh_token_of(tokens))
        clock.advance(timedelta(minutes=1))
        with pytest.raises(InvalidAccessToken) as refused:
            await connector.fetch_consent(EU_BANK, renewed.access_token)
        assert refused.value.consent_status == "Expired"
        with pytest.raises(InvalidGrant):
            await connector.refresh(EU_BANK, refresh_token_of(renewed))
        with session_factory() as session:
            consent = service.consent_for(session, tokens.consent_id)
            assert consent is not None and consent.status == ConsentStatus.EXPIRED

    async def test_us_consent_does_not_expire(
        self, connector: OAuthBankConnector, browser: BankBrowser, clock: FrozenClock
    ) -> None:
        code, verifier = await link(connector, browser)
        tokens = await connector.exchange_code(PLATYPUS, code, verifier, REDIRECT_URI)
        assert tokens.consent_expires_at is None
        clock.advance(timedelta(days=400))
        renewed = await connector.refresh(PLATYPUS, refresh_token_of(tokens))
        assert (await connector.fetch_consent(PLATYPUS, renewed.access_token)).status == (
            "Authorised"
        )

    async def test_eu_bank_shares_no_ach_numbers(
        self, connector: OAuthBankConnector, browser: BankBrowser
    ) -> None:
        code, verifier = await link(connector, browser, institution_id=EU_BANK)
        tokens = await connector.exchange_code(EU_BANK, code, verifier, REDIRECT_URI)
        # The bank offers the numbers consent (Auth abroad is IBAN and BIC), but no ACH numbers.
        assert "auth" in tokens.scopes
        accounts = await connector.fetch_accounts(EU_BANK, tokens.access_token)
        assert accounts[0].balances.iso_currency_code == "EUR"
        assert all(account.numbers is None for account in accounts)


class TestRevokedConsent:
    async def test_revoked_consent_stops_its_tokens(
        self,
        connector: OAuthBankConnector,
        browser: BankBrowser,
        clock: FrozenClock,
        session_factory: sessionmaker[Session],
    ) -> None:
        code, verifier = await link(connector, browser)
        tokens = await connector.exchange_code(PLATYPUS, code, verifier, REDIRECT_URI)
        with session_factory() as session, session.begin():
            consent = service.revoke_consent(session, tokens.consent_id, clock.now())
            assert consent.revoked_at == clock.now()
        with pytest.raises(InvalidAccessToken) as refused:
            await connector.fetch_accounts(PLATYPUS, tokens.access_token)
        assert refused.value.consent_status == "Revoked"
        with pytest.raises(InvalidGrant):
            await connector.refresh(PLATYPUS, refresh_token_of(tokens))

    async def test_revoking_one_account_hides_only_that_account(
        self,
        connector: OAuthBankConnector,
        browser: BankBrowser,
        clock: FrozenClock,
        session_factory: sessionmaker[Session],
    ) -> None:
        code, verifier = await link(connector, browser, masks=["0000", "1111"])
        tokens = await connector.exchange_code(PLATYPUS, code, verifier, REDIRECT_URI)
        checking, saving = await connector.fetch_accounts(PLATYPUS, tokens.access_token)
        with session_factory() as session, session.begin():
            service.revoke_consent(
                session, tokens.consent_id, clock.now(), account_id=checking.account_id
            )
        remaining = await connector.fetch_accounts(PLATYPUS, tokens.access_token)
        assert [a.account_id for a in remaining] == [saving.account_id]
        consent = await connector.fetch_consent(PLATYPUS, tokens.access_token)
        assert consent.account_ids == (saving.account_id,)
        # Withdrawing the last account withdraws the consent.
        with session_factory() as session, session.begin():
            revoked = service.revoke_consent(
                session, tokens.consent_id, clock.now(), account_id=saving.account_id
            )
            assert revoked.status == ConsentStatus.REVOKED
        with pytest.raises(InvalidAccessToken):
            await connector.fetch_accounts(PLATYPUS, tokens.access_token)

    async def test_lookups(
        self,
        connector: OAuthBankConnector,
        browser: BankBrowser,
        session_factory: sessionmaker[Session],
    ) -> None:
        code, verifier = await link(connector, browser, username="erin")
        tokens = await connector.exchange_code(PLATYPUS, code, verifier, REDIRECT_URI)
        with session_factory() as session:
            by_token = service.consent_for_access_token(session, tokens.access_token)
            assert by_token is not None and by_token.id == tokens.consent_id
            (of_user,) = service.consents_of_user(session, PLATYPUS, "erin")
            assert of_user.id == tokens.consent_id
            assert service.consents_of_user(session, CHASE, "erin") == []
            with pytest.raises(LookupError):
                service.revoke_consent(session, "no-such-consent", by_token.created_at)


class TestTokenizedAccountNumbers:
    async def test_chase_shares_tokenized_numbers_with_the_real_mask(
        self, connector: OAuthBankConnector, browser: BankBrowser
    ) -> None:
        code, verifier = await link(
            connector, browser, institution_id=CHASE, username="chris", masks=["0000"]
        )
        tokens = await connector.exchange_code(CHASE, code, verifier, REDIRECT_URI)
        (account,) = await connector.fetch_accounts(CHASE, tokens.access_token)
        assert account.mask == "0000"
        assert account.numbers is not None and account.numbers.tokenized
        chase = find(CHASE)
        assert chase is not None
        (real,) = [a for a in accounts_of(chase, "chris") if a.mask == "0000"]
        assert account.numbers.account != real.account_number
        assert account.numbers.routing not in chase.routing_numbers
        assert len(account.numbers.routing) == 9

    async def test_tokenized_numbers_are_stable_for_the_app(
        self, connector: OAuthBankConnector, browser: BankBrowser
    ) -> None:
        async def numbers() -> str:
            code, verifier = await link(connector, browser, institution_id=CHASE, masks=["0000"])
            tokens = await connector.exchange_code(CHASE, code, verifier, REDIRECT_URI)
            (account,) = await connector.fetch_accounts(CHASE, tokens.access_token)
            assert account.numbers is not None
            return account.numbers.account

        assert await numbers() == await numbers()


def refresh_token_of(tokens: TokenSet) -> str:
    assert tokens.refresh_token is not None
    return tokens.refresh_token
