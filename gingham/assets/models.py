"""The tables of assets."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from gingham.db import Base, UTCDateTime


class AssetReport(Base):
    """An asset report over one or more Items: what was asked for, and once built on the
    client's sandbox clock, the report itself, kept as built so every later read (JSON, PDF,
    audit copy) shows the same snapshot, as Plaid's reports are immutable."""

    __tablename__ = "asset_reports"

    # The asset_report_id (a UUID, as at Plaid).
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    # The asset_report_token, stored as its SHA-256 like every bearer token.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    client_id: Mapped[str] = mapped_column(
        ForeignKey("api_clients.id", ondelete="CASCADE"), index=True
    )
    environment: Mapped[str] = mapped_column(String(16))
    # The Items in the order their access tokens were given; a refresh reads the same ones.
    item_ids: Mapped[list[str]] = mapped_column(JSON)
    days_requested: Mapped[int] = mapped_column(Integer)
    # The create (or refresh) request's options as they apply: client_report_id, webhook,
    # user, include_fast_report, require_all_items.
    options: Mapped[dict[str, Any]] = mapped_column(JSON)
    # Accounts left out by /asset_report/filter; a refresh keeps leaving them out.
    excluded_account_ids: Mapped[list[str]] = mapped_column(JSON)
    # A filtered report is cut from this report's data rather than read from the bank again.
    source_report_id: Mapped[str | None] = mapped_column(String(36))
    # building, ready or failed.
    status: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    built_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The built `report` object (with insights; plain reads leave them out), and the fast
    # report when one was asked for.
    report: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    fast_report: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # The report's ASSET_REPORT_WARNINGs (INVESTMENTS_UNAVAILABLE…), answered with every read.
    warnings: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    # Why the build failed: the PlaidError body /asset_report/get answers.
    error: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class AssetReportAuditCopy(Base):
    """An audit_copy_token granting a third party (auditor_id) read access to one report."""

    __tablename__ = "asset_report_audit_copies"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    asset_report_id: Mapped[str] = mapped_column(
        ForeignKey("asset_reports.id", ondelete="CASCADE"), index=True
    )
    auditor_id: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
