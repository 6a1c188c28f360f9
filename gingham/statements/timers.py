"""What statements does later on the client's sandbox clock: a /statements/refresh finishes
building `report_build_seconds` after it was asked for; its window's statements are listed from
then on, and STATEMENTS_REFRESH_COMPLETE goes to the Item's webhook."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from gingham.items import service as items_service
from gingham.items.service import ItemRecord
from gingham.sandbox_clock.timers import TimerContext, TimerHandler, schedule_timer
from gingham.statements import service
from gingham.webhooks.outbox import enqueue_webhook

REFRESH_COMPLETE = "statements.refresh_complete"


def schedule_completion(
    session: Session, item: ItemRecord, refresh_id: str, *, due_at: datetime
) -> None:
    schedule_timer(
        session, item.client_id, due_at=due_at, kind=REFRESH_COMPLETE, subject_id=refresh_id
    )


def complete_refresh(ctx: TimerContext) -> None:
    refresh_id = ctx.timer.subject_id
    if refresh_id is None:
        return
    item_id = service.complete_refresh(ctx.session, refresh_id, ctx.now)
    item = items_service.item_by_id(ctx.session, item_id) if item_id else None
    if item is None or item.removed_at is not None:
        return
    enqueue_webhook(
        ctx.session,
        item=item,
        webhook_type="STATEMENTS",
        webhook_code="STATEMENTS_REFRESH_COMPLETE",
        fields={"item_id": item.id, "result": "SUCCESS"},
        now=ctx.now,
    )


TIMER_HANDLERS: dict[str, TimerHandler] = {
    REFRESH_COMPLETE: complete_refresh,
}
