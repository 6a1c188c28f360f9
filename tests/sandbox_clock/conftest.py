"""Sandbox clock tests: a client made in the test's session, and timer handlers that record what
they saw, handed to the advance or timer loop under test."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import pytest
from sqlalchemy.orm import Session

from gingham.clients import service as clients_service
from gingham.clock import FrozenClock
from gingham.sandbox_clock.timers import TimerContext, TimerHandler


@pytest.fixture
def client_id(session: Session, clock: FrozenClock) -> str:
    return clients_service.create_client(session, "Clock app", clock.now()).client_id


@dataclass
class Recorder:
    """Handlers for the kinds "test.record" (notes the timer and the time it saw) and
    "test.chain" (notes it, then schedules "test.record" at payload["then_at"])."""

    seen: list[tuple[str | None, datetime]] = field(default_factory=list)

    def record(self, ctx: TimerContext) -> None:
        self.seen.append((ctx.timer.subject_id, ctx.now))

    def chain(self, ctx: TimerContext) -> None:
        self.record(ctx)
        ctx.schedule(
            due_at=datetime.fromisoformat(ctx.timer.payload["then_at"]),
            kind="test.record",
            subject_id=ctx.timer.payload["then_subject"],
        )

    @property
    def subjects(self) -> list[str | None]:
        return [subject for subject, _ in self.seen]


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
def timer_handlers(recorder: Recorder) -> dict[str, TimerHandler]:
    """The handlers timers fire with in a test: the recorder's, and any the test adds."""
    return {"test.record": recorder.record, "test.chain": recorder.chain}
