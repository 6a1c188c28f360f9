"""A credential institution migrating to OAuth, as Plaid's OAuth guide describes it: existing
Items move into ITEM_LOGIN_REQUIRED gradually over the migration window, each client's on its own
sandbox clock and warned a week ahead; update mode through the bank's OAuth pages converts them;
new Links use OAuth from the start. Observed through verified webhooks, /item/get, Link and the
OAuth bank."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import pytest
from sqlalchemy.orm import Session, sessionmaker
from starlette.testclient import TestClient

from gingham.items.models import ItemOAuthConnection
from gingham.wire.json import parse_datetime
from tests.builders import Linked, PlaidCaller, link_token_request
from tests.lifecycle.conftest import BANK_URL
from tests.link.helpers import FrameDriver
from tests.oauth_bank.helpers import BankBrowser, run_async
from tests.webhooks.receiver import Receiver

Deliver = Callable[..., None]

# A migration reaches every Item at the institution: each test starts and ends with none.
pytestmark = pytest.mark.usefixtures("fresh_banks")

PLATYPUS = "ins_109508"  # First Platypus Bank: US, credentials
MIGRATE = "/_gingham/bank/institutions/migrate_to_oauth"


def link_item(api: PlaidCaller, receiver: Receiver) -> Linked:
    public_token = api.public_token(institution_id=PLATYPUS, options={"webhook": receiver.url})
    exchanged = api.ok("/item/public_token/exchange", {"public_token": public_token})
    return Linked(exchanged["access_token"], exchanged["item_id"])


def migrate(api: PlaidCaller, **body: Any) -> dict[str, Any]:
    return api.ok(MIGRATE, {"institution_id": PLATYPUS, **body})


def now_of(api: PlaidCaller) -> datetime:
    return parse_datetime(api.ok("/_gingham/clock/get", {})["now"])


def advance(api: PlaidCaller, by: str) -> None:
    api.ok("/_gingham/clock/advance", {"by": by})


def error_of(api: PlaidCaller, linked: Linked) -> dict[str, Any] | None:
    error: dict[str, Any] | None = api.ok("/item/get", {"access_token": linked.access_token})[
        "item"
    ]["error"]
    return error


def webhooks_about(receiver: Receiver, linked: Linked) -> list[dict[str, Any]]:
    """The payloads of every ITEM delivery about the Item, in order (its transactions send
    their own as the clock moves); each verified as Plaid's docs tell receivers to."""
    about = [
        d
        for d in receiver.deliveries
        if d.payload.get("item_id") == linked.item_id and d.payload["webhook_type"] == "ITEM"
    ]
    assert all(d.verified for d in about), [d.rejection for d in about]
    return [d.payload for d in about]


def codes(payloads: list[dict[str, Any]]) -> list[str]:
    return [f"{p['webhook_type']}/{p['webhook_code']}" for p in payloads]


def is_oauth_item(sessions: sessionmaker[Session], linked: Linked) -> bool:
    with sessions() as session:
        return session.get(ItemOAuthConnection, linked.item_id) is not None


def listed_oauth(api: PlaidCaller) -> bool:
    institution = api.ok(
        "/institutions/get_by_id", {"institution_id": PLATYPUS, "country_codes": ["US"]}
    )["institution"]
    oauth: bool = institution["oauth"]
    return oauth


def through_the_bank(
    client: TestClient, browser: BankBrowser, frame: FrameDriver, *, username: str = "user_good"
) -> None:
    """From Link's OAUTH pane through the bank's sign-in and consent pages (as the pop-up does)
    and Gingham's callback, back to CONNECTED and on to the end."""
    url = frame.act("open_oauth", mode="popup")["view"]["oauth_url"]
    assert url.startswith(f"{BANK_URL}/{PLATYPUS}/oauth/authorize?")
    decision = run_async(browser.consent(url, institution_id=PLATYPUS, username=username))
    returned = urlsplit(decision.location)
    assert client.get(f"{returned.path}?{returned.query}").status_code == 200
    frame.act("oauth_complete")
    assert frame.view == "CONNECTED", frame.state["view"]
    frame.act("continue")
    assert frame.state["outcome"]["type"] == "success"


