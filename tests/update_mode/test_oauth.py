"""Update mode at OAuth banks, from "Updating Items via Link": §1 "Resolving ITEM_LOGIN_REQUIRED,
PENDING_EXPIRATION, or PENDING_DISCONNECT" (consent revoked at the bank, or expired, repaired by
going back through the bank), the OAuth pane's guidance on which permissions to grant
("Requesting additional products, accounts, permissions, or use cases"), §8 permissions the user
takes away in plain update mode (consent revocation), §6 "Resolving ACCESS_NOT_GRANTED or
NO_AUTH_ACCOUNTS errors via Product Validations" at the bank, and "Data Transparency Messaging" /
"Renewing consent"."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from starlette.testclient import TestClient

from gingham.wire.json import parse_datetime
from tests.builders import Linked, PlaidCaller, advance, item_of, link_token_request
from tests.lifecycle.helpers import deliveries_for, exchange, webhooks_for
from tests.link.helpers import FrameDriver
from tests.oauth_bank.helpers import PLATYPUS, BankBrowser, run_async
from tests.webhooks.receiver import Receiver

Deliver = Callable[..., None]

US_EXPIRING_BANK = "ins_132241"  # the bank's consent lasts 365 days
WITHOUT_AUTH = ["accounts", "transactions", "identity"]
NUMBERS_ONLY_MESSAGE = (
    "The permissions needed to connect were not granted. "
    "Please go back to your bank and share: Account and routing numbers."
)
TRANSACTIONS = "Transactions"
NUMBERS = "Account and routing numbers"
HOLDER = "Account holder name, address, email and phone"


def now_of(api: PlaidCaller) -> datetime:
    return parse_datetime(api.ok("/_gingham/clock/get", {})["now"])


def open_link(api: PlaidCaller, client: TestClient, **request: Any) -> FrameDriver:
    """A Link session for a link token made with these /link/token/create fields, started."""
    frame = FrameDriver(
        client, api.ok("/link/token/create", link_token_request(**request))["link_token"]
    )
    frame.start()
    return frame


def open_update_mode(
    api: PlaidCaller, client: TestClient, linked: Linked, receiver: Receiver, **request: Any
) -> FrameDriver:
    """Update mode for the Item (no products unless given: Product Validations), started."""
    request = {"products": None, **request}
    return open_link(
        api, client, webhook=receiver.url + "/hook", access_token=linked.access_token, **request
    )


def visit_bank(
    client: TestClient,
    browser: BankBrowser,
    frame: FrameDriver,
    *,
    username: str,
    institution_id: str = PLATYPUS,
    masks: list[str] | None = None,
    scopes: list[str] | None = None,
) -> None:
    """From the OAUTH pane through the bank's pop-up (sign in, tick, allow) and back to Link."""
    assert frame.view == "OAUTH", frame.state["view"]
    url = frame.act("open_oauth", mode="popup")["view"]["oauth_url"]
    decision = run_async(
        browser.consent(
            url, institution_id=institution_id, username=username, masks=masks, scopes=scopes
        )
    )
    returned = urlsplit(decision.location)
    callback = client.get(f"{returned.path}?{returned.query}")
    assert callback.status_code == 200, callback.text
    frame.act("oauth_complete")


def link_new(
    api: PlaidCaller,
    client: TestClient,
    browser: BankBrowser,
    receiver: Receiver,
    *,
    username: str,
    institution_id: str = PLATYPUS,
    masks: list[str] | None = None,
    scopes: list[str] | None = None,
    **request: Any,
) -> Linked:
    """A new Item at an OAuth bank, exchanged."""
    frame = open_link(api, client, webhook=receiver.url + "/hook", **request)
    frame.act("continue")
    frame.act("select_institution", institution_id=institution_id)
    visit_bank(
        client,
        browser,
        frame,
        username=username,
        institution_id=institution_id,
        masks=masks,
        scopes=scopes,
    )
    assert frame.view == "CONNECTED", frame.state["view"]
    frame.act("continue")
    return exchange(api, frame)


def shared_masks(api: PlaidCaller, linked: Linked) -> list[str]:
    accounts = api.ok("/accounts/get", {"access_token": linked.access_token})["accounts"]
    return [account["mask"] for account in accounts]


