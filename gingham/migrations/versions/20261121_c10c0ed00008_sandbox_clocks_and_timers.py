"""sandbox clocks and timers

Revision ID: c10c0ed00008
Revises: acc0de0005
Create Date: 2026-11-21 23:10:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import gingham.db

revision = "c10c0ed00008"
# A branch of its own beside the webhook outbox's; gingham.db.migrate upgrades every head.
down_revision = "acc0de0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sandbox_clocks",
        sa.Column("client_id", sa.String(length=32), nullable=False),
        sa.Column("offset_seconds", sa.Float(), nullable=False),
        sa.Column("updated_at", gingham.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "offset_seconds >= 0", name=op.f("ck_sandbox_clocks_offset_not_negative")
        ),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["api_clients.id"],
            name=op.f("fk_sandbox_clocks_client_id_api_clients"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("client_id", name=op.f("pk_sandbox_clocks")),
    )
    op.create_table(
        "sandbox_timers",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("client_id", sa.String(length=32), nullable=False),
        sa.Column("due_at", gingham.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("sequence", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(length=64), nullable=False),
        sa.Column("subject_id", sa.String(length=64), nullable=True),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column(
            "created_at",
            gingham.db.UTCDateTime(timezone=True),
            server_default=sa.func.now(),
            nullable=False,
        ),
        sa.Column("fired_at", gingham.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["api_clients.id"],
            name=op.f("fk_sandbox_timers_client_id_api_clients"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sandbox_timers")),
    )
    with op.batch_alter_table("sandbox_timers", schema=None) as batch_op:
        batch_op.create_index(
            "ix_sandbox_timers_fired_at_client_id_due_at",
            ["fired_at", "client_id", "due_at", "sequence"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("sandbox_timers", schema=None) as batch_op:
        batch_op.drop_index("ix_sandbox_timers_fired_at_client_id_due_at")
    op.drop_table("sandbox_timers")
    op.drop_table("sandbox_clocks")
