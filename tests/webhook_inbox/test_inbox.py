"""The webhook inbox over HTTP: its URL, and verification accepted and refused."""

from __future__ import annotations

import json
from typing import Any

import pytest
from joserfc import jwt
from joserfc.jwk import ECKey, OctKey
from sqlalchemy.orm import Session, sessionmaker

from gingham.clock import FrozenClock
from gingham.config import Settings
from gingham.crypto import SecretBox, load_or_create_key
from gingham.webhooks import signing
from gingham.webhooks.transport import HttpTransport
from tests.builders import PlaidCaller
from tests.conftest import TEST_SECRET_KEY

BODY = json.dumps(
    {
        "webhook_type": "ITEM",
        "webhook_code": "WEBHOOK_UPDATE_ACKNOWLEDGED",
        "item_id": "eVBnVMp7zdTJLkRNr33Rs6zr7KNJqBFL9DrE6",
        "error": None,
        "new_webhook_url": "https://example.com/hook",
        "environment": "sandbox",
    }
).encode()


@pytest.fixture
def signing_key(
    session_factory: sessionmaker[Session], settings: Settings, clock: FrozenClock
) -> signing.SigningKey:
    """The key Gingham signs webhooks with, as its worker loads it."""
    secrets = SecretBox(load_or_create_key(TEST_SECRET_KEY, settings.data_dir))
    with session_factory() as session, session.begin():
        return signing.load_signing_key(session, secrets, clock.now())


def inbox_path(plaid: PlaidCaller, settings: Settings) -> str:
    url: str = plaid.ok("/_gingham/webhook_inbox/get")["url"]
    assert url.startswith(settings.base_url + "/_gingham/webhook_inbox/")
    return url.removeprefix(settings.base_url)


def deliver(plaid: PlaidCaller, path: str, body: bytes, verification: str | None) -> Any:
    headers = {"Content-Type": "application/json", "Gingham-Delivery-Id": "evt-1"}
    if verification is not None:
        headers["Plaid-Verification"] = verification
    return plaid.client.post(path, content=body, headers=headers)


def inbox(plaid: PlaidCaller, **body: Any) -> list[dict[str, Any]]:
    webhooks: list[dict[str, Any]] = plaid.ok("/_gingham/webhook_inbox/list", body)["webhooks"]
    return webhooks


def now(clock: FrozenClock) -> int:
    return int(clock.now().timestamp())


class TestInboxUrl:
    def test_the_url_stays_the_same(self, plaid: PlaidCaller, settings: Settings) -> None:
        assert inbox_path(plaid, settings) == inbox_path(plaid, settings)

    def test_each_client_has_its_own(
        self, plaid: PlaidCaller, other_plaid: PlaidCaller, settings: Settings
    ) -> None:
        assert inbox_path(plaid, settings) != inbox_path(other_plaid, settings)

    def test_an_unknown_inbox_is_not_found(self, plaid: PlaidCaller) -> None:
        response = plaid.client.post("/_gingham/webhook_inbox/nonsense", content=b"{}")
        assert response.status_code == 404
        assert response.json()["error_code"] == "NOT_FOUND"


class TestVerified:
    def test_a_webhook_signed_by_gingham_is_verified_and_recorded(
        self,
        plaid: PlaidCaller,
        settings: Settings,
        signing_key: signing.SigningKey,
        clock: FrozenClock,
    ) -> None:
        response = deliver(
            plaid, inbox_path(plaid, settings), BODY, signing_key.sign(BODY, iat=now(clock))
        )
        assert response.status_code == 200
        assert response.json() == {"received": True, "verified": True}
        [webhook] = inbox(plaid)
        assert webhook["verified"] is True
        assert webhook["verification_error"] is None
        assert webhook["webhook_type"] == "ITEM"
        assert webhook["webhook_code"] == "WEBHOOK_UPDATE_ACKNOWLEDGED"
        assert webhook["item_id"] == "eVBnVMp7zdTJLkRNr33Rs6zr7KNJqBFL9DrE6"
        assert webhook["body"] == BODY.decode()
        assert webhook["headers"]["gingham-delivery-id"] == "evt-1"
        assert webhook["headers"]["plaid-verification"].count(".") == 2

    def test_an_iat_just_under_five_minutes_old_is_accepted(
        self,
        plaid: PlaidCaller,
        settings: Settings,
        signing_key: signing.SigningKey,
        clock: FrozenClock,
    ) -> None:
        token = signing_key.sign(BODY, iat=now(clock) - 299)
        assert deliver(plaid, inbox_path(plaid, settings), BODY, token).status_code == 200

    def test_other_clients_do_not_see_it(
        self,
        plaid: PlaidCaller,
        other_plaid: PlaidCaller,
        settings: Settings,
        signing_key: signing.SigningKey,
        clock: FrozenClock,
    ) -> None:
        deliver(plaid, inbox_path(plaid, settings), BODY, signing_key.sign(BODY, iat=now(clock)))
        assert inbox(other_plaid) == []