def update_mode(
    api: PlaidCaller, client: TestClient, browser: BankBrowser, linked: Linked
) -> FrameDriver:
    token = api.ok(
        "/link/token/create", link_token_request(products=None, access_token=linked.access_token)
    )["link_token"]
    frame = FrameDriver(client, token)
    frame.start()
    # The institution now asks its users to sign in at the bank.
    assert frame.act("continue")["view"]["name"] == "OAUTH"
    through_the_bank(client, browser, frame)
    return frame


class TestExistingItems:
    def test_items_break_one_by_one_over_the_window_each_warned_a_week_ahead(
        self, api: PlaidCaller, receiver: Receiver, deliver_due: Deliver
    ) -> None:
        items = [link_item(api, receiver) for _ in range(4)]
        started = now_of(api)
        answer = migrate(api)
        assert answer["window_days"] == 90
        assert parse_datetime(answer["started_at"]) == started
        assert parse_datetime(answer["ends_at"]) == started + timedelta(days=90)
        schedule = {
            entry["item_id"]: (
                parse_datetime(entry["pending_disconnect_at"]),
                parse_datetime(entry["login_required_at"]),
            )
            for entry in answer["items"]
        }
        assert set(schedule) == {linked.item_id for linked in items}
        breaks = sorted(breaks_at for _, breaks_at in schedule.values())
        assert (
            started
            < breaks[0]
            < breaks[1]
            < breaks[2]
            < breaks[3]
            == parse_datetime(answer["ends_at"])
        )
        for warned_at, breaks_at in schedule.values():
            assert warned_at == breaks_at - timedelta(days=7)

        broke_in_step: dict[str, int] = {}
        for step in range(1, 19):
            advance(api, "P5D")
            deliver_due()
            now = started + timedelta(days=5 * step)
            for linked in items:
                warned_at, breaks_at = schedule[linked.item_id]
                payloads = webhooks_about(receiver, linked)
                if breaks_at <= now:
                    broke_in_step.setdefault(linked.item_id, step)
                    assert codes(payloads) == ["ITEM/PENDING_DISCONNECT", "ITEM/ERROR"]
                    assert payloads[1]["error"]["error_code"] == "ITEM_LOGIN_REQUIRED"
                    error = error_of(api, linked)
                    assert error is not None and error["error_code"] == "ITEM_LOGIN_REQUIRED"
                    failed = api.error("/accounts/get", {"access_token": linked.access_token})
                    assert failed["error_code"] == "ITEM_LOGIN_REQUIRED"
                else:
                    assert error_of(api, linked) is None
                    api.ok("/accounts/get", {"access_token": linked.access_token})
                    expected = ["ITEM/PENDING_DISCONNECT"] if warned_at <= now else []
                    assert codes(payloads) == expected
                if payloads:
                    warning = payloads[0]
                    assert warning["reason"] == "INSTITUTION_MIGRATION"
                    assert parse_datetime(warning["disconnect_time"]) == breaks_at
        # Gradually: each Item in a step of its own, the last at the window's end.
        assert sorted(broke_in_step.values()) == [5, 9, 14, 18]

    def test_each_client_goes_through_the_window_on_its_own_clock(
        self,
        api: PlaidCaller,
        other_api: PlaidCaller,
        receiver: Receiver,
        deliver_due: Deliver,
    ) -> None:
        advance(other_api, "P30D")
        mine = [link_item(api, receiver) for _ in range(2)]
        theirs = [link_item(other_api, receiver) for _ in range(2)]
        their_start = now_of(other_api)

        answer = migrate(api, window_days=20)
        # The caller hears only of its own Items.
        assert {entry["item_id"] for entry in answer["items"]} == {m.item_id for m in mine}

        advance(api, "P20D")
        deliver_due()
        assert all(error_of(api, linked) is not None for linked in mine)
        assert all(error_of(other_api, linked) is None for linked in theirs)

        advance(other_api, "P10D")
        deliver_due()
        broken = [linked for linked in theirs if error_of(other_api, linked) is not None]
        assert len(broken) == 1
        # Warned and broken in one advance: the two webhooks may arrive in either order.
        [warning] = [
            p
            for p in webhooks_about(receiver, broken[0])
            if p["webhook_code"] == "PENDING_DISCONNECT"
        ]
        assert parse_datetime(warning["disconnect_time"]) == their_start + timedelta(days=10)
        advance(other_api, "P10D")
        deliver_due()
        for linked in theirs:
            error = error_of(other_api, linked)
            assert error is not None and error["error_code"] == "ITEM_LOGIN_REQUIRED"
            assert sorted(codes(webhooks_about(receiver, linked))) == [
                "ITEM/ERROR",
                "ITEM/PENDING_DISCONNECT",
            ]

    def test_removed_and_already_converted_items_are_left_alone(
        self,
        api: PlaidCaller,
        app_client: TestClient,
        bank_browser: BankBrowser,
        receiver: Receiver,
        deliver_due: Deliver,
        committed_sessions: sessionmaker[Session],
    ) -> None:
        kept, removed, converted = (link_item(api, receiver) for _ in range(3))
        migrate(api, window_days=30)
        api.ok("/item/remove", {"access_token": removed.access_token})
        # Pre-emptive update mode, before the Item's turn.
        update_mode(api, app_client, bank_browser, converted)
        assert is_oauth_item(committed_sessions, converted)

        advance(api, "P30D")
        deliver_due()
        error = error_of(api, kept)
        assert error is not None and error["error_code"] == "ITEM_LOGIN_REQUIRED"
        assert error_of(api, converted) is None
        api.ok("/accounts/get", {"access_token": converted.access_token})
        assert webhooks_about(receiver, converted) == []
        assert webhooks_about(receiver, removed) == []

    def test_update_mode_through_the_bank_converts_a_broken_item(
        self,
        api: PlaidCaller,
        app_client: TestClient,
        bank_browser: BankBrowser,
        receiver: Receiver,
        deliver_due: Deliver,
        committed_sessions: sessionmaker[Session],
    ) -> None:
        linked = link_item(api, receiver)
        before = api.ok("/accounts/get", {"access_token": linked.access_token})["accounts"]
        migrate(api, window_days=10)
        advance(api, "P10D")
        deliver_due()
        assert error_of(api, linked) is not None
        assert not is_oauth_item(committed_sessions, linked)

        frame = update_mode(api, app_client, bank_browser, linked)

        names = frame.event_names()
        assert "OPEN_OAUTH" in names and "SUBMIT_CREDENTIALS" not in names
        item = api.ok("/item/get", {"access_token": linked.access_token})["item"]
        assert (item["item_id"], item["error"]) == (linked.item_id, None)
        assert is_oauth_item(committed_sessions, linked)
        # The accounts shared again at the bank keep their account_ids. (Which accounts those are
        # is Link's business: with transactions it does not offer investment accounts, which
        # /sandbox/public_token/create had included.)
        after = api.ok("/accounts/get", {"access_token": linked.access_token})["accounts"]
        ids_before = {a["mask"]: a["account_id"] for a in before}
        assert len(after) >= 10
        assert all(ids_before[a["mask"]] == a["account_id"] for a in after)


