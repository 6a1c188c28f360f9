"""The sandbox clock's management API: Gingham's own paths, authenticated with the client's API
credentials like any Plaid endpoint; each call acts on the caller's own clock.

Times on the wire are Plaid's (`2027-01-01T00:00:00Z`); `real_now` is the server's wall clock.
An advance with `wait_for_webhooks` answers once the webhooks due when it committed have been
sent (see gingham.webhooks.waiting).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from typing import Any

from gingham import errors
from gingham.sandbox_clock import offsets, service
from gingham.sandbox_clock.durations import DurationError, parse_duration
from gingham.sandbox_clock.offsets import ClientClocks, ClockState
from gingham.sandbox_clock.service import Advance
from gingham.sandbox_clock.timers import FiredTimer, TimerHandlers, pending_timers
from gingham.webhooks import outbox, waiting
from gingham.wire.context import JSONObject, RequestContext, Runtime
from gingham.wire.endpoint import Endpoint
from gingham.wire.json import format_datetime, parse_datetime
from gingham.wire.validation import Schema

_EMPTY_SCHEMA: Schema = {"type": "object", "properties": {}}
ADVANCE_SCHEMA: Schema = {
    "type": "object",
    "properties": {
        "by": {"type": "string", "minLength": 1},
        "to": {"type": "string", "format": "date-time"},
        # Gingham's own: answer once the webhooks due at commit have been sent.
        "wait_for_webhooks": {"type": "boolean"},
    },
}


def clock_json(state: ClockState) -> JSONObject:
    return {
        "now": format_datetime(state.now),
        "offset_seconds": state.offset_seconds,
        "real_now": format_datetime(state.real_now),
    }


def fired_json(fired: FiredTimer) -> JSONObject:
    return {
        "kind": fired.kind,
        "subject_id": fired.subject_id,
        "due_at": format_datetime(fired.due_at),
    }


def advance_json(advance: Advance) -> JSONObject:
    return {**clock_json(advance.clock), "fired": [fired_json(fired) for fired in advance.fired]}


def get_clock(ctx: RequestContext, body: JSONObject, *, clocks: ClientClocks) -> JSONObject:
    # From the database rather than this process's cache: the answer is never a second stale.
    state = offsets.clock_state(ctx.session, ctx.caller.client_id, ctx.runtime.clock.now())
    clocks.remember(ctx.caller.client_id, state.offset_seconds)
    return clock_json(state)


def advance_clock(
    ctx: RequestContext, body: JSONObject, *, clocks: ClientClocks, handlers: TimerHandlers
) -> JSONObject:
    by = to = None
    if "by" in body:
        if body["by"].lstrip().startswith("-"):
            raise service.forward_only()
        try:
            by = parse_duration(body["by"])
        except DurationError as problem:
            raise errors.invalid_field(
                f"by must be an ISO 8601 duration such as P7D, PT36H or P1DT2H ({problem}; "
                f"got {body['by']!r})"
            ) from None
    if "to" in body:
        to = parse_datetime(body["to"])
    result = service.advance_clock(
        ctx.session,
        ctx.caller.client_id,
        by=by,
        to=to,
        real_now=ctx.runtime.clock.now(),
        handlers=handlers,
        clocks=clocks,
    )
    if body.get("wait_for_webhooks"):
        # Which attempts to wait for is read in the advance's own transaction: it sees the
        # webhooks its timers enqueued and the retries it brought forward, and no worker can
        # have sent one of them yet.
        due = outbox.unfinished_due_attempts(
            ctx.session, client_id=ctx.caller.client_id, now=ctx.runtime.clock.now()
        )
        ctx.after_commit(partial(_wait_for_webhooks, ctx.runtime, due))
    return advance_json(result)


async def _wait_for_webhooks(
    runtime: Runtime, attempt_ids: Sequence[str], answer: JSONObject
) -> None:
    tally = await waiting.wait_for_attempts(
        runtime.session_factory, attempt_ids, database_in_threads=runtime.database_in_threads
    )
    answer["webhooks"] = tally.json()


def list_timers(ctx: RequestContext, body: JSONObject) -> JSONObject:
    timers: list[dict[str, Any]] = [
        {
            "timer_id": timer.id,
            "kind": timer.kind,
            "subject_id": timer.subject_id,
            "due_at": format_datetime(timer.due_at),
        }
        for timer in pending_timers(ctx.session, ctx.caller.client_id)
    ]
    return {"now": format_datetime(ctx.now), "timers": timers}


def endpoints(clocks: ClientClocks, handlers: TimerHandlers) -> list[Endpoint]:
    """`clocks` is the cache the runtime reads clients' time through: a clock read or moved here
    is known to this process's endpoints at once. An advance fires timers with `handlers`."""
    return [
        Endpoint("/_gingham/clock/get", partial(get_clock, clocks=clocks), _EMPTY_SCHEMA),
        Endpoint(
            "/_gingham/clock/advance",
            partial(advance_clock, clocks=clocks, handlers=handlers),
            ADVANCE_SCHEMA,
        ),
        Endpoint("/_gingham/clock/timers", list_timers, _EMPTY_SCHEMA),
    ]