class TestRefused:
    def refusal(
        self, plaid: PlaidCaller, settings: Settings, body: bytes, token: str | None
    ) -> str:
        response = deliver(plaid, inbox_path(plaid, settings), body, token)
        assert response.status_code == 400
        assert response.json()["verified"] is False
        [webhook] = inbox(plaid)
        assert webhook["verified"] is False
        assert webhook["verification_error"] == response.json()["reason"]
        # Recorded all the same, so the developer sees what came.
        assert webhook["body"] == body.decode()
        reason: str = webhook["verification_error"]
        return reason

    def test_a_tampered_body(
        self,
        plaid: PlaidCaller,
        settings: Settings,
        signing_key: signing.SigningKey,
        clock: FrozenClock,
    ) -> None:
        token = signing_key.sign(BODY, iat=now(clock))
        tampered = BODY.replace(b"ITEM", b"AUTH")
        assert "SHA-256" in self.refusal(plaid, settings, tampered, token)

    def test_a_stale_iat(
        self,
        plaid: PlaidCaller,
        settings: Settings,
        signing_key: signing.SigningKey,
        clock: FrozenClock,
    ) -> None:
        token = signing_key.sign(BODY, iat=now(clock) - 301)
        assert "five minutes" in self.refusal(plaid, settings, BODY, token)

    def test_a_signature_by_another_key_with_gingham_s_kid(
        self,
        plaid: PlaidCaller,
        settings: Settings,
        signing_key: signing.SigningKey,
        clock: FrozenClock,
    ) -> None:
        impostor = signing.SigningKey(signing_key.kid, ECKey.generate_key("P-256", private=True))
        token = impostor.sign(BODY, iat=now(clock))
        assert "signature does not verify" in self.refusal(plaid, settings, BODY, token)

    def test_an_unknown_kid(
        self, plaid: PlaidCaller, settings: Settings, clock: FrozenClock
    ) -> None:
        stranger = signing.SigningKey("not-a-kid", ECKey.generate_key("P-256", private=True))
        token = stranger.sign(BODY, iat=now(clock))
        assert "no verification key" in self.refusal(plaid, settings, BODY, token)

    def test_another_algorithm(
        self,
        plaid: PlaidCaller,
        settings: Settings,
        signing_key: signing.SigningKey,
        clock: FrozenClock,
    ) -> None:
        token = jwt.encode(
            {"alg": "HS256", "kid": signing_key.kid},
            {"iat": now(clock)},
            OctKey.import_key(b"0" * 32),
            algorithms=["HS256"],
        )
        assert "not ES256" in self.refusal(plaid, settings, BODY, token)

    def test_no_header(self, plaid: PlaidCaller, settings: Settings) -> None:
        assert "no Plaid-Verification" in self.refusal(plaid, settings, BODY, None)

    def test_a_header_that_is_not_a_jwt(self, plaid: PlaidCaller, settings: Settings) -> None:
        assert "not a JWT" in self.refusal(plaid, settings, BODY, "garbage")


class TestListing:
    def test_by_verdict_and_newest_first(
        self,
        plaid: PlaidCaller,
        settings: Settings,
        signing_key: signing.SigningKey,
        clock: FrozenClock,
    ) -> None:
        path = inbox_path(plaid, settings)
        deliver(plaid, path, BODY, signing_key.sign(BODY, iat=now(clock)))
        deliver(plaid, path, b"{}", None)
        assert [w["verified"] for w in inbox(plaid)] == [False, True]
        assert [w["verified"] for w in inbox(plaid, verified=True)] == [True]
        assert len(inbox(plaid, limit=1)) == 1


class TestOwnInboxDespiteRefusingPrivateAddresses:
    """GINGHAM_WEBHOOK_PRIVATE_ADDRESSES=0 refuses loopback receivers, but not the inbox: it is
    Gingham itself, not its network."""

    def test_the_inbox_is_gingham_s_own(self) -> None:
        transport = HttpTransport(
            None,  # type: ignore[arg-type]
            allow_private=False,
            own_prefixes=("http://127.0.0.1:8765/_gingham/webhook_inbox/",),
        )
        assert transport.leads_to_gingham("http://127.0.0.1:8765/_gingham/webhook_inbox/abc")
        assert not transport.leads_to_gingham(
            "http://127.0.0.1:8765/_gingham/webhook_inbox/../health"
        )
        assert not transport.leads_to_gingham("http://127.0.0.1:8766/_gingham/webhook_inbox/abc")
        assert not transport.leads_to_gingham("http://10.0.0.1:8765/_gingham/webhook_inbox/abc")
