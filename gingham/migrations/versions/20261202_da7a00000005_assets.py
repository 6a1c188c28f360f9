"""assets: asset reports, their Items and audit copies

Revision ID: da7a00000005
Revises: da7a00000004
Create Date: 2026-12-02 12:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from gingham.db import UTCDateTime

revision = "da7a00000005"
down_revision = "da7a00000004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "asset_reports",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("client_id", sa.String(length=32), nullable=False),
        sa.Column("environment", sa.String(length=16), nullable=False),
        sa.Column("item_ids", sa.JSON(), nullable=False),
        sa.Column("days_requested", sa.Integer(), nullable=False),
        sa.Column("options", sa.JSON(), nullable=False),
        sa.Column("excluded_account_ids", sa.JSON(), nullable=False),
        sa.Column("source_report_id", sa.String(length=36), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("built_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("removed_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("report", sa.JSON(), nullable=True),
        sa.Column("fast_report", sa.JSON(), nullable=True),
        sa.Column("warnings", sa.JSON(), nullable=False),
        sa.Column("error", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["api_clients.id"],
            name=op.f("fk_asset_reports_client_id_api_clients"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_asset_reports")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_asset_reports_token_hash")),
    )
    with op.batch_alter_table("asset_reports") as batch_op:
        batch_op.create_index(batch_op.f("ix_asset_reports_client_id"), ["client_id"], unique=False)
    op.create_table(
        "asset_report_audit_copies",
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("asset_report_id", sa.String(length=36), nullable=False),
        sa.Column("auditor_id", sa.String(length=64), nullable=True),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("removed_at", UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["asset_report_id"],
            ["asset_reports.id"],
            name=op.f("fk_asset_report_audit_copies_asset_report_id_asset_reports"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("token_hash", name=op.f("pk_asset_report_audit_copies")),
    )
    with op.batch_alter_table("asset_report_audit_copies") as batch_op:
        batch_op.create_index(
            batch_op.f("ix_asset_report_audit_copies_asset_report_id"),
            ["asset_report_id"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("asset_report_audit_copies") as batch_op:
        batch_op.drop_index(batch_op.f("ix_asset_report_audit_copies_asset_report_id"))
    op.drop_table("asset_report_audit_copies")
    with op.batch_alter_table("asset_reports") as batch_op:
        batch_op.drop_index(batch_op.f("ix_asset_reports_client_id"))
    op.drop_table("asset_reports")
