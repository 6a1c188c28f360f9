"""/_gingham/clock/*: each client reads and advances its own sandbox clock, and every endpoint it
calls runs on that clock."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy.orm import Session, sessionmaker
from starlette.testclient import TestClient

from gingham.clock import FrozenClock
from gingham.sandbox_clock.timers import schedule_timer
from gingham.wire.json import format_datetime
from tests.builders import PlaidCaller, link_token_request
from tests.link.helpers import FrameDriver
from tests.sandbox_clock.conftest import Recorder


def iso(moment: datetime) -> str | None:
    return format_datetime(moment)


class TestGetClock:
    def test_a_new_client_runs_on_real_time(self, plaid: PlaidCaller, clock: FrozenClock) -> None:
        assert plaid.ok("/_gingham/clock/get") == {
            "now": iso(clock.now()),
            "offset_seconds": 0.0,
            "real_now": iso(clock.now()),
        }

    def test_needs_the_clients_credentials(self, plaid: PlaidCaller) -> None:
        response = plaid.post("/_gingham/clock/get", authenticated=False)
        assert response.status_code == 400
        assert response.json()["error_code"] == "MISSING_FIELDS"

    def test_unknown_fields_are_refused(self, plaid: PlaidCaller) -> None:
        error = plaid.error("/_gingham/clock/get", {"client": "x"})
        assert error["error_code"] == "UNKNOWN_FIELDS"


class TestAdvanceClock:
    def test_by_a_duration(self, plaid: PlaidCaller, clock: FrozenClock) -> None:
        advanced = plaid.ok("/_gingham/clock/advance", {"by": "P7D"})
        assert advanced == {
            "now": iso(clock.now() + timedelta(days=7)),
            "offset_seconds": 7 * 86400.0,
            "real_now": iso(clock.now()),
            "fired": [],
        }
        assert plaid.ok("/_gingham/clock/get")["now"] == iso(clock.now() + timedelta(days=7))

    @pytest.mark.parametrize(
        ("duration", "length"),
        [
            ("PT36H", timedelta(hours=36)),
            ("P1DT2H", timedelta(days=1, hours=2)),
            ("PT30M", timedelta(minutes=30)),
            ("P2W", timedelta(weeks=2)),
            # From March 2: a calendar month is 31 days.
            ("P1M", timedelta(days=31)),
        ],
    )
    def test_durations(
        self, plaid: PlaidCaller, clock: FrozenClock, duration: str, length: timedelta
    ) -> None:
        advanced = plaid.ok("/_gingham/clock/advance", {"by": duration})
        assert advanced["now"] == iso(clock.now() + length)

    def test_to_a_moment(self, plaid: PlaidCaller, clock: FrozenClock) -> None:
        advanced = plaid.ok("/_gingham/clock/advance", {"to": "2027-01-01T00:00:00Z"})
        assert advanced["now"] == "2027-01-01T00:00:00Z"
        clock.advance(timedelta(seconds=90))
        assert plaid.ok("/_gingham/clock/get")["now"] == "2027-01-01T00:01:30Z"

    def test_lists_what_fired(
        self,
        plaid: PlaidCaller,
        clock: FrozenClock,
        session_factory: sessionmaker[Session],
        recorder: Recorder,
    ) -> None:
        with session_factory() as session, session.begin():
            for subject, days in (("late", 9), ("early", 2), ("after", 12)):
                schedule_timer(
                    session,
                    plaid.credentials["client_id"],
                    due_at=clock.now() + timedelta(days=days),
                    kind="test.record",
                    subject_id=subject,
                )

        pending = plaid.ok("/_gingham/clock/timers")
        assert [t["subject_id"] for t in pending["timers"]] == ["early", "late", "after"]

        advanced = plaid.ok("/_gingham/clock/advance", {"by": "P10D"})
        assert advanced["fired"] == [
            {
                "kind": "test.record",
                "subject_id": "early",
                "due_at": iso(clock.now() + timedelta(days=2)),
            },
            {
                "kind": "test.record",
                "subject_id": "late",
                "due_at": iso(clock.now() + timedelta(days=9)),
            },
        ]
        pending = plaid.ok("/_gingham/clock/timers")
        assert pending["now"] == iso(clock.now() + timedelta(days=10))
        assert [(t["subject_id"], t["due_at"]) for t in pending["timers"]] == [
            ("after", iso(clock.now() + timedelta(days=12)))
        ]

    def test_forward_only(self, plaid: PlaidCaller, clock: FrozenClock) -> None:
        plaid.ok("/_gingham/clock/advance", {"by": "P1D"})
        for body in (
            {"to": iso(clock.now())},
            {"to": iso(clock.now() + timedelta(days=1))},
            {"by": "-P1D"},
            {"by": "PT0S"},
        ):
            error = plaid.error("/_gingham/clock/advance", body)
            assert (error["error_type"], error["error_code"]) == (
                "INVALID_REQUEST",
                "INVALID_FIELD",
            )
            assert error["error_message"] == "clocks only move forward"
        assert plaid.ok("/_gingham/clock/get")["now"] == iso(clock.now() + timedelta(days=1))

    def test_at_most_two_years(self, plaid: PlaidCaller, clock: FrozenClock) -> None:
        plaid.ok("/_gingham/clock/advance", {"by": "P2Y"})
        error = plaid.error("/_gingham/clock/advance", {"by": "P2Y1D"})
        assert error["error_code"] == "INVALID_FIELD"
        assert error["error_message"].startswith("one advance may cover at most 2 years")
        assert "advance in steps" in error["error_message"]
        error = plaid.error("/_gingham/clock/advance", {"by": "P99999999999D"})
        assert error["error_code"] == "INVALID_FIELD"

    @pytest.mark.parametrize("duration", ["7 days", "P", "PT", "P1DT", "P1.5D", "7D", "P1H"])
    def test_invalid_durations_name_the_field(self, plaid: PlaidCaller, duration: str) -> None:
        error = plaid.error("/_gingham/clock/advance", {"by": duration})
        assert error["error_code"] == "INVALID_FIELD"
        assert error["error_message"].startswith("by must be an ISO 8601 duration")
        assert repr(duration) in error["error_message"]

    def test_invalid_date_times_name_the_field(self, plaid: PlaidCaller) -> None:
        error = plaid.error("/_gingham/clock/advance", {"to": "next tuesday"})
        assert error["error_code"] == "INVALID_FIELD"
        assert error["error_message"].startswith("to must be an ISO 8601 date-time")

    @pytest.mark.parametrize("body", [{}, {"by": "P1D", "to": "2030-01-01T00:00:00Z"}])
    def test_by_or_to(self, plaid: PlaidCaller, body: dict[str, str]) -> None:
        error = plaid.error("/_gingham/clock/advance", body)
        assert error["error_code"] == "INVALID_FIELD"
        assert "either by" in error["error_message"]


class TestEndpointsRunOnTheCallersClock:
    def test_link_token_expiration_follows_the_clock(
        self, plaid: PlaidCaller, other_plaid: PlaidCaller, clock: FrozenClock
    ) -> None:
        plaid.ok("/_gingham/clock/advance", {"by": "P30D"})

        created = plaid.ok("/link/token/create", link_token_request())
        assert created["expiration"] == iso(clock.now() + timedelta(days=30, hours=4))
        # Another client's time is its own.
        other = other_plaid.ok("/link/token/create", link_token_request())
        assert other["expiration"] == iso(clock.now() + timedelta(hours=4))
        assert other_plaid.ok("/_gingham/clock/get")["offset_seconds"] == 0.0

    def test_a_public_token_expires_when_the_clock_passes_thirty_minutes(
        self, plaid: PlaidCaller, other_plaid: PlaidCaller
    ) -> None:
        public_token = plaid.public_token()
        other_public_token = other_plaid.public_token()

        plaid.ok("/_gingham/clock/advance", {"by": "PT31M"})

        error = plaid.error("/item/public_token/exchange", {"public_token": public_token})
        assert error["error_code"] == "INVALID_PUBLIC_TOKEN"
        assert error["error_message"].startswith("provided public token is expired")
        other_plaid.ok("/item/public_token/exchange", {"public_token": other_public_token})

    def test_a_public_token_within_its_life_still_exchanges(self, plaid: PlaidCaller) -> None:
        public_token = plaid.public_token()
        plaid.ok("/_gingham/clock/advance", {"by": "PT29M"})
        plaid.ok("/item/public_token/exchange", {"public_token": public_token})

    def test_items_are_created_at_the_clients_time(self, plaid: PlaidCaller) -> None:
        plaid.ok("/_gingham/clock/advance", {"to": "2027-06-01T12:00:00Z"})
        access_token = plaid.access_token()
        item = plaid.ok("/item/get", {"access_token": access_token})["item"]
        assert item["created_at"] == "2027-06-01T12:00:00Z"

    def test_the_link_frame_runs_on_the_token_owners_clock(
        self, plaid: PlaidCaller, client: TestClient
    ) -> None:
        link_token = plaid.ok("/link/token/create", link_token_request())["link_token"]
        FrameDriver(client, link_token).start()

        plaid.ok("/_gingham/clock/advance", {"by": "PT4H1M"})

        response = client.post("/link/frame/sessions", json={"link_token": link_token})
        assert response.status_code == 400, response.text
        assert response.json()["error_code"] == "INVALID_LINK_TOKEN"

    def test_headless_link_runs_on_the_callers_clock(self, plaid: PlaidCaller) -> None:
        link_token = plaid.ok("/link/token/create", link_token_request())["link_token"]
        plaid.ok("/_gingham/clock/advance", {"by": "PT5H"})
        error = plaid.error("/_gingham/link/complete", {"link_token": link_token})
        assert error["error_code"] == "INVALID_LINK_TOKEN"
