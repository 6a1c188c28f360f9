"""Revoking an OAuth Item's consent at the bank from the dashboard, on the lifecycle tests'
wiring: the app with the OAuth bank in-process, on a committed database."""

# Fixtures imported from the lifecycle and webhook tests; their names are parameters below.
# ruff: noqa: F811
from __future__ import annotations

from starlette.testclient import TestClient

from tests.builders import PlaidCaller, advance, item_of
from tests.dashboard.signing_in import post_form, sign_in
from tests.lifecycle.conftest import (  # noqa: F401  (fixtures)
    app_client,
    bank_app,
    bank_browser,
    username,
)
from tests.lifecycle.helpers import exchange, link_oauth_item
from tests.oauth_bank.helpers import BankBrowser
from tests.webhooks.conftest import api, receiver, secrets  # noqa: F401  (fixtures)
from tests.webhooks.receiver import Receiver


class TestRevokeConsent:
    def test_the_bank_withdraws_it_and_gingham_notices_later(
        self,
        api: PlaidCaller,
        app_client: TestClient,
        bank_browser: BankBrowser,
        receiver: Receiver,
        username: str,
    ) -> None:
        frame = link_oauth_item(
            api, app_client, bank_browser, receiver.url + "/hook", username=username
        )
        linked = exchange(api, frame)
        assert sign_in(app_client, api.credentials).status_code == 303
        page = f"/dashboard/items/{linked.item_id}"
        assert "Revoke consent" in app_client.get(page).text
        response = post_form(app_client, page, f"{page}/revoke_consent", {"account_id": ""})
        assert response.status_code == 303
        assert "Consent was withdrawn at the bank" in app_client.get(page).text
        # The bank no longer honours it, as the API then says.
        refused = api.error("/_gingham/bank/consent/revoke", {"access_token": linked.access_token})
        assert "no longer in force" in refused["error_message"]
        advance(api, "P2D")
        assert item_of(api, linked)["error"]["error_code"] == "ITEM_LOGIN_REQUIRED"
