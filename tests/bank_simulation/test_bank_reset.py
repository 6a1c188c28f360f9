"""Restoring the sandbox banks (gingham.bank_simulation.reset, `gingham bank reset`): what the
simulation changed at the banks is undone, and Gingham's later checks see the banks as they
were."""

from __future__ import annotations

import uuid
from collections.abc import Callable

import pytest
from sqlalchemy.orm import Session, sessionmaker
from starlette.testclient import TestClient

from gingham.bank_simulation.reset import restore_banks
from tests.builders import PlaidCaller, advance, item_of
from tests.lifecycle.helpers import exchange, link_oauth_item, webhooks_for
from tests.oauth_bank.helpers import BankBrowser
from tests.webhooks.receiver import Receiver

pytestmark = pytest.mark.usefixtures("fresh_banks")
Deliver = Callable[..., None]


@pytest.fixture
def username() -> str:
    """A bank username no other test uses (OAuth banks accept any)."""
    return f"user-{uuid.uuid4().hex[:12]}"


def test_a_consent_withdrawn_at_the_bank_is_in_force_again(
    api: PlaidCaller,
    app_client: TestClient,
    bank_browser: BankBrowser,
    receiver: Receiver,
    deliver_due: Deliver,
    username: str,
    committed_sessions: sessionmaker[Session],
) -> None:
    frame = link_oauth_item(
        api, app_client, bank_browser, receiver.url + "/hook", username=username
    )
    linked = exchange(api, frame)
    # By item_id, as `gingham bank revoke-consent --item` sends it.
    api.ok("/_gingham/bank/consent/revoke", {"item_id": linked.item_id})
    with committed_sessions() as session, session.begin():
        assert restore_banks(session).consents == 1

    # Gingham's check of the Item, 24-48 hours on, finds the consent in force: nothing happens.
    advance(api, "P3D")
    deliver_due()
    assert item_of(api, linked)["error"] is None
    assert ("ITEM", "USER_PERMISSION_REVOKED") not in webhooks_for(receiver, linked.item_id)
    api.ok("/accounts/get", {"access_token": linked.access_token})


def test_revoking_by_item_id_takes_only_the_callers_live_items(
    api: PlaidCaller,
    other_api: PlaidCaller,
    app_client: TestClient,
    bank_browser: BankBrowser,
    receiver: Receiver,
    username: str,
) -> None:
    frame = link_oauth_item(
        api, app_client, bank_browser, receiver.url + "/hook", username=username
    )
    linked = exchange(api, frame)
    refused = other_api.error("/_gingham/bank/consent/revoke", {"item_id": linked.item_id})
    assert refused["error_code"] == "INVALID_FIELD"
    assert f"none of your live Items has item_id {linked.item_id}" in refused["error_message"]
    neither = api.error("/_gingham/bank/consent/revoke", {})
    assert neither["error_code"] == "MISSING_FIELDS"