def masks_with_numbers(api: PlaidCaller, linked: Linked) -> list[str]:
    auth = api.ok("/auth/get", {"access_token": linked.access_token})
    by_id = {account["account_id"]: account["mask"] for account in auth["accounts"]}
    return [by_id[numbers["account_id"]] for numbers in auth["numbers"]["ach"]]


def error_code(api: PlaidCaller, path: str, linked: Linked) -> str:
    code: str = api.error(path, {"access_token": linked.access_token})["error_code"]
    return code


def retry(frame: FrameDriver) -> None:
    """Retry from the ERROR pane, back to the OAUTH pane."""
    frame.act("retry")
    assert frame.view == "OAUTH", frame.state["view"]


def save_dtm_customization(api: PlaidCaller) -> None:
    api.ok(
        "/_gingham/link_customizations/save",
        {
            "name": "dtm",
            "data_transparency_messaging": {"enabled": True, "use_cases": ["Budgeting"]},
        },
    )


class TestRepairingAtTheBank:
    def test_revoked_consent_goes_from_consent_straight_to_the_bank(
        self,
        api: PlaidCaller,
        app_client: TestClient,
        bank_browser: BankBrowser,
        receiver: Receiver,
        deliver_due: Deliver,
        username: str,
    ) -> None:
        linked = link_new(api, app_client, bank_browser, receiver, username=username)
        before = shared_masks(api, linked)
        api.ok("/_gingham/bank/consent/revoke", {"access_token": linked.access_token})
        advance(api, "P2D")
        deliver_due()
        assert item_of(api, linked)["error"]["error_code_reason"] == "OAUTH_USER_REVOKED"

        frame = open_update_mode(api, app_client, linked, receiver)
        assert frame.view == "CONSENT"
        assert frame.state["view"]["update_mode"] is True
        frame.act("continue")
        view = frame.state["view"]
        assert (view["name"], view["institution"]["institution_id"]) == ("OAUTH", PLATYPUS)
        assert (view["update_mode"], view["permissions"]) == (True, [TRANSACTIONS])
        # Update mode knows its institution: there is nowhere to go back to.
        refused = frame.post("back")
        assert (refused.status_code, refused.json()["error_code"]) == (400, "INVALID_FIELD")

        visit_bank(app_client, bank_browser, frame, username=username)
        assert frame.view == "CONNECTED"
        frame.act("continue")
        assert frame.state["outcome"]["type"] == "success"
        assert frame.event_names() == [
            "OPEN",
            "TRANSITION_VIEW:OAUTH",
            "OPEN_OAUTH",
            "TRANSITION_VIEW:CONNECTED",
            "HANDOFF",
        ]
        assert frame.events[0]["metadata"]["is_update_mode"] == "true"
        # The access token the app holds works again, for the same Item.
        item = item_of(api, linked)
        assert (item["item_id"], item["error"], item["consent_expiration_time"]) == (
            linked.item_id,
            None,
            None,
        )
        assert shared_masks(api, linked) == before
        assert sorted(webhooks_for(receiver, linked.item_id)) == [
            ("ITEM", "ERROR"),
            ("ITEM", "USER_PERMISSION_REVOKED"),
        ]

    def test_expired_consent_is_renewed_from_the_banks_new_consent(
        self,
        api: PlaidCaller,
        app_client: TestClient,
        bank_browser: BankBrowser,
        receiver: Receiver,
        deliver_due: Deliver,
        username: str,
    ) -> None:
        linked = link_new(
            api,
            app_client,
            bank_browser,
            receiver,
            username=username,
            institution_id=US_EXPIRING_BANK,
        )
        first = parse_datetime(item_of(api, linked)["consent_expiration_time"])
        advance(api, "P365D")
        deliver_due()
        error = item_of(api, linked)["error"]
        assert (error["error_code"], error["error_code_reason"]) == (
            "ITEM_LOGIN_REQUIRED",
            "OAUTH_CONSENT_EXPIRED",
        )

        frame = open_update_mode(api, app_client, linked, receiver)
        frame.act("continue")
        assert frame.state["view"]["update_mode"] is True
        visit_bank(
            app_client, bank_browser, frame, username=username, institution_id=US_EXPIRING_BANK
        )
        assert frame.view == "CONNECTED"
        renewed_at = now_of(api)
        item = item_of(api, linked)
        assert (item["item_id"], item["error"]) == (linked.item_id, None)
        renewed = parse_datetime(item["consent_expiration_time"])
        assert renewed == renewed_at + timedelta(days=365)
        assert len(shared_masks(api, linked)) == 10

        # The new consent warns a week ahead and expires in its turn.
        advance(api, "P358D")
        deliver_due()
        warnings = deliveries_for(receiver, linked.item_id, "PENDING_DISCONNECT")
        assert [parse_datetime(w.payload["disconnect_time"]) for w in warnings] == [
            first,
            renewed,
        ]
        assert item_of(api, linked)["error"] is None
        advance(api, "P7D")
        deliver_due()
        assert item_of(api, linked)["error"]["error_code_reason"] == "OAUTH_CONSENT_EXPIRED"

    def test_pending_disconnect_is_resolved_before_the_item_breaks(
        self,
        api: PlaidCaller,
        app_client: TestClient,
        bank_browser: BankBrowser,
        receiver: Receiver,
        deliver_due: Deliver,
        username: str,
    ) -> None:
        linked = link_new(
            api,
            app_client,
            bank_browser,
            receiver,
            username=username,
            institution_id=US_EXPIRING_BANK,
        )
        advance(api, "P358D")
        deliver_due()
        assert webhooks_for(receiver, linked.item_id) == [("ITEM", "PENDING_DISCONNECT")]

        frame = open_update_mode(api, app_client, linked, receiver)
        frame.act("continue")
        visit_bank(
            app_client, bank_browser, frame, username=username, institution_id=US_EXPIRING_BANK
        )
        assert frame.view == "CONNECTED"
        renewed = parse_datetime(item_of(api, linked)["consent_expiration_time"])
        assert renewed == now_of(api) + timedelta(days=365)

        # The first consent's expiry, a week later, passes without effect.
        advance(api, "P8D")
        deliver_due()
        assert item_of(api, linked)["error"] is None
        assert webhooks_for(receiver, linked.item_id) == [("ITEM", "PENDING_DISCONNECT")]


