"""What assets does later on the client's sandbox clock: building a report once its build time
(Settings' report_build_seconds after it was asked for) comes, and telling the report's webhook.

A report over Items that broke in the meantime (ITEM_LOGIN_REQUIRED…) fails with Plaid's
ASSET_REPORT_ERROR, each Item's error in `causes`, unless options.require_all_items is false and
at least one Item could be read: then the broken ones are left out.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from gingham import errors
from gingham.assets import build
from gingham.assets import investments as investments_addon
from gingham.assets.models import AssetReport
from gingham.assets.service import (
    BUILD_TIMER,
    BUILDING,
    FAILED,
    FAST_BUILD_TIMER,
    READY,
    AssetReportError,
    report_by_id,
)
from gingham.items import service as items_service
from gingham.items.service import ItemRecord
from gingham.sandbox_clock.timers import TimerContext, TimerHandler
from gingham.webhooks.outbox import enqueue_event


def _build(timer: TimerContext) -> None:
    report = report_by_id(timer.session, timer.timer.subject_id or "")
    if report is None or report.status != BUILDING or report.removed_at is not None:
        return
    try:
        built, warnings = _built_report(timer.session, report, timer.now)
    except AssetReportError as error:
        report.status = FAILED
        report.error = error.body(None)
        report.built_at = timer.now
        _notify(timer.session, report, {"webhook_code": "ERROR", "error": report.error}, timer.now)
        return
    report.report = built
    report.warnings = warnings
    if report.options.get("include_fast_report") and report.fast_report is None:
        # The fast build could not read every Item then; the full report's day stands in.
        report.fast_report = build.fast_version(built)
        _notify(timer.session, report, _ready("FAST"), timer.now)
    report.status = READY
    report.built_at = timer.now
    _notify(timer.session, report, _ready("FULL"), timer.now)


def _build_fast(timer: TimerContext) -> None:
    report = report_by_id(timer.session, timer.timer.subject_id or "")
    if report is None or report.status != BUILDING or report.removed_at is not None:
        return
    try:
        built, _ = _built_report(timer.session, report, timer.now, history=False)
    except AssetReportError:
        # Left to the full build, which reports the failure.
        return
    report.fast_report = build.fast_version(built)
    _notify(timer.session, report, _ready("FAST"), timer.now)


def _built_report(
    session: Session, report: AssetReport, now: datetime, *, history: bool = True
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The report object and its warnings."""
    if report.source_report_id is not None:
        # A filtered report is cut from its source's data, which was built before it was asked.
        source = report_by_id(session, report.source_report_id)
        assert source is not None and source.report is not None
        return build.filtered(source.report, report.id, report.excluded_account_ids), list(
            source.warnings
        )
    items = [items_service.item_by_id(session, item_id) for item_id in report.item_ids]
    readable: list[ItemRecord] = []
    causes: list[dict[str, Any]] = []
    for item in items:
        assert item is not None
        if item.error is None:
            readable.append(item)
        else:
            causes.append({**errors.from_stored(item.error).stored(), "item_id": item.id})
    if causes and (report.options.get("require_all_items", True) or not readable):
        failed = ", ".join(f"{c['item_id']} ({c['error_code']})" for c in causes)
        raise AssetReportError(
            "DATA_UNAVAILABLE",
            f"the asset report could not be generated: data could not be retrieved for Items "
            f"{failed}. Repair them with Link's update mode, then create the report again",
            causes=causes,
        )
    with_investments = bool(report.options.get("include_investments")) and history
    warnings = [
        investments_addon.unavailable_warning(item)
        for item in readable
        if with_investments and not investments_addon.has_investments(item)
    ]
    return build.report_json(
        report_id=report.id,
        items=[
            build.item_json(
                session,
                item,
                # Without history no transactions are generated (a fast report has none).
                days_requested=report.days_requested if history else 0,
                excluded_account_ids=report.excluded_account_ids,
                now=now,
                with_investments=with_investments,
            )
            for item in readable
        ],
        days_requested=report.days_requested,
        options=report.options,
        now=now,
    ), warnings


def _ready(report_type: str) -> dict[str, Any]:
    return {"webhook_code": "PRODUCT_READY", "report_type": report_type}


def _notify(session: Session, report: AssetReport, fields: dict[str, Any], now: datetime) -> None:
    """Assets webhooks go to the report's own options.webhook (none without one)."""
    url = report.options.get("webhook")
    if not url:
        return
    payload = {
        "webhook_type": "ASSETS",
        "webhook_code": fields["webhook_code"],
        "asset_report_id": report.id,
        **{k: v for k, v in fields.items() if k != "webhook_code"},
        "environment": report.environment,
    }
    enqueue_event(
        session,
        client_id=report.client_id,
        environment=report.environment,
        item_id=None,
        url=url,
        payload=payload,
        now=now,
    )


TIMER_HANDLERS: dict[str, TimerHandler] = {
    BUILD_TIMER: _build,
    FAST_BUILD_TIMER: _build_fast,
}
