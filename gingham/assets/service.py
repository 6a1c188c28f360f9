"""Asset reports and their audit copies: issuing them, finding them by token, removing them.

A report is asked for now and built later on the client's sandbox clock (gingham.assets.timers);
until then reads answer PRODUCT_NOT_READY. Reports never change once built: a refresh or a
filter is a new report with its own token, and the old one keeps working until removed.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any, Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from gingham import errors
from gingham.assets.models import AssetReport, AssetReportAuditCopy
from gingham.items import service as items_service
from gingham.items.service import ItemRecord
from gingham.sandbox_clock.timers import schedule_timer
from gingham.wire.context import Caller
from gingham.wire.ids import new_token, token_environment, token_hash

REPORT_TOKEN_KIND: Final = "assets"
# Plaid's audit copy tokens read `a-<environment>-<id>`.
AUDIT_COPY_TOKEN_KIND: Final = "a"
BUILD_TIMER: Final = "assets.build"
# A fast report (balances and identity only) is ready in half the time of the full one.
FAST_BUILD_TIMER: Final = "assets.build_fast"

BUILDING: Final = "building"
READY: Final = "ready"
FAILED: Final = "failed"


class AssetReportError(errors.PlaidError):
    """Plaid's ASSET_REPORT_ERROR; for a report that failed because of its Items, `causes`
    carries each Item's own error with its item_id."""

    error_type = "ASSET_REPORT_ERROR"

    def __init__(
        self,
        error_code: str,
        error_message: str,
        *,
        display_message: str | None = None,
        causes: list[dict[str, Any]] | None = None,
    ) -> None:
        super().__init__(error_code, error_message, display_message=display_message)
        self.causes = causes

    def body(self, request_id: str | None) -> dict[str, Any]:
        body = super().body(request_id)
        # Plaid documents these on its "Assets errors" page.
        body["documentation_url"] = (
            f"https://plaid.com/docs/errors/assets/#{self.error_code.lower()}"
        )
        if self.causes is not None:
            body["causes"] = self.causes
        return body

    @classmethod
    def from_body(cls, body: dict[str, Any]) -> AssetReportError:
        return cls(
            body["error_code"],
            body["error_message"],
            display_message=body.get("display_message"),
            causes=body.get("causes"),
        )


def product_not_ready() -> AssetReportError:
    return AssetReportError(
        "PRODUCT_NOT_READY",
        "the requested product is not yet ready. please provide a webhook or try the request "
        "again later (the asset report is still being generated)",
    )


# --- The Items of a report ----------------------------------------------------------------------


def items_of_tokens(
    session: Session, caller: Caller, access_tokens: Sequence[str]
) -> list[ItemRecord]:
    """The Items of `access_tokens`, each the caller's, live, healthy and with Assets."""
    if len(set(access_tokens)) != len(access_tokens):
        raise errors.invalid_field("access_tokens lists the same access token more than once")
    items = [items_service.item_for_access_token(session, caller, t) for t in access_tokens]
    without_assets = [
        t for t, item in zip(access_tokens, items, strict=True) if not _has_assets(item)
    ]
    if without_assets:
        raise AssetReportError(
            "PRODUCT_NOT_ENABLED",
            "the 'assets' product is not enabled for the following access tokens: "
            + ", ".join(without_assets)
            + ". Add Assets to these Items with Link's update mode (products: ['assets']), or "
            "link them with 'assets' in products",
        )
    require_healthy(items)
    return items


def _has_assets(item: ItemRecord) -> bool:
    return "assets" in item.billed_products


def require_healthy(items: Sequence[ItemRecord]) -> None:
    """A report is only asked for over Items that can be read now, as at Plaid (an Item that
    breaks while the report builds fails the build instead)."""
    for item in items:
        try:
            items_service.raise_if_unhealthy(item)
        except errors.ItemError as error:
            error.error_message = f"Item {item.id}: {error.error_message}"
            raise


# --- Reports ------------------------------------------------------------------------------------


def create_report(
    session: Session,
    caller: Caller,
    *,
    item_ids: list[str],
    days_requested: int,
    options: dict[str, Any],
    now: datetime,
    build_seconds: float,
    excluded_account_ids: list[str] | None = None,
    source_report_id: str | None = None,
) -> tuple[str, AssetReport]:
    """A new report, due to be built `build_seconds` from now; (its token, the report)."""
    token = new_token(REPORT_TOKEN_KIND, caller.environment)
    report = AssetReport(
        id=str(uuid.uuid4()),
        token_hash=token_hash(token),
        client_id=caller.client_id,
        environment=caller.environment,
        item_ids=item_ids,
        days_requested=days_requested,
        options=options,
        excluded_account_ids=excluded_account_ids or [],
        source_report_id=source_report_id,
        status=BUILDING,
        created_at=now,
        warnings=[],
    )
    session.add(report)
    session.flush()
    schedule_timer(
        session,
        caller.client_id,
        due_at=now + timedelta(seconds=build_seconds),
        kind=BUILD_TIMER,
        subject_id=report.id,
    )
    if options.get("include_fast_report"):
        schedule_timer(
            session,
            caller.client_id,
            due_at=now + timedelta(seconds=build_seconds / 2),
            kind=FAST_BUILD_TIMER,
            subject_id=report.id,
        )
    return token, report


