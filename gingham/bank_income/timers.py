"""What bank income does later on the client's sandbox clock: a refresh is requested now and
its report is built `report_build_seconds` later, when BANK_INCOME_REFRESH_COMPLETE is sent; a
user subscribed to refresh webhooks has their income looked at daily (gingham.bank_income.watch)."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from gingham import errors
from gingham.bank_income import service, watch
from gingham.bank_income.models import BankIncomeReport
from gingham.items import service as items_service
from gingham.sandbox_clock.timers import TimerContext, TimerHandler, schedule_timer
from gingham.users.models import User
from gingham.webhooks.outbox import enqueue_event

BUILD_REFRESH = "bank_income.build_refresh"


def request_refresh(
    session: Session,
    user: User,
    *,
    days_requested: int | None,
    now: datetime,
    build_seconds: float,
) -> BankIncomeReport:
    """A new report over all the user's income Items, built later. Plaid's default for
    days_requested is that of the user's latest report."""
    items = service.income_items(session, user)
    if not items:
        raise service.income_verification_not_found()
    if days_requested is None:
        service.materialise_session_reports(session, user)
        latest = service.ready_reports(session, user, 1)
        days_requested = latest[0].days_requested if latest else service.MAX_DAYS
    if not service.MIN_DAYS <= days_requested <= service.MAX_DAYS:
        raise errors.invalid_field(
            f"options.days_requested must be between {service.MIN_DAYS} and "
            f"{service.MAX_DAYS} (got {days_requested})"
        )
    # With every Item broken there is nothing to read: the first one's error says why.
    if all(item.error is not None for item in items):
        items_service.raise_if_unhealthy(items[0])
    report = BankIncomeReport(
        id=str(uuid.uuid4()),
        client_id=user.client_id,
        environment=user.environment,
        user_id=user.id,
        link_session_id=None,
        days_requested=days_requested,
        status="building",
        requested_at=now,
        generated_at=None,
        webhook=service.income_webhook(session, user, items),
        report=None,
    )
    session.add(report)
    session.flush()
    schedule_timer(
        session,
        user.client_id,
        due_at=now + timedelta(seconds=build_seconds),
        kind=BUILD_REFRESH,
        subject_id=report.id,
    )
    return report


def _build_refresh(timer: TimerContext) -> None:
    report = timer.session.get(BankIncomeReport, timer.timer.subject_id)
    if report is None or report.status != "building":
        return
    user = timer.session.get(User, report.user_id)
    if user is None:
        return
    items = service.income_items(timer.session, user)
    report.report = service.build_report(
        timer.session, report.id, items, report.days_requested, timer.now, timer.now.date()
    )
    report.status = "ready"
    report.generated_at = timer.now
    timer.session.flush()
    watch.refreshed(timer.session, user, report.report)
    if report.webhook:
        enqueue_event(
            timer.session,
            client_id=report.client_id,
            environment=report.environment,
            item_id=None,
            url=report.webhook,
            payload={
                "webhook_type": "INCOME",
                "webhook_code": "BANK_INCOME_REFRESH_COMPLETE",
                "user_id": user.id,
                "result": "SUCCESS",
                "environment": report.environment,
            },
            now=timer.now,
        )


TIMER_HANDLERS: dict[str, TimerHandler] = {
    BUILD_REFRESH: _build_refresh,
    watch.WATCH: watch.look_at_income,
}
