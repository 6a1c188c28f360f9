"""Who may call /_gingham/admin/*: loopback without a token; elsewhere only with the server's
GINGHAM_ADMIN_TOKEN; a token sent must match. Refusals are Plaid-shaped."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace

import pytest
from sqlalchemy.orm import Session, sessionmaker
from starlette.testclient import TestClient

from gingham.app import create_app
from gingham.clock import FrozenClock
from gingham.config import Settings

LOOPBACK = ("127.0.0.1", 50000)
LOOPBACK_V6 = ("::1", 50000)
ELSEWHERE = ("192.0.2.7", 50000)
TOKEN = "a-long-random-admin-token-for-tests"
Clients = Callable[..., TestClient]


@pytest.fixture
def admin_client(
    settings: Settings, clock: FrozenClock, session_factory: sessionmaker[Session]
) -> Iterator[Clients]:
    """A test client of an app with (or without) an admin token, calling from `address`."""
    opened: list[TestClient] = []

    def make(address: tuple[str, int], *, admin_token: str = "", limit: int = 30) -> TestClient:
        app = create_app(
            replace(settings, admin_token=admin_token, failed_credentials_limit=limit),
            clock=clock,
            session_factory=session_factory,
        )
        client = TestClient(app, raise_server_exceptions=False, client=address)
        client.__enter__()
        opened.append(client)
        return client

    yield make
    for client in opened:
        client.__exit__(None, None, None)


def list_clients(client: TestClient, token: str | None = None) -> tuple[int, dict[str, object]]:
    headers = {"Gingham-Admin-Token": token} if token is not None else {}
    response = client.post("/_gingham/admin/clients/list", json={}, headers=headers)
    return response.status_code, response.json()


class TestAdminAccess:
    @pytest.mark.parametrize("address", [LOOPBACK, LOOPBACK_V6])
    def test_loopback_needs_no_token(self, admin_client: Clients, address: tuple[str, int]) -> None:
        status, body = list_clients(admin_client(address))
        assert status == 200 and body["clients"] == []

    def test_elsewhere_is_refused_without_a_token_configured(self, admin_client: Clients) -> None:
        status, body = list_clients(admin_client(ELSEWHERE))
        assert status == 403
        assert body["error_type"] == "INVALID_REQUEST"
        assert body["error_code"] == "ADMIN_NOT_ALLOWED"
        assert "192.0.2.7" in str(body["error_message"])
        assert "GINGHAM_ADMIN_TOKEN" in str(body["error_message"])
        # A token is no use while the server has none.
        status, body = list_clients(admin_client(ELSEWHERE), TOKEN)
        assert (status, body["error_code"]) == (403, "ADMIN_NOT_ALLOWED")

    def test_elsewhere_with_the_token(self, admin_client: Clients) -> None:
        client = admin_client(ELSEWHERE, admin_token=TOKEN)
        assert list_clients(client, TOKEN)[0] == 200
        status, body = list_clients(client)
        assert (status, body["error_code"]) == (403, "ADMIN_TOKEN_REQUIRED")
        status, body = list_clients(client, TOKEN + "x")
        assert (status, body["error_code"]) == (403, "INVALID_ADMIN_TOKEN")

    def test_a_wrong_token_is_refused_even_from_loopback(self, admin_client: Clients) -> None:
        client = admin_client(LOOPBACK, admin_token=TOKEN)
        assert list_clients(client)[0] == 200
        status, body = list_clients(client, "wrong")
        assert (status, body["error_code"]) == (403, "INVALID_ADMIN_TOKEN")

    def test_guessing_the_token_is_slowed(self, admin_client: Clients) -> None:
        client = admin_client(ELSEWHERE, admin_token=TOKEN, limit=3)
        for guess in ("a", "b", "c"):
            assert list_clients(client, guess)[1]["error_code"] == "INVALID_ADMIN_TOKEN"
        status, body = list_clients(client, TOKEN)
        assert (status, body["error_type"], body["error_code"]) == (
            429,
            "RATE_LIMIT_EXCEEDED",
            "RATE_LIMIT",
        )

    def test_refused_before_anything_happens(self, admin_client: Clients) -> None:
        client = admin_client(ELSEWHERE)
        response = client.post("/_gingham/admin/clients/create", json={"name": "Sneaky"})
        assert response.status_code == 403
        assert list_clients(admin_client(LOOPBACK))[1]["clients"] == []


class TestAdminEndpoints:
    def test_create_then_list_never_shows_a_secret(self, admin_client: Clients) -> None:
        client = admin_client(LOOPBACK)
        created = client.post("/_gingham/admin/clients/create", json={"name": "App"}).json()
        assert created["environment"] == "sandbox" and len(created["secret"]) == 30
        listed = list_clients(client)[1]["clients"]
        assert listed == [
            {
                "client_id": created["client_id"],
                "name": "App",
                "created_at": listed[0]["created_at"],  # type: ignore[index]
                "environments": ["sandbox"],
            }
        ]
        assert created["secret"] not in str(listed)

    def test_bad_bodies_are_plaid_errors(self, admin_client: Clients) -> None:
        client = admin_client(LOOPBACK)
        nameless = client.post("/_gingham/admin/clients/create", json={})
        assert nameless.status_code == 400 and nameless.json()["error_code"] == "MISSING_FIELDS"
        unconfirmed = client.post("/_gingham/admin/reset", json={})
        assert unconfirmed.status_code == 400
        assert unconfirmed.json()["error_code"] == "CONFIRMATION_REQUIRED"
        garbled = client.post(
            "/_gingham/admin/reset", content=b"{", headers={"content-type": "application/json"}
        )
        assert garbled.status_code == 400 and garbled.json()["error_type"] == "INVALID_REQUEST"
