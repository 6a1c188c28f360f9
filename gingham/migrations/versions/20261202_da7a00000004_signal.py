"""signal: evaluated ACH debits and the decisions and returns reported for them

Revision ID: da7a00000004
Revises: da7a00000003
Create Date: 2026-12-02 09:04:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from gingham.db import UTCDateTime

revision = "da7a00000004"
down_revision = "da7a00000003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "signal_evaluations",
        sa.Column("id", sa.String(length=37), nullable=False),
        sa.Column("client_id", sa.String(length=32), nullable=False),
        sa.Column("environment", sa.String(length=16), nullable=False),
        sa.Column("client_transaction_id", sa.String(length=36), nullable=False),
        sa.Column("item_id", sa.String(length=37), nullable=False),
        sa.Column("account_id", sa.String(length=37), nullable=False),
        sa.Column("amount", sa.Float(), nullable=False),
        sa.Column("ruleset_key", sa.String(length=128), nullable=False),
        sa.Column("result", sa.String(length=16), nullable=False),
        sa.Column("customer_initiated_score", sa.Integer(), nullable=False),
        sa.Column("bank_initiated_score", sa.Integer(), nullable=False),
        sa.Column("evaluated_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("initiated", sa.Boolean(), nullable=True),
        sa.Column("decision", sa.JSON(), nullable=True),
        sa.Column("decision_reported_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("return_code", sa.String(length=3), nullable=True),
        sa.Column("returned_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("return_reported_at", UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["api_clients.id"],
            name=op.f("fk_signal_evaluations_client_id_api_clients"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["items.id"],
            name=op.f("fk_signal_evaluations_item_id_items"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signal_evaluations")),
        sa.UniqueConstraint(
            "client_id",
            "environment",
            "client_transaction_id",
            name=op.f("uq_signal_evaluations_client_id"),
        ),
    )
    with op.batch_alter_table("signal_evaluations") as batch_op:
        batch_op.create_index(
            batch_op.f("ix_signal_evaluations_item_id"), ["item_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("signal_evaluations") as batch_op:
        batch_op.drop_index(batch_op.f("ix_signal_evaluations_item_id"))
    op.drop_table("signal_evaluations")
