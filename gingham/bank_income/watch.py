"""BANK_INCOME_REFRESH_UPDATE: users subscribed with /credit/bank_income/webhook/update hear when
their income changes, so that the app refreshes their report.

Once a day of the client's clock the user's income sources are read again from their income
Items over the days of their latest report; a source that appeared (a new employer, a new
Item linked for income) or went (an Item removed or broken, a source that stopped) is a change.
Each change is told once: the sources then become the known ones, as they do when a refresh
finishes.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from gingham.bank_income import service
from gingham.bank_income.models import BankIncomeWebhookSetting
from gingham.db import add_once
from gingham.sandbox_clock.timers import TimerContext, schedule_timer
from gingham.users.models import User
from gingham.webhooks.outbox import enqueue_event

WATCH = "bank_income.watch"
INTERVAL = timedelta(days=1)


def _days_requested(session: Session, user: User) -> int:
    service.materialise_session_reports(session, user)
    latest = service.ready_reports(session, user, 1)
    return latest[0].days_requested if latest else service.MAX_DAYS


def _watch_from(
    session: Session, setting: BankIncomeWebhookSetting, user: User, due_at: datetime
) -> None:
    setting.watch_due_at = due_at
    session.flush()
    schedule_timer(session, user.client_id, due_at=due_at, kind=WATCH, subject_id=user.id)


def subscribe(session: Session, user: User, enabled: bool, now: datetime) -> None:
    setting = session.get(BankIncomeWebhookSetting, user.id)
    if setting is None:
        add_once(session, BankIncomeWebhookSetting(user_id=user.id, enabled=False, updated_at=now))
        setting = session.get(BankIncomeWebhookSetting, user.id)
        assert setting is not None
    was_enabled = setting.enabled
    setting.enabled = enabled
    setting.updated_at = now
    if not enabled:
        # The pending look is stale from now on.
        setting.watch_due_at = None
        session.flush()
        return
    if was_enabled and setting.watch_due_at is not None:
        session.flush()
        return
    setting.known_sources = service.current_source_ids(
        session, user, _days_requested(session, user), now.date()
    )
    _watch_from(session, setting, user, now + INTERVAL)


def refreshed(session: Session, user: User, report: dict[str, Any]) -> None:
    """A finished refresh is what the app now knows of the user's income."""
    setting = session.get(BankIncomeWebhookSetting, user.id)
    if setting is None or not setting.enabled:
        return
    setting.known_sources = sorted(
        s["income_source_id"] for item in report["items"] for s in item["bank_income_sources"]
    )
    session.flush()


def look_at_income(timer: TimerContext) -> None:
    session = timer.session
    setting = session.get(BankIncomeWebhookSetting, timer.timer.subject_id)
    if setting is None or not setting.enabled or setting.watch_due_at != timer.timer.due_at:
        return
    user = session.get(User, setting.user_id)
    if user is None:
        return
    current = service.current_source_ids(
        session, user, _days_requested(session, user), timer.now.date()
    )
    if current != (setting.known_sources or []):
        setting.known_sources = current
        url = service.income_webhook(session, user, service.income_items(session, user))
        if url:
            enqueue_event(
                session,
                client_id=user.client_id,
                environment=user.environment,
                item_id=None,
                url=url,
                payload={
                    "webhook_type": "INCOME",
                    "webhook_code": "BANK_INCOME_REFRESH_UPDATE",
                    "user_id": user.id,
                    "environment": user.environment,
                },
                now=timer.now,
            )
    _watch_from(session, setting, user, timer.coalesced(timer.timer.due_at + INTERVAL))