class TestNewLinks:
    def test_new_links_use_oauth_from_the_start(
        self,
        api: PlaidCaller,
        app_client: TestClient,
        bank_browser: BankBrowser,
        committed_sessions: sessionmaker[Session],
    ) -> None:
        migrate(api)
        token = api.ok("/link/token/create", link_token_request())["link_token"]
        frame = FrameDriver(app_client, token)
        frame.start()
        frame.act("continue")
        [found, *_] = frame.act("search", query="First Platypus Bank")["view"]["results"]
        assert (found["institution_id"], found["oauth"]) == (PLATYPUS, True)
        assert frame.act("select_institution", institution_id=PLATYPUS)["view"]["name"] == "OAUTH"

        through_the_bank(app_client, bank_browser, frame, username="new-user")

        public_token = frame.state["outcome"]["public_token"]
        exchanged = api.ok("/item/public_token/exchange", {"public_token": public_token})
        linked = Linked(exchanged["access_token"], exchanged["item_id"])
        assert is_oauth_item(committed_sessions, linked)
        assert api.ok("/accounts/get", {"access_token": linked.access_token})["accounts"]

    def test_the_oauth_bank_serves_the_migrated_institution(
        self, api: PlaidCaller, bank_browser: BankBrowser
    ) -> None:
        metadata_path = f"/.well-known/oauth-authorization-server/{PLATYPUS}"
        assert run_async(bank_browser.http.get(metadata_path)).status_code == 404

        migrate(api)

        metadata = run_async(bank_browser.http.get(metadata_path))
        assert metadata.status_code == 200
        assert metadata.json()["issuer"] == f"{BANK_URL}/{PLATYPUS}"
        index = run_async(bank_browser.http.get("/"))
        assert "First Platypus Bank" in index.text


