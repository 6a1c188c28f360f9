"""A shared server can refuse webhooks to loopback and private addresses; a sandbox allows them."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from gingham.config import Settings
from gingham.webhooks.transport import (
    HttpTransport,
    PrivateAddressRefused,
    refuse_private_addresses,
)
from tests.builders import PlaidCaller
from tests.webhooks.conftest import delivery_log, linked_item, run_async
from tests.webhooks.receiver import Receiver


class TestRefusingPrivateAddresses:
    @pytest.mark.parametrize(
        "url",
        [
            "http://127.0.0.1:8000/hook",
            "http://localhost/hook",
            "http://10.1.2.3/hook",
            "http://192.168.0.10/hook",
            "http://169.254.169.254/latest/meta-data",
            "http://[::1]:8000/hook",
        ],
    )
    def test_private_and_loopback_hosts_are_refused(self, url: str) -> None:
        with pytest.raises(PrivateAddressRefused, match="GINGHAM_WEBHOOK_PRIVATE_ADDRESSES"):
            run_async(lambda: refuse_private_addresses(url))

    def test_a_public_address_is_allowed(self) -> None:
        run_async(lambda: refuse_private_addresses("https://93.184.216.34/plaid/webhook"))

    def test_a_refused_delivery_is_a_failed_attempt_saying_why(
        self,
        api: PlaidCaller,
        receiver: Receiver,
        deliver_due: Callable[..., None],
    ) -> None:
        access_token, _ = linked_item(api, receiver.url)
        api.ok(
            "/sandbox/item/fire_webhook",
            {"access_token": access_token, "webhook_code": "SYNC_UPDATES_AVAILABLE"},
        )
        deliver_due(transport=HttpTransport(httpx.AsyncClient(), allow_private=False))
        [event] = delivery_log(api)
        first = event["attempts"][0]
        assert first["status"] == "failed"
        assert "private or loopback address" in first["error"]
        assert receiver.deliveries == []

    def test_sandboxes_allow_them_by_default(self) -> None:
        assert Settings().webhook_private_addresses
        assert not Settings.from_env(
            {"GINGHAM_WEBHOOK_PRIVATE_ADDRESSES": "0"}
        ).webhook_private_addresses
