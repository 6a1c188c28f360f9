"""bank income: users' income reports and their refreshes

Revision ID: da7a00000007
Revises: da7a00000006
Create Date: 2026-12-02 12:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from gingham.db import UTCDateTime

revision = "da7a00000007"
down_revision = "da7a00000006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "bank_income_reports",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("client_id", sa.String(length=32), nullable=False),
        sa.Column("environment", sa.String(length=16), nullable=False),
        sa.Column("user_id", sa.String(length=37), nullable=False),
        sa.Column("link_session_id", sa.String(length=36), nullable=True),
        sa.Column("days_requested", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("requested_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("generated_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("webhook", sa.Text(), nullable=True),
        sa.Column("report", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["api_clients.id"],
            name=op.f("fk_bank_income_reports_client_id_api_clients"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["link_session_id"],
            ["link_sessions.id"],
            name=op.f("fk_bank_income_reports_link_session_id_link_sessions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_bank_income_reports_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bank_income_reports")),
        sa.UniqueConstraint("link_session_id", name=op.f("uq_bank_income_reports_link_session_id")),
    )
    with op.batch_alter_table("bank_income_reports") as batch_op:
        batch_op.create_index(
            batch_op.f("ix_bank_income_reports_user_id"), ["user_id"], unique=False
        )
    op.create_table(
        "bank_income_webhook_settings",
        sa.Column("user_id", sa.String(length=37), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("updated_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("known_sources", sa.JSON(), nullable=True),
        sa.Column("watch_due_at", UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_bank_income_webhook_settings_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_bank_income_webhook_settings")),
    )


def downgrade() -> None:
    op.drop_table("bank_income_webhook_settings")
    with op.batch_alter_table("bank_income_reports") as batch_op:
        batch_op.drop_index(batch_op.f("ix_bank_income_reports_user_id"))
    op.drop_table("bank_income_reports")
