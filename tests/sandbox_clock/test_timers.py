"""Timers: scheduled on a client's clock, fired in time order by an advance or as real time
passes."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from gingham.clients import service as clients_service
from gingham.clients.models import ApiClient
from gingham.clock import FrozenClock
from gingham.errors import PlaidError
from gingham.sandbox_clock.models import SandboxTimer
from gingham.sandbox_clock.offsets import client_now
from gingham.sandbox_clock.service import advance_clock, fire_due_timers
from gingham.sandbox_clock.timers import (
    TimerContext,
    TimerHandler,
    cancel_timers,
    merge_timer_handlers,
    pending_timers,
    schedule_timer,
)
from gingham.webhooks import outbox
from gingham.webhooks.models import WebhookAttempt
from tests.sandbox_clock.conftest import Recorder


def at(clock: FrozenClock, **delta: float) -> datetime:
    return clock.now() + timedelta(**delta)


class TestAdvanceFiresTimers:
    def test_in_due_order_each_seeing_its_due_time(
        self,
        timer_handlers: dict[str, TimerHandler],
        session: Session,
        client_id: str,
        clock: FrozenClock,
        recorder: Recorder,
    ) -> None:
        for subject, hours in (("third", 30), ("first", 2), ("second", 10)):
            schedule_timer(
                session,
                client_id,
                due_at=at(clock, hours=hours),
                kind="test.record",
                subject_id=subject,
            )

        advance = advance_clock(
            session, client_id, by=timedelta(days=2), real_now=clock.now(), handlers=timer_handlers
        )

        assert recorder.seen == [
            ("first", at(clock, hours=2)),
            ("second", at(clock, hours=10)),
            ("third", at(clock, hours=30)),
        ]
        assert [(f.subject_id, f.due_at) for f in advance.fired] == [
            ("first", at(clock, hours=2)),
            ("second", at(clock, hours=10)),
            ("third", at(clock, hours=30)),
        ]
        assert advance.clock.now == at(clock, days=2)
        assert pending_timers(session, client_id) == []

    def test_timers_due_at_the_same_moment_fire_in_the_order_scheduled(
        self,
        timer_handlers: dict[str, TimerHandler],
        session: Session,
        client_id: str,
        clock: FrozenClock,
        recorder: Recorder,
    ) -> None:
        for subject in ("a", "b", "c", "d"):
            schedule_timer(
                session,
                client_id,
                due_at=at(clock, hours=1),
                kind="test.record",
                subject_id=subject,
            )
        advance_clock(
            session, client_id, by=timedelta(hours=1), real_now=clock.now(), handlers=timer_handlers
        )
        assert recorder.subjects == ["a", "b", "c", "d"]

    def test_timers_beyond_the_target_stay_pending(
        self,
        timer_handlers: dict[str, TimerHandler],
        session: Session,
        client_id: str,
        clock: FrozenClock,
        recorder: Recorder,
    ) -> None:
        schedule_timer(
            session, client_id, due_at=at(clock, days=1), kind="test.record", subject_id="in"
        )
        schedule_timer(
            session,
            client_id,
            due_at=at(clock, days=1, seconds=1),
            kind="test.record",
            subject_id="out",
        )

        advance_clock(
            session, client_id, by=timedelta(days=1), real_now=clock.now(), handlers=timer_handlers
        )

        assert recorder.subjects == ["in"]
        assert [t.subject_id for t in pending_timers(session, client_id)] == ["out"]

        advance_clock(
            session,
            client_id,
            by=timedelta(seconds=1),
            real_now=clock.now(),
            handlers=timer_handlers,
        )
        assert recorder.seen[-1] == ("out", at(clock, days=1, seconds=1))

    def test_a_timer_due_exactly_at_the_target_fires(
        self,
        timer_handlers: dict[str, TimerHandler],
        session: Session,
        client_id: str,
        clock: FrozenClock,
        recorder: Recorder,
    ) -> None:
        schedule_timer(session, client_id, due_at=at(clock, days=3), kind="test.record")
        advance_clock(
            session, client_id, to=at(clock, days=3), real_now=clock.now(), handlers=timer_handlers
        )
        assert len(recorder.seen) == 1

    def test_timers_scheduled_by_handlers_fire_in_the_same_advance_in_order(
        self,
        timer_handlers: dict[str, TimerHandler],
        session: Session,
        client_id: str,
        clock: FrozenClock,
        recorder: Recorder,
    ) -> None:
        # chain at +1 h schedules "inserted" at +2 h, before "later" at +3 h; "beyond" at +30 h
        # falls outside the advance.
        schedule_timer(
            session,
            client_id,
            due_at=at(clock, hours=1),
            kind="test.chain",
            subject_id="chain",
            payload={"then_at": at(clock, hours=2).isoformat(), "then_subject": "inserted"},
        )
        schedule_timer(
            session, client_id, due_at=at(clock, hours=3), kind="test.record", subject_id="later"
        )
        schedule_timer(
            session,
            client_id,
            due_at=at(clock, hours=4),
            kind="test.chain",
            subject_id="chain2",
            payload={"then_at": at(clock, hours=30).isoformat(), "then_subject": "beyond"},
        )

        advance = advance_clock(
            session,
            client_id,
            by=timedelta(hours=24),
            real_now=clock.now(),
            handlers=timer_handlers,
        )

        assert recorder.seen == [
            ("chain", at(clock, hours=1)),
            ("inserted", at(clock, hours=2)),
            ("later", at(clock, hours=3)),
            ("chain2", at(clock, hours=4)),
        ]
        assert [f.subject_id for f in advance.fired] == ["chain", "inserted", "later", "chain2"]
        assert [t.subject_id for t in pending_timers(session, client_id)] == ["beyond"]

    def test_an_overdue_timer_fires_at_the_time_already_reached(
        self,
        timer_handlers: dict[str, TimerHandler],
        session: Session,
        client_id: str,
        clock: FrozenClock,
        recorder: Recorder,
    ) -> None:
        # Due an hour ago in real time and not fired yet (no worker ran): handlers never see
        # time go back, so it fires at the client's current time.
        schedule_timer(
            session, client_id, due_at=at(clock, hours=-1), kind="test.record", subject_id="late"
        )
        advance_clock(
            session, client_id, by=timedelta(hours=1), real_now=clock.now(), handlers=timer_handlers
        )
        assert recorder.seen == [("late", clock.now())]

    def test_handlers_see_the_session_and_can_change_data(
        self,
        timer_handlers: dict[str, TimerHandler],
        session: Session,
        client_id: str,
        clock: FrozenClock,
    ) -> None:
        def rename_client(ctx: TimerContext) -> None:
            row = ctx.session.get(ApiClient, ctx.client_id)
            assert row is not None
            row.name = f"renamed at {ctx.now:%Y-%m-%d}"

        timer_handlers["test.rename"] = rename_client
        schedule_timer(session, client_id, due_at=at(clock, days=5), kind="test.rename")
        advance_clock(
            session,
            client_id,
            by=timedelta(days=7),
            real_now=clock.now(),
            handlers=timer_handlers,
        )
        row = session.get(ApiClient, client_id)
        assert row is not None and row.name == f"renamed at {at(clock, days=5):%Y-%m-%d}"

    def test_unknown_kinds_are_marked_fired_and_logged(
        self,
        timer_handlers: dict[str, TimerHandler],
        session: Session,
        client_id: str,
        clock: FrozenClock,
        recorder: Recorder,
        caplog: pytest.LogCaptureFixture,
    ) -> None:
        unknown_id = schedule_timer(
            session, client_id, due_at=at(clock, hours=1), kind="test.nobody_handles_this"
        )
        schedule_timer(session, client_id, due_at=at(clock, hours=2), kind="test.record")

        with caplog.at_level(logging.WARNING, logger="gingham.sandbox_clock"):
            advance = advance_clock(
                session,
                client_id,
                by=timedelta(hours=3),
                real_now=clock.now(),
                handlers=timer_handlers,
            )

        assert [f.kind for f in advance.fired] == ["test.nobody_handles_this", "test.record"]
        unknown = session.get(SandboxTimer, unknown_id)
        assert unknown is not None and unknown.fired_at == at(clock, hours=1)
        assert "test.nobody_handles_this" in caplog.text
        assert len(recorder.seen) == 1

    def test_only_the_clients_own_timers_fire(
        self,
        timer_handlers: dict[str, TimerHandler],
        session: Session,
        client_id: str,
        clock: FrozenClock,
        recorder: Recorder,
    ) -> None:
        other = clients_service.create_client(session, "Other", clock.now()).client_id
        schedule_timer(
            session, other, due_at=at(clock, hours=1), kind="test.record", subject_id="other"
        )
        advance_clock(
            session, client_id, by=timedelta(days=1), real_now=clock.now(), handlers=timer_handlers
        )
        assert recorder.seen == []
        assert [t.subject_id for t in pending_timers(session, other)] == ["other"]

    def test_a_failing_handler_undoes_the_advance(
        self,
        timer_handlers: dict[str, TimerHandler],
        session: Session,
        client_id: str,
        clock: FrozenClock,
    ) -> None:
        def broken(ctx: TimerContext) -> None:
            raise RuntimeError("handler bug")

        timer_handlers["test.broken"] = broken
        schedule_timer(session, client_id, due_at=at(clock, hours=1), kind="test.broken")
        with pytest.raises(RuntimeError), session.begin_nested():
            advance_clock(
                session,
                client_id,
                by=timedelta(days=1),
                real_now=clock.now(),
                handlers=timer_handlers,
            )
        assert client_now(session, client_id, clock.now()) == clock.now()
        assert len(pending_timers(session, client_id)) == 1


class TestFireDueTimers:
    def test_fires_what_real_time_has_reached_at_the_clients_time(
        self,
        timer_handlers: dict[str, TimerHandler],
        session: Session,
        client_id: str,
        clock: FrozenClock,
        recorder: Recorder,
    ) -> None:
        schedule_timer(
            session, client_id, due_at=at(clock, minutes=5), kind="test.record", subject_id="soon"
        )
        schedule_timer(
            session, client_id, due_at=at(clock, hours=1), kind="test.record", subject_id="later"
        )

        assert fire_due_timers(session, clock.now(), timer_handlers) == []
        clock.advance(timedelta(minutes=7))
        fired = fire_due_timers(session, clock.now(), timer_handlers)

        assert [(f.subject_id, f.fired_at) for f in fired] == [("soon", clock.now())]
        assert recorder.seen == [("soon", clock.now())]
        assert [t.subject_id for t in pending_timers(session, client_id)] == ["later"]

    def test_uses_each_clients_offset(
        self,
        timer_handlers: dict[str, TimerHandler],
        session: Session,
        client_id: str,
        clock: FrozenClock,
        recorder: Recorder,
    ) -> None:
        ahead = clients_service.create_client(session, "Ahead", clock.now()).client_id
        advance_clock(
            session, ahead, by=timedelta(days=10), real_now=clock.now(), handlers=timer_handlers
        )
        for owner in (client_id, ahead):
            schedule_timer(
                session,
                owner,
                due_at=at(clock, days=10, minutes=1),
                kind="test.record",
                subject_id=owner,
            )

        clock.advance(timedelta(minutes=2))
        fire_due_timers(session, clock.now(), timer_handlers)

        # Only the client whose time is 10 days ahead has reached its timer.
        assert recorder.seen == [(ahead, at(clock, days=10))]

    def test_timers_scheduled_by_handlers_that_are_already_due_fire_too(
        self,
        timer_handlers: dict[str, TimerHandler],
        session: Session,
        client_id: str,
        clock: FrozenClock,
        recorder: Recorder,
    ) -> None:
        schedule_timer(
            session,
            client_id,
            due_at=at(clock, seconds=1),
            kind="test.chain",
            subject_id="a",
            payload={"then_at": at(clock, seconds=2).isoformat(), "then_subject": "b"},
        )
        clock.advance(timedelta(seconds=3))
        fire_due_timers(session, clock.now(), timer_handlers)
        assert recorder.subjects == ["a", "b"]

    def test_a_failing_handler_leaves_its_clients_timers_pending_and_others_fire(
        self,
        timer_handlers: dict[str, TimerHandler],
        session: Session,
        client_id: str,
        clock: FrozenClock,
        recorder: Recorder,
        caplog: pytest.LogCaptureFixture,
    ) -> None:
        def broken(ctx: TimerContext) -> None:
            raise RuntimeError("handler bug")

        healthy = clients_service.create_client(session, "Healthy", clock.now()).client_id
        timer_handlers["test.broken"] = broken
        schedule_timer(
            session,
            client_id,
            due_at=at(clock, seconds=1),
            kind="test.record",
            subject_id="undone",
        )
        schedule_timer(session, client_id, due_at=at(clock, seconds=2), kind="test.broken")
        schedule_timer(
            session,
            healthy,
            due_at=at(clock, seconds=1),
            kind="test.record",
            subject_id="healthy",
        )
        clock.advance(timedelta(seconds=5))
        with caplog.at_level(logging.ERROR, logger="gingham.sandbox_clock"):
            fired = fire_due_timers(session, clock.now(), timer_handlers)

        assert [f.subject_id for f in fired] == ["healthy"]
        assert [t.kind for t in pending_timers(session, client_id)] == [
            "test.record",
            "test.broken",
        ]
        assert "handler bug" in caplog.text


class TestScheduling:
    def test_cancel_drops_a_subjects_pending_timers(
        self, session: Session, client_id: str, clock: FrozenClock
    ) -> None:
        for kind in ("test.a", "test.b"):
            schedule_timer(session, client_id, due_at=at(clock, days=1), kind=kind, subject_id="x")
        schedule_timer(session, client_id, due_at=at(clock, days=1), kind="test.a", subject_id="y")

        assert cancel_timers(session, client_id, subject_id="x", kind="test.a") == 1
        assert cancel_timers(session, client_id, subject_id="x") == 1
        assert [(t.kind, t.subject_id) for t in pending_timers(session, client_id)] == [
            ("test.a", "y")
        ]

    def test_a_timer_is_stored_with_its_payload(
        self, session: Session, client_id: str, clock: FrozenClock
    ) -> None:
        timer_id = schedule_timer(
            session, client_id, due_at=at(clock, days=1), kind="test.a", payload={"n": 1}
        )
        session.expire_all()
        stored = session.get(SandboxTimer, timer_id)
        assert stored is not None
        assert (stored.payload, stored.due_at, stored.fired_at) == (
            {"n": 1},
            at(clock, days=1),
            None,
        )
        assert stored.created_at is not None

    def test_one_handler_per_kind(self) -> None:
        def one(ctx: TimerContext) -> None: ...

        def another(ctx: TimerContext) -> None: ...

        assert merge_timer_handlers({"test.once": one}, {"test.once": one})["test.once"] is one
        with pytest.raises(ValueError, match="already registered"):
            merge_timer_handlers({"test.once": one}, {"test.once": another})


class TestAdvanceRules:
    def test_forward_only(
        self,
        timer_handlers: dict[str, TimerHandler],
        session: Session,
        client_id: str,
        clock: FrozenClock,
    ) -> None:
        advance_clock(
            session, client_id, by=timedelta(days=1), real_now=clock.now(), handlers=timer_handlers
        )
        for kwargs in (
            {"to": clock.now()},
            {"to": at(clock, days=1)},
            {"by": timedelta(0)},
            {"by": timedelta(seconds=-1)},
        ):
            with pytest.raises(PlaidError, match="clocks only move forward"):
                advance_clock(
                    session, client_id, real_now=clock.now(), handlers=timer_handlers, **kwargs
                )  # type: ignore[arg-type]

    def test_at_most_two_years_per_advance(
        self,
        timer_handlers: dict[str, TimerHandler],
        session: Session,
        client_id: str,
        clock: FrozenClock,
    ) -> None:
        two_years = clock.now().replace(year=clock.now().year + 2)
        advance_clock(
            session, client_id, to=two_years, real_now=clock.now(), handlers=timer_handlers
        )
        with pytest.raises(PlaidError, match="at most 2 years"):
            advance_clock(
                session,
                client_id,
                to=two_years.replace(year=two_years.year + 2) + timedelta(seconds=1),
                real_now=clock.now(),
                handlers=timer_handlers,
            )

    def test_the_clock_keeps_running_with_real_time(
        self,
        timer_handlers: dict[str, TimerHandler],
        session: Session,
        client_id: str,
        clock: FrozenClock,
    ) -> None:
        advance_clock(
            session, client_id, by=timedelta(days=7), real_now=clock.now(), handlers=timer_handlers
        )
        clock.advance(timedelta(minutes=3))
        assert client_now(session, client_id, clock.now()) == at(clock, days=7)


class TestWebhookRetries:
    def test_an_advance_brings_the_clients_scheduled_retries_forward(
        self,
        timer_handlers: dict[str, TimerHandler],
        session: Session,
        client_id: str,
        clock: FrozenClock,
    ) -> None:
        other = clients_service.create_client(session, "Other", clock.now()).client_id
        events = {
            owner: outbox.enqueue_event(
                session,
                client_id=owner,
                environment="sandbox",
                item_id=None,
                url="https://app.example.com/webhook",
                payload={"webhook_type": "ITEM", "webhook_code": "ERROR"},
                now=clock.now(),
            )
            for owner in (client_id, other)
        }
        # A retry scheduled two hours from now (real time), for each client.
        session.execute(
            update(WebhookAttempt)
            .where(WebhookAttempt.event_id.in_(list(events.values())))
            .values(due_at=at(clock, hours=2))
        )

        advance_clock(
            session, client_id, by=timedelta(hours=3), real_now=clock.now(), handlers=timer_handlers
        )

        def due(owner: str) -> datetime | None:
            return session.scalar(
                select(WebhookAttempt.due_at).where(WebhookAttempt.event_id == events[owner])
            )

        assert due(client_id) == at(clock, hours=-1)
        assert due(other) == at(clock, hours=2)