class TestOAuthPanePermissions:
    def test_a_new_link_names_the_scopes_of_its_products_and_consented_products(
        self, api: PlaidCaller, app_client: TestClient, receiver: Receiver
    ) -> None:
        frame = open_link(
            api,
            app_client,
            webhook=receiver.url + "/hook",
            products=["transactions"],
            additional_consented_products=["identity"],
        )
        frame.act("continue")
        frame.act("select_institution", institution_id=PLATYPUS)
        view = frame.state["view"]
        assert (view["name"], view["update_mode"]) == ("OAUTH", False)
        assert view["permissions"] == [HOLDER, TRANSACTIONS]

    def test_update_mode_names_the_items_products_and_those_the_session_adds(
        self,
        api: PlaidCaller,
        app_client: TestClient,
        bank_browser: BankBrowser,
        receiver: Receiver,
        username: str,
    ) -> None:
        linked = link_new(api, app_client, bank_browser, receiver, username=username)

        def permissions(**request: Any) -> list[str]:
            frame = open_update_mode(api, app_client, linked, receiver, **request)
            frame.act("continue")
            view = frame.state["view"]
            assert (view["name"], view["update_mode"]) == ("OAUTH", True)
            listed: list[str] = view["permissions"]
            return listed

        assert permissions() == [TRANSACTIONS]
        assert permissions(additional_consented_products=["identity"]) == [HOLDER, TRANSACTIONS]
        assert permissions(products=["auth"]) == [NUMBERS, TRANSACTIONS]
        assert permissions(products=["auth", "identity"]) == [NUMBERS, HOLDER, TRANSACTIONS]

    def test_update_mode_keeps_naming_what_the_item_was_consented_for(
        self,
        api: PlaidCaller,
        app_client: TestClient,
        bank_browser: BankBrowser,
        receiver: Receiver,
        username: str,
    ) -> None:
        linked = link_new(
            api,
            app_client,
            bank_browser,
            receiver,
            username=username,
            products=["auth"],
            additional_consented_products=["identity"],
        )
        frame = open_update_mode(api, app_client, linked, receiver)
        frame.act("continue")
        assert frame.state["view"]["permissions"] == [NUMBERS, HOLDER]


