"""Races on real connections: of concurrent exchanges of one code, or refreshes with one refresh
token, exactly one wins."""

from __future__ import annotations

import base64
import json
import secrets
import threading
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from sqlalchemy import Engine, delete
from sqlalchemy.orm import sessionmaker
from starlette.responses import Response

from gingham.clock import SystemClock
from gingham.crypto import SecretBox
from gingham.institutions.catalogue import SandboxInstitution, find
from gingham.oauth_bank import service
from gingham.oauth_bank.authlib_adapter import IncomingRequest
from gingham.oauth_bank.authorization import BankAuthorizationServer, BankContext, Lifetimes
from gingham.oauth_bank.connector import new_pkce_pair
from gingham.oauth_bank.models import BankClient
from gingham.oauth_bank.runtime import BankRuntime
from gingham.oauth_bank.service import ConnectorCredentials
from tests.oauth_bank.helpers import BANK_URL, PLATYPUS, REDIRECT_URI

RACERS = 6


@dataclass(frozen=True)
class Committed:
    """A bank on committed data, as concurrent requests on separate connections see it."""

    runtime: BankRuntime
    client: ConnectorCredentials

    @property
    def institution(self) -> SandboxInstitution:
        institution = find(PLATYPUS)
        assert institution is not None
        return institution

    def token_request(self, form: dict[str, str]) -> Response:
        pair = f"{self.client.client_id}:{self.client.client_secret}".encode()
        call = IncomingRequest(
            method="POST",
            url=f"{BANK_URL}/{PLATYPUS}/oauth/token",
            headers={"Authorization": "Basic " + base64.b64encode(pair).decode()},
            form=tuple(form.items()),
        )

        def work(context: BankContext) -> Response:
            response: Response = BankAuthorizationServer(context).create_token_response(call)
            return response

        return self.runtime.run(self.institution, work)

    def issue_code(self, challenge: str) -> str:
        code = secrets.token_urlsafe(32)
        now = self.runtime.clock.now()
        with self.runtime.session_factory() as session, session.begin():
            consent = service.grant_consent(
                session,
                institution=self.institution,
                username="racer",
                client_id=self.client.client_id,
                account_ids=["bacc_racer"],
                scopes=["accounts"],
                now=now,
            )
            service.save_authorization_code(
                session,
                code=code,
                institution_id=PLATYPUS,
                client_id=self.client.client_id,
                consent_id=consent.id,
                redirect_uri=REDIRECT_URI,
                scope="accounts",
                code_challenge=challenge,
                code_challenge_method="S256",
                now=now,
                lifetime=self.runtime.lifetimes.authorization_code,
            )
        return code


@pytest.fixture
def committed(engine: Engine) -> Iterator[Committed]:
    factory = sessionmaker(engine, expire_on_commit=False)
    clock = SystemClock()
    with factory() as session, session.begin():
        client = service.register_client(
            session, name="Racing app", redirect_uris=[REDIRECT_URI], now=clock.now()
        )
    runtime = BankRuntime(
        session_factory=factory,
        clock=clock,
        secrets=SecretBox(secrets.token_bytes(32)),
        public_url=BANK_URL,
        lifetimes=Lifetimes(),
    )
    yield Committed(runtime, client)
    with factory() as session, session.begin():
        # Consents, codes and tokens go with their client.
        session.execute(delete(BankClient).where(BankClient.id == client.client_id))


def race(committed: Committed, form: dict[str, str]) -> list[int]:
    barrier = threading.Barrier(RACERS)
    statuses: list[int] = []
    lock = threading.Lock()

    def attempt() -> None:
        barrier.wait()
        status = committed.token_request(form).status_code
        with lock:
            statuses.append(status)

    threads = [threading.Thread(target=attempt) for _ in range(RACERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


def exchange_form(code: str, verifier: str) -> dict[str, str]:
    return {
        "grant_type": "authorization_code",
        "code": code,
        "code_verifier": verifier,
        "redirect_uri": REDIRECT_URI,
    }


def test_exactly_one_of_concurrent_code_exchanges_succeeds(committed: Committed) -> None:
    verifier, challenge = new_pkce_pair()
    code = committed.issue_code(challenge)
    statuses = race(committed, exchange_form(code, verifier))
    assert sorted(statuses) == [200] + [400] * (RACERS - 1)


def test_exactly_one_of_concurrent_refreshes_succeeds(committed: Committed) -> None:
    verifier, challenge = new_pkce_pair()
    issued = committed.token_request(exchange_form(committed.issue_code(challenge), verifier))
    refresh_token = json.loads(bytes(issued.body))["refresh_token"]
    statuses = race(committed, {"grant_type": "refresh_token", "refresh_token": refresh_token})
    assert sorted(statuses) == [200] + [400] * (RACERS - 1)
