"""Consents at OAuth banks: withdrawn by the user at the bank (for the Item or one account),
and expiring, each observed as verified webhooks and /item/get, with the sandbox clock."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from starlette.testclient import TestClient

from gingham.wire.json import parse_datetime
from tests.builders import Linked, PlaidCaller, advance, item_of
from tests.lifecycle.helpers import deliveries_for, exchange, link_oauth_item, webhooks_for
from tests.oauth_bank.helpers import BankBrowser
from tests.webhooks.receiver import Receiver

Deliver = Callable[..., None]

PLATYPUS_OAUTH = "ins_127287"
EU_BANK = "ins_117181"  # consent for 90 days
US_EXPIRING_BANK = "ins_132241"  # consent for 365 days


def now_of(api: PlaidCaller) -> str:
    now: str = api.ok("/_gingham/clock/get", {})["now"]
    return now


def linked_oauth(
    api: PlaidCaller,
    client: TestClient,
    browser: BankBrowser,
    receiver: Receiver,
    username: str,
    **options: object,
) -> Linked:
    frame = link_oauth_item(
        api, client, browser, receiver.url + "/hook", username=username, **options
    )
    return exchange(api, frame)


class TestConsentRevokedAtTheBank:
    def test_item_needs_login_24_to_48_hours_later_with_user_permission_revoked(
        self,
        api: PlaidCaller,
        app_client: TestClient,
        bank_browser: BankBrowser,
        receiver: Receiver,
        deliver_due: Deliver,
        username: str,
    ) -> None:
        linked = linked_oauth(api, app_client, bank_browser, receiver, username)
        revoked_at = parse_datetime(now_of(api))
        answer = api.ok("/_gingham/bank/consent/revoke", {"access_token": linked.access_token})
        noticed_at = parse_datetime(answer["noticed_at"])
        assert timedelta(hours=24) <= noticed_at - revoked_at <= timedelta(hours=48)

        advance(api, "PT23H59M")
        deliver_due()
        assert item_of(api, linked)["error"] is None
        assert webhooks_for(receiver, linked.item_id) == []

        advance(api, "P1D")
        deliver_due()
        error = item_of(api, linked)["error"]
        assert (error["error_code"], error["error_code_reason"]) == (
            "ITEM_LOGIN_REQUIRED",
            "OAUTH_USER_REVOKED",
        )
        assert api.error("/accounts/get", {"access_token": linked.access_token})["error_code"] == (
            "ITEM_LOGIN_REQUIRED"
        )
        [revoked] = deliveries_for(receiver, linked.item_id, "USER_PERMISSION_REVOKED")
        assert revoked.verified
        assert revoked.payload["error"]["error_code"] == "USER_PERMISSION_REVOKED"
        [broken] = deliveries_for(receiver, linked.item_id, "ERROR")
        assert broken.payload["error"]["error_code"] == "ITEM_LOGIN_REQUIRED"
        assert broken.payload["error"]["error_code_reason"] == "OAUTH_USER_REVOKED"

    def test_update_mode_through_the_bank_restores_the_same_item(
        self,
        api: PlaidCaller,
        app_client: TestClient,
        bank_browser: BankBrowser,
        receiver: Receiver,
        deliver_due: Deliver,
        username: str,
    ) -> None:
        linked = linked_oauth(api, app_client, bank_browser, receiver, username)
        api.ok("/_gingham/bank/consent/revoke", {"access_token": linked.access_token})
        advance(api, "P2D")
        assert item_of(api, linked)["error"]["error_code"] == "ITEM_LOGIN_REQUIRED"

        frame = link_oauth_item(
            api,
            app_client,
            bank_browser,
            receiver.url + "/hook",
            username=username,
            access_token=linked.access_token,
        )
        assert frame.state["outcome"]["type"] == "success"
        item = item_of(api, linked)
        assert (item["item_id"], item["error"]) == (linked.item_id, None)
        accounts = api.ok("/accounts/get", {"access_token": linked.access_token})["accounts"]
        assert len(accounts) == 10
        # A check scheduled for the old consent finds nothing to do.
        advance(api, "P3D")
        assert item_of(api, linked)["error"] is None

    def test_revoking_one_account_hides_it_without_a_webhook(
        self,
        api: PlaidCaller,
        app_client: TestClient,
        bank_browser: BankBrowser,
        receiver: Receiver,
        deliver_due: Deliver,
        username: str,
    ) -> None:
        linked = linked_oauth(api, app_client, bank_browser, receiver, username)
        accounts = api.ok("/accounts/get", {"access_token": linked.access_token})["accounts"]
        gone = accounts[1]["account_id"]
        api.ok(
            "/_gingham/bank/consent/revoke",
            {"access_token": linked.access_token, "account_id": gone},
        )
        # The bank stops sharing it at once; Gingham notices at its next check.
        assert len(api.ok("/accounts/get", {"access_token": linked.access_token})["accounts"]) == 10
        advance(api, "P2D")
        deliver_due()

        left = api.ok("/accounts/get", {"access_token": linked.access_token})["accounts"]
        assert [a["account_id"] for a in left] == [
            a["account_id"] for a in accounts if a["account_id"] != gone
        ]
        assert item_of(api, linked)["error"] is None
        assert webhooks_for(receiver, linked.item_id) == []
        unknown = api.error(
            "/accounts/balance/get",
            {"access_token": linked.access_token, "options": {"account_ids": [gone]}},
        )
        assert unknown["error_code"] == "INVALID_ACCOUNT_ID"

    def test_an_account_the_item_does_not_share_is_refused(
        self,
        api: PlaidCaller,
        app_client: TestClient,
        bank_browser: BankBrowser,
        receiver: Receiver,
        username: str,
    ) -> None:
        linked = linked_oauth(api, app_client, bank_browser, receiver, username)
        error = api.error(
            "/_gingham/bank/consent/revoke",
            {"access_token": linked.access_token, "account_id": "not-an-account"},
        )
        assert error["error_code"] == "INVALID_ACCOUNT_ID"

    def test_a_credential_item_has_no_consent(self, api: PlaidCaller, receiver: Receiver) -> None:
        error = api.error("/_gingham/bank/consent/revoke", {"access_token": api.access_token()})
        assert error["error_code"] == "INVALID_FIELD"
        assert "password" in error["error_message"]

    def test_revoking_twice_is_refused(
        self,
        api: PlaidCaller,
        app_client: TestClient,
        bank_browser: BankBrowser,
        receiver: Receiver,
        username: str,
    ) -> None:
        linked = linked_oauth(api, app_client, bank_browser, receiver, username)
        api.ok("/_gingham/bank/consent/revoke", {"access_token": linked.access_token})
        again = api.error("/_gingham/bank/consent/revoke", {"access_token": linked.access_token})
        assert again["error_code"] == "INVALID_FIELD"


class TestConsentExpiry:
    def test_eu_consent_warns_with_pending_expiration_then_expires(
        self,
        api: PlaidCaller,
        app_client: TestClient,
        bank_browser: BankBrowser,
        receiver: Receiver,
        deliver_due: Deliver,
        username: str,
    ) -> None:
        linked = linked_oauth(
            api,
            app_client,
            bank_browser,
            receiver,
            username,
            institution_id=EU_BANK,
            country_codes=("FR",),
        )
        linked_at = parse_datetime(now_of(api))
        expires = parse_datetime(item_of(api, linked)["consent_expiration_time"])
        assert expires - linked_at == timedelta(days=90)

        advance(api, "P82D")
        deliver_due()
        assert webhooks_for(receiver, linked.item_id) == []
        advance(api, "P1D")
        deliver_due()
        [warning] = deliveries_for(receiver, linked.item_id, "PENDING_EXPIRATION")
        assert warning.verified
        assert parse_datetime(warning.payload["consent_expiration_time"]) == expires
        assert set(warning.payload) == {
            "webhook_type",
            "webhook_code",
            "item_id",
            "consent_expiration_time",
            "environment",
        }
        assert item_of(api, linked)["error"] is None

        advance(api, "P7D")
        deliver_due()
        error = item_of(api, linked)["error"]
        assert (error["error_code"], error["error_code_reason"]) == (
            "ITEM_LOGIN_REQUIRED",
            "OAUTH_CONSENT_EXPIRED",
        )
        assert webhooks_for(receiver, linked.item_id) == [
            ("ITEM", "PENDING_EXPIRATION"),
            ("ITEM", "ERROR"),
        ]

    def test_us_consent_warns_with_pending_disconnect(
        self,
        api: PlaidCaller,
        app_client: TestClient,
        bank_browser: BankBrowser,
        receiver: Receiver,
        deliver_due: Deliver,
        username: str,
    ) -> None:
        linked = linked_oauth(
            api, app_client, bank_browser, receiver, username, institution_id=US_EXPIRING_BANK
        )
        expires = parse_datetime(item_of(api, linked)["consent_expiration_time"])
        advance(api, "P358D")
        deliver_due()
        [warning] = deliveries_for(receiver, linked.item_id, "PENDING_DISCONNECT")
        assert warning.payload["reason"] == "INSTITUTION_TOKEN_EXPIRATION"
        assert parse_datetime(warning.payload["disconnect_time"]) == expires
        advance(api, "P7D")
        deliver_due()
        assert item_of(api, linked)["error"]["error_code_reason"] == "OAUTH_CONSENT_EXPIRED"

    def test_expiry_runs_on_the_clients_own_clock(
        self,
        api: PlaidCaller,
        app_client: TestClient,
        bank_browser: BankBrowser,
        receiver: Receiver,
        username: str,
    ) -> None:
        advance(api, "P30D")
        linked = linked_oauth(
            api,
            app_client,
            bank_browser,
            receiver,
            username,
            institution_id=EU_BANK,
            country_codes=("FR",),
        )
        expires = parse_datetime(item_of(api, linked)["consent_expiration_time"])
        assert expires - parse_datetime(now_of(api)) == timedelta(days=90)

    def test_renewing_in_update_mode_moves_the_expiry(
        self,
        api: PlaidCaller,
        app_client: TestClient,
        bank_browser: BankBrowser,
        receiver: Receiver,
        deliver_due: Deliver,
        username: str,
    ) -> None:
        linked = linked_oauth(
            api,
            app_client,
            bank_browser,
            receiver,
            username,
            institution_id=EU_BANK,
            country_codes=("FR",),
        )
        advance(api, "P85D")
        link_oauth_item(
            api,
            app_client,
            bank_browser,
            receiver.url + "/hook",
            username=username,
            institution_id=EU_BANK,
            country_codes=("FR",),
            access_token=linked.access_token,
        )
        renewed = parse_datetime(item_of(api, linked)["consent_expiration_time"])
        assert renewed - parse_datetime(now_of(api)) == timedelta(days=90)
        # The first consent's expiry passes without effect.
        advance(api, "P10D")
        deliver_due()
        assert item_of(api, linked)["error"] is None
        assert ("ITEM", "ERROR") not in webhooks_for(receiver, linked.item_id)
