"""Failed credentials are rate-limited per source address and per client_id."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest
from sqlalchemy.orm import Session, sessionmaker
from starlette.testclient import TestClient

from gingham.app import create_app
from gingham.clients.attempts import FailedCredentials
from gingham.clock import FrozenClock
from gingham.config import Settings

LIMIT = 3


@pytest.fixture
def strict_client(
    settings: Settings, clock: FrozenClock, session_factory: sessionmaker[Session]
) -> Iterator[TestClient]:
    app = create_app(
        replace(settings, failed_credentials_limit=LIMIT),
        clock=clock,
        session_factory=session_factory,
    )
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


def item_get(client: TestClient, client_id: str, secret: str) -> dict[str, object]:
    response = client.post(
        "/item/get",
        json={"access_token": "access-sandbox-nope"},
        headers={"PLAID-CLIENT-ID": client_id, "PLAID-SECRET": secret},
    )
    body: dict[str, object] = {"status": response.status_code, **response.json()}
    return body


class TestFailedCredentials:
    def test_an_address_that_keeps_failing_is_refused_for_a_while(
        self, strict_client: TestClient, credentials: dict[str, str]
    ) -> None:
        for _ in range(LIMIT):
            assert item_get(strict_client, credentials["client_id"], "wrong")["error_code"] == (
                "INVALID_API_KEYS"
            )
        refused = item_get(strict_client, credentials["client_id"], credentials["secret"])
        assert refused["status"] == 429
        assert refused["error_type"] == "RATE_LIMIT_EXCEEDED"
        assert refused["error_code"] == "RATE_LIMIT"
        assert "60 seconds" in str(refused["error_message"])

    def test_the_right_secret_is_not_counted(
        self, strict_client: TestClient, credentials: dict[str, str]
    ) -> None:
        for _ in range(LIMIT * 2):
            answer = item_get(strict_client, credentials["client_id"], credentials["secret"])
            assert answer["error_code"] == "INVALID_ACCESS_TOKEN"

    def test_credentials_in_the_body_count_too(
        self, strict_client: TestClient, credentials: dict[str, str]
    ) -> None:
        for _ in range(LIMIT):
            strict_client.post(
                "/item/get",
                json={
                    "client_id": credentials["client_id"],
                    "secret": "wrong",
                    "access_token": "x",
                },
            )
        response = strict_client.post(
            "/item/get", json={**credentials, "access_token": "access-sandbox-nope"}
        )
        assert response.status_code == 429


class TestCounting:
    def test_a_client_id_guessed_from_many_addresses_answers_rate_limit(self) -> None:
        now = [0.0]
        attempts = FailedCredentials(limit=2, window=60, monotonic=lambda: now[0])
        codes = [attempts.failed("client-1", f"10.0.0.{n}").error_code for n in range(1, 5)]
        assert codes == ["INVALID_API_KEYS", "INVALID_API_KEYS", "RATE_LIMIT", "RATE_LIMIT"]
        # Each address failed once: none of them is refused outright.
        attempts.refuse_if_limited("10.0.0.1")

    def test_failures_are_forgotten_after_the_window(self) -> None:
        now = [0.0]
        attempts = FailedCredentials(limit=2, window=60, monotonic=lambda: now[0])
        attempts.failed("client-1", "10.0.0.1")
        attempts.failed("client-1", "10.0.0.1")
        with pytest.raises(Exception, match="RATE_LIMIT"):
            attempts.refuse_if_limited("10.0.0.1")
        now[0] = 61.0
        attempts.refuse_if_limited("10.0.0.1")
        assert attempts.failed("client-1", "10.0.0.1").error_code == "INVALID_API_KEYS"

    def test_the_default_allows_thirty_a_minute(self) -> None:
        assert Settings().failed_credentials_limit == 30
        assert (
            Settings.from_env({"GINGHAM_FAILED_CREDENTIALS_LIMIT": "5"}).failed_credentials_limit
            == 5
        )
