"""The transaction pulls that happen later on the client's sandbox clock.

An Item gets Transactions when it is linked with it, or when a transactions endpoint is first
called: its initial pull is then scheduled `pull_delay` seconds ahead (Settings'
transactions_pull_seconds), its historical pull as long again after that, and from then on an
update every day. Timers fire as the client's time reaches them: in real time in the server's
timer loop, or at once when the client's clock is advanced past them.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from gingham.items import service as items_service
from gingham.items.service import ItemRecord
from gingham.sandbox_clock.timers import TimerContext, TimerHandler, schedule_timer
from gingham.transactions import pulls, service
from gingham.transactions.service import ProductState

INITIAL_PULL = "transactions.initial_pull"
HISTORICAL_PULL = "transactions.historical_pull"
DAILY_UPDATE = "transactions.daily_update"
UPDATE_INTERVAL = timedelta(days=1)
# "If the Item has been initialized with Transactions, and was in an error state for over 24
# hours, Plaid will check for new transactions immediately after update mode is complete."
LONG_BREAK = timedelta(hours=24)


def start(session: Session, item: ItemRecord, now: datetime, *, pull_delay: float) -> ProductState:
    """The Item's Transactions state, creating it and scheduling the initial pull if the Item
    has none yet."""
    state = service.state_of(session, item.id)
    if state is not None:
        return state
    state = service.create_state(session, item.id)
    _schedule_initial_pull(session, item, now, pull_delay)
    return state


def _schedule_initial_pull(
    session: Session, item: ItemRecord, now: datetime, pull_delay: float
) -> None:
    schedule_timer(
        session,
        item.client_id,
        due_at=now + timedelta(seconds=pull_delay),
        kind=INITIAL_PULL,
        subject_id=item.id,
        payload={"pull_delay": pull_delay},
    )


def start_after_link(
    session: Session, item: ItemRecord, now: datetime, *, pull_delay: float
) -> None:
    """`start` for an Item just exchanged: one statement when its state exists already (the
    public token of update mode exchanged again)."""
    if service.claim_state(session, item.id):
        _schedule_initial_pull(session, item, now, pull_delay)


def after_repair(session: Session, item: ItemRecord, now: datetime) -> None:
    """The Item, broken since item.error_at, was just repaired in update mode: after a break of
    more than a day its missed transactions are pulled at once (otherwise at the next daily
    update)."""
    if item.error_at is None or now - item.error_at <= LONG_BREAK:
        return
    state = service.state_of(session, item.id)
    if state is not None:
        pulls.update(session, item, state, now)


def accounts_added(session: Session, item_id: str, now: datetime) -> None:
    """Update mode added accounts to the Item: their transactions are pulled now."""
    item = items_service.item_by_id(session, item_id)
    state = service.state_of(session, item_id)
    if item is not None and state is not None:
        pulls.pull_new_accounts(session, item, state, now)


def _subject(timer: TimerContext) -> tuple[ItemRecord, ProductState] | None:
    item = items_service.item_by_id(timer.session, timer.timer.subject_id or "")
    if item is None or item.removed_at is not None:
        return None
    state = service.state_of(timer.session, item.id)
    return None if state is None else (item, state)


def _initial_pull(timer: TimerContext) -> None:
    subject = _subject(timer)
    if subject is None:
        return
    item, state = subject
    delay = float(timer.timer.payload.get("pull_delay", 0))
    if item.error is not None:
        # The bank cannot be reached while the Item needs its user: try again tomorrow.
        timer.schedule(
            due_at=timer.coalesced(timer.now + UPDATE_INTERVAL),
            kind=INITIAL_PULL,
            subject_id=item.id,
            payload=timer.timer.payload,
        )
        return
    pulls.initial_pull(timer.session, item, state, timer.now)
    timer.schedule(
        due_at=timer.now + timedelta(seconds=delay),
        kind=HISTORICAL_PULL,
        subject_id=item.id,
    )
    timer.schedule(due_at=timer.now + UPDATE_INTERVAL, kind=DAILY_UPDATE, subject_id=item.id)


def _historical_pull(timer: TimerContext) -> None:
    subject = _subject(timer)
    if subject is None:
        return
    item, state = subject
    pulls.historical_pull(timer.session, item, state, timer.now)


def _daily_update(timer: TimerContext) -> None:
    subject = _subject(timer)
    if subject is None:
        return
    item, state = subject
    # While the Item is broken nothing new is pulled; the first update after its repair catches
    # up on every day missed.
    if item.error is None:
        pulls.update(timer.session, item, state, timer.now)
    # A long clock advance brings the days it skips in one update at its end (one webhook for
    # the whole jump); day-by-day time gets an update a day.
    timer.schedule(
        due_at=timer.coalesced(timer.now + UPDATE_INTERVAL), kind=DAILY_UPDATE, subject_id=item.id
    )


TIMER_HANDLERS: dict[str, TimerHandler] = {
    INITIAL_PULL: _initial_pull,
    HISTORICAL_PULL: _historical_pull,
    DAILY_UPDATE: _daily_update,
}
