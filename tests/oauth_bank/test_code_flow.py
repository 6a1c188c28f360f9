"""The authorization code flow end to end: the user at the bank's pages, Gingham's connector
exchanging the code and reading what was shared, over HTTP."""

from __future__ import annotations

from datetime import timedelta

from gingham.clock import FrozenClock
from gingham.oauth_bank.connector import OAuthBankConnector
from tests.oauth_bank.helpers import PLATYPUS, REDIRECT_URI, BankBrowser, link


class TestCodeFlow:
    async def test_shares_exactly_the_chosen_accounts_with_their_numbers(
        self, connector: OAuthBankConnector, browser: BankBrowser
    ) -> None:
        code, verifier = await link(
            connector, browser, masks=["0000", "1111"], scopes=["accounts", "auth"]
        )
        tokens = await connector.exchange_code(PLATYPUS, code, verifier, REDIRECT_URI)
        assert tokens.scopes == ("accounts", "auth")
        accounts = await connector.fetch_accounts(PLATYPUS, tokens.access_token)
        assert [(a.name, a.mask) for a in accounts] == [
            ("Plaid Checking", "0000"),
            ("Plaid Saving", "1111"),
        ]
        checking = accounts[0]
        assert checking.official_name == "Plaid Gold Standard 0% Interest Checking"
        assert (checking.type, checking.subtype) == ("depository", "checking")
        assert (checking.balances.available, checking.balances.current) == (100, 110)
        assert checking.balances.iso_currency_code == "USD"
        assert checking.numbers is not None
        assert checking.numbers.account.endswith("0000")
        assert checking.numbers.routing == "021400728"
        assert not checking.numbers.tokenized

    async def test_tokens_name_their_consent_and_lifetime(
        self, connector: OAuthBankConnector, browser: BankBrowser, clock: FrozenClock
    ) -> None:
        code, verifier = await link(connector, browser, masks=["0000"])
        tokens = await connector.exchange_code(PLATYPUS, code, verifier, REDIRECT_URI)
        assert tokens.refresh_token is not None
        assert tokens.expires_at == clock.now() + timedelta(minutes=15)
        consent = await connector.fetch_consent(PLATYPUS, tokens.access_token)
        assert consent.consent_id == tokens.consent_id
        assert consent.status == "Authorised"
        assert consent.scopes == ("accounts", "transactions", "identity", "auth")
        assert len(consent.account_ids) == 1
        assert consent.created_at == clock.now().replace(microsecond=0)
        assert consent.expires_at is None

    async def test_without_the_auth_scope_no_numbers_are_shared(
        self, connector: OAuthBankConnector, browser: BankBrowser
    ) -> None:
        code, verifier = await link(connector, browser, scopes=["accounts", "transactions"])
        tokens = await connector.exchange_code(PLATYPUS, code, verifier, REDIRECT_URI)
        accounts = await connector.fetch_accounts(PLATYPUS, tokens.access_token)
        assert len(accounts) == 12
        assert all(account.numbers is None for account in accounts)

    async def test_the_username_decides_whose_accounts_are_shared(
        self, connector: OAuthBankConnector, browser: BankBrowser
    ) -> None:
        async def shared(username: str) -> tuple[str, list[str]]:
            code, verifier = await link(connector, browser, username=username, masks=["0000"])
            tokens = await connector.exchange_code(PLATYPUS, code, verifier, REDIRECT_URI)
            consent = await connector.fetch_consent(PLATYPUS, tokens.access_token)
            accounts = await connector.fetch_accounts(PLATYPUS, tokens.access_token)
            return consent.bank_user, [a.account_id for a in accounts]

        alice = await shared("alice")
        assert await shared("alice") == alice
        bob = await shared("bob")
        assert bob[0] != alice[0] and bob[1] != alice[1]
        # A blank username signs in as the sandbox user, every time.
        assert await shared("") == await shared("   ")