class TestRevokingInPlainUpdateMode:
    def test_an_unticked_account_and_auth_scope_still_connect_and_stop_being_shared(
        self,
        api: PlaidCaller,
        app_client: TestClient,
        bank_browser: BankBrowser,
        receiver: Receiver,
        username: str,
    ) -> None:
        linked = link_new(
            api,
            app_client,
            bank_browser,
            receiver,
            username=username,
            products=["auth", "transactions"],
        )
        assert masks_with_numbers(api, linked) == ["0000", "1111", "9002"]

        frame = open_update_mode(api, app_client, linked, receiver)
        frame.act("continue")
        visit_bank(
            app_client,
            bank_browser,
            frame,
            username=username,
            masks=["0000", "9002"],
            scopes=WITHOUT_AUTH,
        )
        assert frame.view == "CONNECTED"
        frame.act("continue")
        metadata = frame.state["outcome"]["metadata"]
        assert [a["mask"] for a in metadata["accounts"]] == ["0000", "9002"]

        assert shared_masks(api, linked) == ["0000", "9002"]
        assert error_code(api, "/auth/get", linked) == "ACCESS_NOT_GRANTED"
        item = item_of(api, linked)
        assert item["error"] is None
        assert "auth" in item["billed_products"]

    def test_an_unticked_account_loses_its_numbers_and_the_others_keep_them(
        self,
        api: PlaidCaller,
        app_client: TestClient,
        bank_browser: BankBrowser,
        receiver: Receiver,
        username: str,
    ) -> None:
        linked = link_new(
            api, app_client, bank_browser, receiver, username=username, products=["auth"]
        )
        frame = open_update_mode(api, app_client, linked, receiver)
        frame.act("continue")
        visit_bank(app_client, bank_browser, frame, username=username, masks=["1111", "9002"])
        assert frame.view == "CONNECTED"
        assert masks_with_numbers(api, linked) == ["1111", "9002"]

    def test_accounts_still_ticked_stay_shared_whatever_the_item_is_billed_for(
        self,
        api: PlaidCaller,
        app_client: TestClient,
        bank_browser: BankBrowser,
        receiver: Receiver,
        username: str,
    ) -> None:
        linked = link_new(api, app_client, bank_browser, receiver, username=username)
        before = shared_masks(api, linked)
        # Auth added after Link: the Item is billed for it from the first call.
        assert masks_with_numbers(api, linked) == ["0000", "1111", "9002"]
        assert "auth" in item_of(api, linked)["billed_products"]

        frame = open_update_mode(api, app_client, linked, receiver)
        frame.act("continue")
        unticked = [mask for mask in before if mask != "2222"]
        visit_bank(app_client, bank_browser, frame, username=username, masks=unticked)
        assert frame.view == "CONNECTED"
        assert shared_masks(api, linked) == unticked
        assert masks_with_numbers(api, linked) == ["0000", "1111", "9002"]


