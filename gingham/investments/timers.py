"""The investment updates that happen later on the client's sandbox clock.

Once an Item's investments have been read, a timer waits for the next day with activity (a
contribution, a dividend, a fee…); when it fires, the Item's balances move and DEFAULT_UPDATE
webhooks announce the new transactions and changed holdings, then the next such day is awaited.
An Item in an error state is not updated until it is repaired; the update then covers the gap.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy.orm import Session

from gingham.accounts.service import AccountRecord, accounts_of_item
from gingham.investments import service
from gingham.items.service import ItemRecord, item_by_id
from gingham.sandbox_clock.timers import TimerContext, TimerHandler, cancel_timers, schedule_timer

UPDATE = "investments.update"
# With no activity in sight, look again after this long.
_IDLE_RECHECK = timedelta(days=92)


def schedule_next_update(
    session: Session,
    item: ItemRecord,
    found: Sequence[service.Portfolio],
    after: date,
    *,
    not_before: datetime | None = None,
) -> None:
    """Wait for the first day after `after` with activity in the Item's portfolios `found`, or
    until `not_before` if that is later (the update then covers every day in between)."""
    cancel_timers(session, item.client_id, subject_id=item.id, kind=UPDATE)
    day = service.next_activity_day(item, found, after) or after + _IDLE_RECHECK
    due_at = datetime.combine(day, time(), UTC)
    schedule_timer(
        session,
        item.client_id,
        due_at=max(due_at, not_before) if not_before is not None else due_at,
        kind=UPDATE,
        subject_id=item.id,
    )


def read_portfolios(
    session: Session, item: ItemRecord, accounts: Sequence[AccountRecord], now: datetime
) -> list[service.Portfolio]:
    """The Item's portfolios (service.portfolios); the first read starts its updates on the
    clock."""
    found, first_read = service.opened_portfolios(session, item, accounts, now)
    if first_read:
        schedule_next_update(session, item, found, now.date())
    return found


def _update(timer: TimerContext) -> None:
    item = item_by_id(timer.session, timer.timer.subject_id or "")
    if item is None or item.removed_at is not None or "investments" not in item.billed_products:
        return
    found = service.portfolios(
        timer.session, item, accounts_of_item(timer.session, item.id), timer.now
    )
    if item.error is None:
        service.announce_updates(timer.session, item, found, timer.now)
    # A long clock advance brings the activity days it skips in one update at its end.
    schedule_next_update(timer.session, item, found, timer.now.date(), not_before=timer.until)


TIMER_HANDLERS: dict[str, TimerHandler] = {
    UPDATE: _update,
}
