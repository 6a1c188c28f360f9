"""The seed's "Data Transparency Messaging" section and its "Renewing consent" sections: Items
linked with DTM record their use cases and a consent that lasts twelve months and then expires;
update mode reviews and renews that consent (automatically within six months of its expiry, or as
`update.reauthorization_enabled` says); and update mode gathers consent for more products
(`additional_consented_products`) and more use cases."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from starlette.testclient import TestClient

from gingham.clock import FrozenClock
from tests.builders import Linked, PlaidCaller, advance, item_of, link_token_request
from tests.link.helpers import FrameDriver
from tests.update_mode.helpers import (
    CONSENT_LIFETIME,
    DEFAULT_USE_CASES,
    DTM,
    complete,
    finish,
    link_item,
    open_frame,
    plaid_time,
    save_customization,
    save_dtm,
    sign_in,
    update_request,
    update_token,
    webhook_codes,
    webhook_time,
    webhooks_of,
)

USE_CASES = ["Track your spending", "Offer you savings goals"]
RENEWAL_EVENTS = [
    "OPEN",
    "TRANSITION_VIEW:DATA_TRANSPARENCY_CONSENT",
    "TRANSITION_VIEW:CREDENTIAL",
    "SUBMIT_CREDENTIALS",
    "TRANSITION_VIEW:LOADING",
    "TRANSITION_VIEW:CONNECTED",
    "HANDOFF",
]
PLAIN_UPDATE_EVENTS = [e for e in RENEWAL_EVENTS if "DATA_TRANSPARENCY" not in e]


def link_dtm_item(plaid: PlaidCaller, **fields: Any) -> Linked:
    return link_item(plaid, customization=save_dtm(plaid), **fields)


def consent_expiry(plaid: PlaidCaller, linked: Linked) -> str | None:
    expiry: str | None = item_of(plaid, linked)["consent_expiration_time"]
    return expiry


def consent_timers(plaid: PlaidCaller, linked: Linked) -> list[tuple[str, str]]:
    timers = plaid.ok("/_gingham/clock/timers", {})["timers"]
    return sorted(
        (timer["kind"], timer["due_at"])
        for timer in timers
        if timer["subject_id"] == linked.item_id and timer["kind"].startswith("item.consent")
    )


def expiry_timers(expires_at: datetime) -> list[tuple[str, str]]:
    return [
        ("item.consent_expired", plaid_time(expires_at)),
        ("item.consent_expiring", plaid_time(expires_at - timedelta(days=7))),
    ]


def update_frame(
    client: TestClient, plaid: PlaidCaller, linked: Linked, **fields: Any
) -> FrameDriver:
    frame = open_frame(client, update_token(plaid, linked.access_token, **fields))
    frame.act("continue")
    return frame


def renew(frame: FrameDriver) -> dict[str, Any]:
    assert frame.view == "DATA_TRANSPARENCY_CONSENT", frame.state["view"]
    frame.act("continue")
    sign_in(frame)
    return finish(frame)


class TestLinkingWithDataTransparency:
    def test_the_item_records_the_use_cases_and_a_year_of_consent(
        self, plaid: PlaidCaller, clock: FrozenClock
    ) -> None:
        linked = link_item(plaid, customization=save_dtm(plaid, "budgeting", USE_CASES))
        item = item_of(plaid, linked)
        assert item["consented_use_cases"] == USE_CASES
        assert item["consent_expiration_time"] == plaid_time(clock.now() + CONSENT_LIFETIME)
        assert item["consent_expiration_time"] == "2027-03-02T09:30:00Z"
        assert item["consented_products"] == ["transactions"]

    def test_the_year_runs_from_the_clients_sandbox_time(
        self, plaid: PlaidCaller, clock: FrozenClock
    ) -> None:
        advance(plaid, "P30D")
        linked = link_dtm_item(plaid)
        linked_at = clock.now() + timedelta(days=30)
        item = item_of(plaid, linked)
        assert item["created_at"] == plaid_time(linked_at)
        assert item["consent_expiration_time"] == plaid_time(linked_at + CONSENT_LIFETIME)
        assert consent_timers(plaid, linked) == expiry_timers(linked_at + CONSENT_LIFETIME)

    def test_without_use_cases_of_its_own_the_default_one_is_consented(
        self, plaid: PlaidCaller
    ) -> None:
        linked = link_dtm_item(plaid)
        assert item_of(plaid, linked)["consented_use_cases"] == DEFAULT_USE_CASES

    @pytest.mark.parametrize("customization", [None, "default", "no-dtm"])
    def test_without_it_there_are_no_use_cases_and_no_expiry(
        self, plaid: PlaidCaller, customization: str | None
    ) -> None:
        save_customization(plaid, "no-dtm", data_transparency_messaging={"enabled": False})
        item = item_of(plaid, link_item(plaid, customization=customization))
        assert item["consented_use_cases"] == []
        assert item["consent_expiration_time"] is None

    def test_the_consent_pane_shows_the_use_cases(
        self, plaid: PlaidCaller, client: TestClient
    ) -> None:
        save_dtm(plaid, "budgeting", USE_CASES)
        request = link_token_request(link_customization_name="budgeting")
        frame = open_frame(client, plaid.ok("/link/token/create", request)["link_token"])
        view = frame.state["view"]
        assert view["use_cases"] == USE_CASES
        assert view["products"] == ["Transactions"]
        assert view["update_mode"] is False

    def test_a_consent_pane_without_it_shows_no_use_cases(
        self, plaid: PlaidCaller, client: TestClient
    ) -> None:
        request = link_token_request()
        frame = open_frame(client, plaid.ok("/link/token/create", request)["link_token"])
        assert not frame.state["view"]["use_cases"]


class TestConsentExpiry:
    def test_pending_disconnect_a_week_before_then_login_required_at_expiry(
        self, plaid: PlaidCaller, clock: FrozenClock
    ) -> None:
        linked = link_dtm_item(plaid)
        expires_at = clock.now() + CONSENT_LIFETIME
        assert consent_timers(plaid, linked) == expiry_timers(expires_at)

        advance(plaid, "P357D")
        assert webhook_codes(plaid, linked) == []

        advance(plaid, "P1D")
        assert webhooks_of(plaid, linked) == [
            {
                "webhook_type": "ITEM",
                "webhook_code": "PENDING_DISCONNECT",
                "item_id": linked.item_id,
                "reason": "INSTITUTION_TOKEN_EXPIRATION",
                "disconnect_time": webhook_time(expires_at),
                "environment": "sandbox",
            }
        ]
        assert item_of(plaid, linked)["error"] is None
        plaid.ok("/accounts/get", {"access_token": linked.access_token})

        advance(plaid, "P6DT23H")
        assert item_of(plaid, linked)["error"] is None

        advance(plaid, "PT1H")
        assert webhook_codes(plaid, linked) == [("ITEM", "PENDING_DISCONNECT"), ("ITEM", "ERROR")]
        error_webhook = webhooks_of(plaid, linked)[1]
        assert error_webhook["error"]["error_code"] == "ITEM_LOGIN_REQUIRED"
        item_error = item_of(plaid, linked)["error"]
        # Not an OAuth connection: none of the OAuth reasons applies.
        assert (item_error["error_code"], item_error["error_code_reason"]) == (
            "ITEM_LOGIN_REQUIRED",
            None,
        )
        error = plaid.error("/accounts/get", {"access_token": linked.access_token})
        assert (error["error_type"], error["error_code"]) == ("ITEM_ERROR", "ITEM_LOGIN_REQUIRED")

    def test_an_item_without_it_never_expires(self, plaid: PlaidCaller) -> None:
        linked = link_item(plaid)
        assert consent_timers(plaid, linked) == []
        advance(plaid, "P400D")
        assert webhook_codes(plaid, linked) == []
        assert item_of(plaid, linked)["error"] is None


class TestRenewingConsent:
    def test_within_six_months_of_expiry_update_mode_reviews_then_renews_it(
        self, plaid: PlaidCaller, client: TestClient, clock: FrozenClock
    ) -> None:
        linked = link_item(
            plaid, customization=save_dtm(plaid, "budgeting", USE_CASES), masks=["0000", "3333"]
        )
        linked_at = clock.now()
        advance(plaid, "P200D")

        frame = update_frame(client, plaid, linked)
        assert frame.state["view"] == {
            "name": "DATA_TRANSPARENCY_CONSENT",
            "client_name": "Test App",
            "institution": frame.state["view"]["institution"],
            "accounts": [
                {"name": "Plaid Checking", "mask": "0000", "subtype": "checking"},
                {"name": "Plaid Credit Card", "mask": "3333", "subtype": "credit card"},
            ],
            "data": ["Account names, types and balances", "Transactions"],
            "use_cases": USE_CASES,
            "consent_expiration_time": plaid_time(linked_at + CONSENT_LIFETIME),
            # Every pane carries the link token's customization; this token names none.
            "customization": {
                "background_color": None,
                "institution_select": "AUTOMATIC",
                "text_strings": {},
            },
        }
        assert frame.state["view"]["institution"]["institution_id"] == "ins_109508"

        frame.act("continue")
        assert frame.view == "CREDENTIAL"
        sign_in(frame)
        finish(frame)

        assert frame.event_names() == RENEWAL_EVENTS
        item = item_of(plaid, linked)
        renewed_until = linked_at + timedelta(days=200) + CONSENT_LIFETIME
        assert item["consent_expiration_time"] == plaid_time(renewed_until)
        assert item["consented_use_cases"] == USE_CASES
        assert item["item_id"] == linked.item_id
        assert consent_timers(plaid, linked) == expiry_timers(renewed_until)

    def test_renewal_cancels_the_old_expiry(
        self, plaid: PlaidCaller, client: TestClient, clock: FrozenClock
    ) -> None:
        linked = link_dtm_item(plaid)
        linked_at = clock.now()
        advance(plaid, "P200D")
        renew(update_frame(client, plaid, linked))
        renewed_until = linked_at + timedelta(days=200) + CONSENT_LIFETIME

        # Past the old warning and the old expiry: nothing happens.
        passed = advance(plaid, "P170D")
        assert [f for f in passed["fired"] if f["kind"].startswith("item.")] == []
        assert webhook_codes(plaid, linked) == []
        assert item_of(plaid, linked)["error"] is None

        # The new expiry warns and expires in its turn.
        advance(plaid, "P188D")
        assert webhooks_of(plaid, linked) == [
            {
                "webhook_type": "ITEM",
                "webhook_code": "PENDING_DISCONNECT",
                "item_id": linked.item_id,
                "reason": "INSTITUTION_TOKEN_EXPIRATION",
                "disconnect_time": webhook_time(renewed_until),
                "environment": "sandbox",
            }
        ]
        advance(plaid, "P7D")
        assert webhook_codes(plaid, linked) == [("ITEM", "PENDING_DISCONNECT"), ("ITEM", "ERROR")]
        assert item_of(plaid, linked)["error"]["error_code"] == "ITEM_LOGIN_REQUIRED"

    def test_an_expired_item_is_reviewed_renewed_and_repaired(
        self, plaid: PlaidCaller, client: TestClient, clock: FrozenClock
    ) -> None:
        linked = link_dtm_item(plaid)
        linked_at = clock.now()
        advance(plaid, "P366D")
        assert item_of(plaid, linked)["error"]["error_code"] == "ITEM_LOGIN_REQUIRED"

        frame = update_frame(client, plaid, linked)
        assert frame.state["view"]["consent_expiration_time"] == plaid_time(
            linked_at + CONSENT_LIFETIME
        )
        renew(frame)

        item = item_of(plaid, linked)
        assert item["error"] is None
        assert item["consent_expiration_time"] == plaid_time(
            linked_at + timedelta(days=366) + CONSENT_LIFETIME
        )
        plaid.ok("/accounts/get", {"access_token": linked.access_token})
        assert webhook_codes(plaid, linked) == [("ITEM", "PENDING_DISCONNECT"), ("ITEM", "ERROR")]

    @pytest.mark.parametrize(
        ("elapsed", "reviewed"),
        [
            # 184 days left: more than six months.
            ("P181D", False),
            # 183 days left.
            ("P182D", True),
        ],
    )
    def test_six_months_left_is_where_the_review_starts(
        self, plaid: PlaidCaller, client: TestClient, elapsed: str, reviewed: bool
    ) -> None:
        linked = link_dtm_item(plaid)
        advance(plaid, elapsed)
        frame = update_frame(client, plaid, linked)
        assert frame.view == ("DATA_TRANSPARENCY_CONSENT" if reviewed else "CREDENTIAL")

    def test_more_than_six_months_left_signs_in_without_review_and_keeps_the_expiry(
        self, plaid: PlaidCaller, client: TestClient, clock: FrozenClock
    ) -> None:
        linked = link_dtm_item(plaid)
        advance(plaid, "P100D")
        frame = update_frame(client, plaid, linked)
        assert frame.view == "CREDENTIAL"
        sign_in(frame)
        finish(frame)
        assert frame.event_names() == PLAIN_UPDATE_EVENTS
        assert consent_expiry(plaid, linked) == plaid_time(clock.now() + CONSENT_LIFETIME)

    def test_reauthorization_disabled_skips_the_review_and_keeps_the_expiry(
        self, plaid: PlaidCaller, client: TestClient, clock: FrozenClock
    ) -> None:
        linked = link_dtm_item(plaid)
        expires_at = clock.now() + CONSENT_LIFETIME
        advance(plaid, "P200D")
        frame = update_frame(client, plaid, linked, update={"reauthorization_enabled": False})
        assert frame.view == "CREDENTIAL"
        sign_in(frame)
        finish(frame)

        assert frame.event_names() == PLAIN_UPDATE_EVENTS
        assert consent_expiry(plaid, linked) == plaid_time(expires_at)
        assert consent_timers(plaid, linked) == expiry_timers(expires_at)

    def test_reauthorization_enabled_reviews_an_item_far_from_expiry(
        self, plaid: PlaidCaller, client: TestClient, clock: FrozenClock
    ) -> None:
        linked = link_dtm_item(plaid)
        linked_at = clock.now()
        advance(plaid, "P10D")
        frame = update_frame(client, plaid, linked, update={"reauthorization_enabled": True})
        renew(frame)

        assert frame.event_names() == RENEWAL_EVENTS
        assert consent_expiry(plaid, linked) == plaid_time(
            linked_at + timedelta(days=10) + CONSENT_LIFETIME
        )

    def test_reauthorization_enabled_reviews_an_item_without_data_transparency(
        self, plaid: PlaidCaller, client: TestClient
    ) -> None:
        linked = link_item(plaid, masks=["0000"])
        frame = update_frame(client, plaid, linked, update={"reauthorization_enabled": True})
        assert frame.view == "DATA_TRANSPARENCY_CONSENT"
        view = frame.state["view"]
        assert view["accounts"] == [
            {"name": "Plaid Checking", "mask": "0000", "subtype": "checking"}
        ]
        assert view["use_cases"] == []
        assert view["consent_expiration_time"] is None
        renew(frame)

        item = item_of(plaid, linked)
        assert item["consent_expiration_time"] is None
        assert item["consented_use_cases"] == []
        assert consent_timers(plaid, linked) == []

    def test_exiting_the_review_leaves_with_requires_credentials(
        self, plaid: PlaidCaller, client: TestClient, clock: FrozenClock
    ) -> None:
        linked = link_dtm_item(plaid)
        advance(plaid, "P200D")
        frame = update_frame(client, plaid, linked)
        assert frame.view == "DATA_TRANSPARENCY_CONSENT"

        frame.act("exit")
        assert frame.view == "EXIT"
        assert frame.state["view"]["previous_view"] == "DATA_TRANSPARENCY_CONSENT"
        outcome = frame.act("exit_confirm")["outcome"]

        assert outcome["type"] == "exit"
        assert outcome["error"] is None
        assert outcome["metadata"]["status"] == "requires_credentials"
        assert frame.events[-1]["event_name"] == "EXIT"
        assert frame.events[-1]["metadata"]["exit_status"] == "requires_credentials"
        assert consent_expiry(plaid, linked) == plaid_time(clock.now() + CONSENT_LIFETIME)

    def test_changing_ones_mind_about_exiting_returns_to_the_review(
        self, plaid: PlaidCaller, client: TestClient
    ) -> None:
        linked = link_dtm_item(plaid)
        advance(plaid, "P200D")
        frame = update_frame(client, plaid, linked)
        frame.act("exit")
        frame.act("exit_cancel")
        assert frame.view == "DATA_TRANSPARENCY_CONSENT"
        renew(frame)

    def test_headless_link_passes_the_review_and_renews(
        self, plaid: PlaidCaller, clock: FrozenClock
    ) -> None:
        linked = link_dtm_item(plaid)
        linked_at = clock.now()
        advance(plaid, "P300D")
        done = complete(plaid, update_token(plaid, linked.access_token))

        assert done["status"] == "SUCCESS", done
        names = [
            e["event_name"]
            if e["event_name"] != "TRANSITION_VIEW"
            else f"TRANSITION_VIEW:{e['metadata']['view_name']}"
            for e in done["events"]
        ]
        assert names == RENEWAL_EVENTS
        assert consent_expiry(plaid, linked) == plaid_time(
            linked_at + timedelta(days=300) + CONSENT_LIFETIME
        )


class TestAdditionalConsentedProducts:
    def test_a_data_transparency_item_needs_consent_before_another_product(
        self, plaid: PlaidCaller
    ) -> None:
        linked = link_dtm_item(plaid)
        error = plaid.error("/auth/get", {"access_token": linked.access_token})
        assert (error["error_type"], error["error_code"]) == (
            "ITEM_ERROR",
            "ADDITIONAL_CONSENT_REQUIRED",
        )
        assert "additional_consented_products" in error["error_message"]
        assert item_of(plaid, linked)["billed_products"] == ["transactions"]

    def test_an_item_without_data_transparency_needs_none(self, plaid: PlaidCaller) -> None:
        linked = link_item(plaid, masks=["0000"])
        plaid.ok("/auth/get", {"access_token": linked.access_token})

    def test_update_mode_adds_the_consent_and_billing_waits_for_first_use(
        self, plaid: PlaidCaller, client: TestClient, clock: FrozenClock
    ) -> None:
        linked = link_dtm_item(plaid, masks=["0000", "3333"])
        frame = open_frame(
            client,
            update_token(
                plaid,
                linked.access_token,
                additional_consented_products=["auth"],
                link_customization_name=DTM,
            ),
        )
        view = frame.state["view"]
        assert view["products"] == ["Account and routing numbers"]
        assert view["update_mode"] is True
        assert view["use_cases"] == DEFAULT_USE_CASES
        frame.act("continue")
        sign_in(frame)
        outcome = finish(frame)
        assert [account["mask"] for account in outcome["metadata"]["accounts"]] == [
            "0000",
            "3333",
        ]

        item = item_of(plaid, linked)
        assert item["consented_products"] == ["auth", "transactions"]
        assert item["billed_products"] == ["transactions"]
        assert "account_routing_number" in item["consented_data_scopes"]
        # Gathering consent is no renewal.
        assert item["consent_expiration_time"] == plaid_time(clock.now() + CONSENT_LIFETIME)

        numbers = plaid.ok("/auth/get", {"access_token": linked.access_token})["numbers"]["ach"]
        checking = plaid.ok("/accounts/get", {"access_token": linked.access_token})["accounts"][0]
        assert [n["account_id"] for n in numbers] == [checking["account_id"]]
        assert numbers[0]["account"].endswith("0000")
        assert item_of(plaid, linked)["billed_products"] == ["auth", "transactions"]

    def test_products_is_refused_in_favour_of_additional_consented_products(
        self, plaid: PlaidCaller
    ) -> None:
        linked = link_dtm_item(plaid)
        error = plaid.error(
            "/link/token/create",
            update_request(linked.access_token, products=["transactions"]),
        )
        assert (error["error_type"], error["error_code"]) == ("INVALID_REQUEST", "INVALID_FIELD")
        assert "additional_consented_products" in error["error_message"]
        assert "transactions" in error["error_message"]

    @pytest.mark.parametrize("product", ["assets", "investments"])
    def test_a_product_the_institution_does_not_offer_is_refused(
        self, plaid: PlaidCaller, product: str
    ) -> None:
        access_token = plaid.access_token(institution_id="ins_117650")
        error = plaid.error(
            "/link/token/create",
            update_request(
                access_token, country_codes=["GB"], additional_consented_products=[product]
            ),
        )
        assert (error["error_type"], error["error_code"]) == (
            "ITEM_ERROR",
            "PRODUCTS_NOT_SUPPORTED",
        )
        assert product in error["error_message"]


class TestAdditionalUseCases:
    def test_use_cases_added_to_the_customization_are_consented_in_update_mode(
        self, plaid: PlaidCaller, client: TestClient, clock: FrozenClock
    ) -> None:
        save_dtm(plaid, "budgeting", ["Track your spending"])
        linked = link_item(plaid, customization="budgeting")
        save_dtm(plaid, "budgeting", USE_CASES)

        frame = open_frame(
            client,
            update_token(plaid, linked.access_token, link_customization_name="budgeting"),
        )
        assert frame.state["view"]["use_cases"] == USE_CASES
        frame.act("continue")
        sign_in(frame)
        finish(frame)

        item = item_of(plaid, linked)
        assert item["consented_use_cases"] == USE_CASES
        assert item["consent_expiration_time"] == plaid_time(clock.now() + CONSENT_LIFETIME)