class TestProductValidationsAtTheBank:
    def test_the_auth_scope_left_out_is_asked_for_until_shared(
        self,
        api: PlaidCaller,
        app_client: TestClient,
        bank_browser: BankBrowser,
        receiver: Receiver,
        username: str,
    ) -> None:
        linked = link_new(
            api, app_client, bank_browser, receiver, username=username, scopes=WITHOUT_AUTH
        )
        assert error_code(api, "/auth/get", linked) == "ACCESS_NOT_GRANTED"

        frame = open_update_mode(api, app_client, linked, receiver, products=["auth"])
        frame.act("continue")
        assert frame.state["view"]["permissions"] == [NUMBERS, TRANSACTIONS]
        visit_bank(app_client, bank_browser, frame, username=username, scopes=WITHOUT_AUTH)
        view = frame.state["view"]
        assert (view["name"], view["can_retry"]) == ("ERROR", True)
        assert (view["error"]["error_type"], view["error"]["error_code"]) == (
            "ITEM_ERROR",
            "ACCESS_NOT_GRANTED",
        )
        assert view["error"]["display_message"] == NUMBERS_ONLY_MESSAGE
        # Nothing changed for the Item on the way.
        assert error_code(api, "/auth/get", linked) == "ACCESS_NOT_GRANTED"

        retry(frame)
        visit_bank(app_client, bank_browser, frame, username=username)
        assert frame.view == "CONNECTED", frame.state["view"]
        frame.act("continue")
        assert frame.event_names() == [
            "OPEN",
            "TRANSITION_VIEW:OAUTH",
            "OPEN_OAUTH",
            "ERROR",
            "TRANSITION_VIEW:ERROR",
            "TRANSITION_VIEW:OAUTH",
            "OPEN_OAUTH",
            "TRANSITION_VIEW:CONNECTED",
            "HANDOFF",
        ]
        assert frame.events[3]["metadata"]["error_code"] == "ACCESS_NOT_GRANTED"
        assert item_of(api, linked)["error"] is None
        assert masks_with_numbers(api, linked) == ["0000", "1111", "9002"]

    def test_an_item_with_auth_cannot_lose_it_under_identity_validation(
        self,
        api: PlaidCaller,
        app_client: TestClient,
        bank_browser: BankBrowser,
        receiver: Receiver,
        username: str,
    ) -> None:
        linked = link_new(
            api, app_client, bank_browser, receiver, username=username, products=["auth"]
        )
        frame = open_update_mode(api, app_client, linked, receiver, products=["identity"])
        frame.act("continue")
        assert frame.state["view"]["permissions"] == [NUMBERS, HOLDER]
        visit_bank(app_client, bank_browser, frame, username=username, scopes=WITHOUT_AUTH)
        view = frame.state["view"]
        assert (view["name"], view["error"]["error_code"]) == ("ERROR", "ACCESS_NOT_GRANTED")
        assert view["error"]["display_message"] == NUMBERS_ONLY_MESSAGE
        assert masks_with_numbers(api, linked) == ["0000", "1111", "9002"]

        retry(frame)
        visit_bank(app_client, bank_browser, frame, username=username)
        assert frame.view == "CONNECTED", frame.state["view"]
        assert masks_with_numbers(api, linked) == ["0000", "1111", "9002"]

    def test_only_accounts_without_numbers_fail_with_no_auth_accounts(
        self,
        api: PlaidCaller,
        app_client: TestClient,
        bank_browser: BankBrowser,
        receiver: Receiver,
        username: str,
    ) -> None:
        linked = link_new(
            api, app_client, bank_browser, receiver, username=username, masks=["3333"]
        )
        assert error_code(api, "/auth/get", linked) == "NO_AUTH_ACCOUNTS"

        frame = open_update_mode(api, app_client, linked, receiver, products=["auth"])
        frame.act("continue")
        visit_bank(app_client, bank_browser, frame, username=username, masks=["3333", "9999"])
        view = frame.state["view"]
        assert (view["name"], view["can_retry"]) == ("ERROR", True)
        assert (view["error"]["error_type"], view["error"]["error_code"]) == (
            "ITEM_ERROR",
            "NO_AUTH_ACCOUNTS",
        )
        assert shared_masks(api, linked) == ["3333"]

        retry(frame)
        visit_bank(app_client, bank_browser, frame, username=username, masks=["0000", "3333"])
        assert frame.view == "CONNECTED", frame.state["view"]
        assert sorted(shared_masks(api, linked)) == ["0000", "3333"]
        assert masks_with_numbers(api, linked) == ["0000"]