def _invalid_report_token(message: str) -> errors.PlaidError:
    return errors.InvalidInput("INVALID_ASSET_REPORT_TOKEN", message)


def _check_shape(
    token: str, kind: str, caller: Caller, what: str, make: Callable[[str], errors.PlaidError]
) -> None:
    environment = token_environment(token, kind)
    if environment is None:
        raise make(
            f"provided {what} is in an invalid format. expected format: {kind}-<environment>-<identifier>"
        )
    if environment != caller.environment:
        raise make(
            f"provided {what} is for the {environment} environment, but the secret used is for {caller.environment}"
        )


def report_for_token(session: Session, caller: Caller, token: str) -> AssetReport:
    """The caller's live report of `token`, or INVALID_ASSET_REPORT_TOKEN."""
    _check_shape(token, REPORT_TOKEN_KIND, caller, "asset_report_token", _invalid_report_token)
    report = session.scalars(
        select(AssetReport).where(AssetReport.token_hash == token_hash(token))
    ).one_or_none()
    if report is None or report.client_id != caller.client_id:
        raise _invalid_report_token("could not find matching asset report token")
    if report.removed_at is not None:
        raise _invalid_report_token(
            "this asset report was removed with /asset_report/remove; its token no longer works"
        )
    return report


def built(report: AssetReport, *, fast: bool = False) -> dict[str, Any]:
    """The built report object (the fast one with `fast`), or the error a read answers."""
    if fast and not report.options.get("include_fast_report"):
        raise errors.invalid_field(
            "fast_report is only available for asset reports created with "
            "options.add_ons ['fast_assets'] (or options.include_fast_report true)"
        )
    if fast and report.fast_report is not None:
        return report.fast_report
    if report.status == BUILDING:
        raise product_not_ready()
    if report.status == FAILED:
        assert report.error is not None
        raise AssetReportError.from_body(report.error)
    if fast:
        assert report.fast_report is not None
        return report.fast_report
    assert report.report is not None
    return report.report


def remove_report(report: AssetReport, now: datetime) -> None:
    # Its audit copies stop working with it: they are read through the report.
    report.removed_at = now


def report_by_id(session: Session, report_id: str) -> AssetReport | None:
    return session.get(AssetReport, report_id)


# --- Audit copies -------------------------------------------------------------------------------


def _invalid_audit_copy_token(message: str) -> errors.PlaidError:
    return errors.InvalidInput("INVALID_AUDIT_COPY_TOKEN", message)


def create_audit_copy(
    session: Session, report: AssetReport, auditor_id: str | None, now: datetime
) -> str:
    token = new_token(AUDIT_COPY_TOKEN_KIND, report.environment)
    session.add(
        AssetReportAuditCopy(
            token_hash=token_hash(token),
            asset_report_id=report.id,
            auditor_id=auditor_id,
            created_at=now,
        )
    )
    session.flush()
    return token


def audit_copy_for_token(
    session: Session, caller: Caller, token: str, *, owner_only: bool
) -> tuple[AssetReportAuditCopy, AssetReport]:
    """The live copy of `token` and its report. The copy is meant for a third party, so any
    client of the report's environment may read it; only the report's owner may remove it."""
    _check_shape(
        token, AUDIT_COPY_TOKEN_KIND, caller, "audit_copy_token", _invalid_audit_copy_token
    )
    found = session.execute(
        select(AssetReportAuditCopy, AssetReport)
        .join(AssetReport, AssetReport.id == AssetReportAuditCopy.asset_report_id)
        .where(AssetReportAuditCopy.token_hash == token_hash(token))
    ).one_or_none()
    if found is None:
        raise _invalid_audit_copy_token("could not find matching audit copy token")
    copy, report = found
    if owner_only and report.client_id != caller.client_id:
        raise _invalid_audit_copy_token("could not find matching audit copy token")
    if copy.removed_at is not None:
        raise _invalid_audit_copy_token(
            "this audit copy was removed with /asset_report/audit_copy/remove"
        )
    if report.removed_at is not None:
        raise _invalid_audit_copy_token(
            "the asset report of this audit copy was removed with /asset_report/remove"
        )
    return copy, report
