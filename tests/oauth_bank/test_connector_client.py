"""Gingham's connector as a registered client of the bank: idempotent registration, its secret
kept hashed for the bank and sealed for Gingham."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy.orm import Session, sessionmaker

from gingham.clock import FrozenClock
from gingham.crypto import SecretBox
from gingham.oauth_bank import service
from gingham.oauth_bank.connector import BankError, OAuthBankConnector
from gingham.oauth_bank.models import BankClient
from gingham.wire.ids import token_hash
from tests.oauth_bank.helpers import BANK_URL, PLATYPUS, REDIRECT_URI


class TestEnsureConnectorClient:
    async def test_is_idempotent(
        self,
        session_factory: sessionmaker[Session],
        clock: FrozenClock,
        secret_box: SecretBox,
    ) -> None:
        with session_factory() as session, session.begin():
            first = service.ensure_connector_client(
                session, [REDIRECT_URI], secrets=secret_box, now=clock.now()
            )
        with session_factory() as session, session.begin():
            second = service.ensure_connector_client(
                session, [REDIRECT_URI], secrets=secret_box, now=clock.now()
            )
            row = session.get(BankClient, first.client_id)
            assert row is not None
            # Hashed for the bank, sealed for Gingham: never stored in the clear.
            assert row.secret_hash == token_hash(first.client_secret)
            assert row.sealed_secret is not None
            assert first.client_secret not in row.sealed_secret
        assert second == first

    async def test_keeps_the_redirect_uris_up_to_date(
        self,
        session_factory: sessionmaker[Session],
        clock: FrozenClock,
        secret_box: SecretBox,
    ) -> None:
        moved = "https://gingham.example/link/oauth/callback"
        with session_factory() as session, session.begin():
            service.ensure_connector_client(
                session, [REDIRECT_URI], secrets=secret_box, now=clock.now()
            )
            service.ensure_connector_client(session, [moved], secrets=secret_box, now=clock.now())
            row = session.get(BankClient, service.CONNECTOR_CLIENT_ID)
            assert row is not None and row.redirect_uris == [moved]

    async def test_a_new_secret_key_rotates_the_secret(
        self,
        session_factory: sessionmaker[Session],
        clock: FrozenClock,
        secret_box: SecretBox,
        http: httpx.AsyncClient,
    ) -> None:
        with session_factory() as session, session.begin():
            old = service.ensure_connector_client(
                session, [REDIRECT_URI], secrets=secret_box, now=clock.now()
            )
        other_key = SecretBox(b"another-32-byte-key-for-testing!")
        with session_factory() as session, session.begin():
            new = service.ensure_connector_client(
                session, [REDIRECT_URI], secrets=other_key, now=clock.now()
            )
        assert new.client_id == old.client_id
        assert new.client_secret != old.client_secret
        stale = OAuthBankConnector(
            http,
            base_url=BANK_URL,
            client_id=old.client_id,
            client_secret=old.client_secret,
            clock=clock,
        )
        with pytest.raises(BankError) as refused:
            await stale.revoke(PLATYPUS, "bank-refresh-anything")
        assert refused.value.error == "invalid_client"