class TestInstitutionsOAuthField:
    def test_true_once_the_window_has_passed_and_no_item_is_on_credentials(
        self,
        api: PlaidCaller,
        app_client: TestClient,
        bank_browser: BankBrowser,
        receiver: Receiver,
    ) -> None:
        linked = link_item(api, receiver)
        migrate(api, window_days=10)
        # Plaid's `oauth` is true only for "institutions that have fully completed the migration
        # to OAuth and do not have any active Items on non-OAuth connections".
        assert listed_oauth(api) is False
        advance(api, "P10D")
        assert listed_oauth(api) is False
        update_mode(api, app_client, bank_browser, linked)
        assert listed_oauth(api) is True
        listed = api.ok(
            "/institutions/get",
            {"count": 50, "offset": 0, "country_codes": ["US"], "options": {"oauth": True}},
        )["institutions"]
        assert PLATYPUS in {i["institution_id"] for i in listed}


class TestRequests:
    def test_unknown_institution(self, plaid: PlaidCaller) -> None:
        error = plaid.error(MIGRATE, {"institution_id": "ins_nope"})
        assert (error["error_type"], error["error_code"]) == (
            "INVALID_INPUT",
            "INVALID_INSTITUTION",
        )

    def test_an_oauth_institution_cannot_migrate(self, plaid: PlaidCaller) -> None:
        error = plaid.error(MIGRATE, {"institution_id": "ins_127287"})
        assert error["error_code"] == "INVALID_FIELD"
        assert "already uses OAuth" in error["error_message"]

    def test_a_migration_happens_once(self, plaid: PlaidCaller) -> None:
        assert plaid.ok(MIGRATE, {"institution_id": PLATYPUS})["items"] == []
        error = plaid.error(MIGRATE, {"institution_id": PLATYPUS, "window_days": 30})
        assert error["error_code"] == "INVALID_FIELD"
        assert "has been migrating to OAuth since" in error["error_message"]

    def test_window_is_1_to_365_days(self, plaid: PlaidCaller) -> None:
        for window in (0, 366, 1.5, "90"):
            error = plaid.error(MIGRATE, {"institution_id": PLATYPUS, "window_days": window})
            assert error["error_code"] == "INVALID_FIELD", window
        answer = plaid.ok(MIGRATE, {"institution_id": PLATYPUS, "window_days": 365})
        assert answer["window_days"] == 365