class TestDataTransparencyAtTheBank:
    def test_a_bank_consent_without_expiry_lasts_a_year_from_linking(
        self,
        api: PlaidCaller,
        app_client: TestClient,
        bank_browser: BankBrowser,
        receiver: Receiver,
        username: str,
    ) -> None:
        save_dtm_customization(api)
        linked = link_new(
            api,
            app_client,
            bank_browser,
            receiver,
            username=username,
            link_customization_name="dtm",
        )
        item = item_of(api, linked)
        assert item["consented_use_cases"] == ["Budgeting"]
        assert parse_datetime(item["consent_expiration_time"]) == now_of(api) + timedelta(days=365)

    def test_the_banks_own_expiry_stands(
        self,
        api: PlaidCaller,
        app_client: TestClient,
        bank_browser: BankBrowser,
        receiver: Receiver,
        deliver_due: Deliver,
        username: str,
    ) -> None:
        save_dtm_customization(api)
        advance(api, "P10D")
        linked = link_new(
            api,
            app_client,
            bank_browser,
            receiver,
            username=username,
            institution_id=US_EXPIRING_BANK,
            link_customization_name="dtm",
        )
        item = item_of(api, linked)
        assert item["consented_use_cases"] == ["Budgeting"]
        expires = parse_datetime(item["consent_expiration_time"])
        assert expires == now_of(api) + timedelta(days=365)

        advance(api, "P358D")
        deliver_due()
        advance(api, "P7D")
        deliver_due()
        # One consent, warned of and expired once.
        [warning] = deliveries_for(receiver, linked.item_id, "PENDING_DISCONNECT")
        assert parse_datetime(warning.payload["disconnect_time"]) == expires
        assert webhooks_for(receiver, linked.item_id) == [
            ("ITEM", "PENDING_DISCONNECT"),
            ("ITEM", "ERROR"),
        ]
        assert item_of(api, linked)["error"]["error_code_reason"] == "OAUTH_CONSENT_EXPIRED"

    def test_update_mode_through_the_bank_renews_without_a_review(
        self,
        api: PlaidCaller,
        app_client: TestClient,
        bank_browser: BankBrowser,
        receiver: Receiver,
        deliver_due: Deliver,
        username: str,
    ) -> None:
        save_dtm_customization(api)
        linked = link_new(
            api,
            app_client,
            bank_browser,
            receiver,
            username=username,
            link_customization_name="dtm",
        )
        advance(api, "P30D")
        frame = open_update_mode(api, app_client, linked, receiver)
        # Eleven months left: no review pane, straight to the bank.
        frame.act("continue")
        visit_bank(app_client, bank_browser, frame, username=username)
        assert frame.view == "CONNECTED"
        renewed = parse_datetime(item_of(api, linked)["consent_expiration_time"])
        assert renewed == now_of(api) + timedelta(days=365)

        # Past the first consent's warning and expiry (days 358 and 365): nothing.
        advance(api, "P340D")
        deliver_due()
        assert webhooks_for(receiver, linked.item_id) == []
        assert item_of(api, linked)["error"] is None
        assert item_of(api, linked)["consented_use_cases"] == ["Budgeting"]

    def test_reviewing_and_going_through_the_bank_renews_and_the_old_timers_stay_silent(
        self,
        api: PlaidCaller,
        app_client: TestClient,
        bank_browser: BankBrowser,
        receiver: Receiver,
        deliver_due: Deliver,
        username: str,
    ) -> None:
        save_dtm_customization(api)
        linked = link_new(
            api,
            app_client,
            bank_browser,
            receiver,
            username=username,
            link_customization_name="dtm",
        )
        first = parse_datetime(item_of(api, linked)["consent_expiration_time"])
        advance(api, "P300D")
        frame = open_update_mode(api, app_client, linked, receiver, link_customization_name="dtm")
        frame.act("continue")
        review = frame.state["view"]
        assert review["name"] == "DATA_TRANSPARENCY_CONSENT"
        assert parse_datetime(review["consent_expiration_time"]) == first
        frame.act("continue")
        assert frame.view == "OAUTH"
        visit_bank(app_client, bank_browser, frame, username=username)
        assert frame.view == "CONNECTED"
        renewed_at = now_of(api)
        renewed = parse_datetime(item_of(api, linked)["consent_expiration_time"])
        assert renewed == renewed_at + timedelta(days=365)

        advance(api, "P66D")
        deliver_due()
        assert now_of(api) > first
        assert webhooks_for(receiver, linked.item_id) == []
        assert item_of(api, linked)["error"] is None

        # The renewed consent is the one warned of.
        advance(api, "P292D")
        deliver_due()
        [warning] = deliveries_for(receiver, linked.item_id, "PENDING_DISCONNECT")
        assert parse_datetime(warning.payload["disconnect_time"]) == renewed


class TestRetryingTheBank:
    def test_a_trip_that_ended_in_an_error_is_not_processed_again(
        self,
        api: PlaidCaller,
        app_client: TestClient,
        bank_browser: BankBrowser,
        receiver: Receiver,
        username: str,
    ) -> None:
        linked = link_new(
            api, app_client, bank_browser, receiver, username=username, products=["auth"]
        )
        frame = open_update_mode(api, app_client, linked, receiver, products=["auth"])
        frame.act("continue")
        visit_bank(app_client, bank_browser, frame, username=username, scopes=WITHOUT_AUTH)
        assert frame.view == "ERROR"

        # Back on the OAUTH pane, at the same sandbox instant, as before the first trip: no trip
        # under way, so nothing to complete until the user has been to the bank again.
        frame.act("retry")
        view = frame.state["view"]
        assert (view["name"], view["oauth_url"], view["oauth_state_id"]) == ("OAUTH", None, None)
        frame.act("oauth_complete")
        assert frame.view == "OAUTH", frame.state["view"]
        visit_bank(app_client, bank_browser, frame, username=username)
        assert frame.view == "CONNECTED", frame.state["view"]
        assert masks_with_numbers(api, linked) == ["0000", "1111", "9002"]
