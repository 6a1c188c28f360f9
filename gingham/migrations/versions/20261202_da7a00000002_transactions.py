"""transactions

Revision ID: da7a00000002
Revises: da7a00000001
Create Date: 2026-12-02 09:02:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import gingham.db

revision = "da7a00000002"
down_revision = "da7a00000001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "transactions_items",
        sa.Column("item_id", sa.String(length=37), nullable=False),
        sa.Column("last_sequence", sa.BigInteger(), nullable=False),
        sa.Column("initial_pulled_at", gingham.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("historical_pulled_at", gingham.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("history_start", sa.Date(), nullable=True),
        sa.Column("pulled_through", sa.Date(), nullable=True),
        sa.Column("pulled_accounts", sa.JSON(), nullable=False),
        sa.Column("sync_used", sa.Boolean(), nullable=False),
        sa.Column("last_pull_at", gingham.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("recurring_updated_at", gingham.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["items.id"],
            name=op.f("fk_transactions_items_item_id_items"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("item_id", name=op.f("pk_transactions_items")),
    )
    op.create_table(
        "transactions",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("item_id", sa.String(length=37), nullable=False),
        sa.Column("account_id", sa.String(length=40), nullable=False),
        sa.Column("sequence", sa.BigInteger(), nullable=False),
        sa.Column("added_sequence", sa.BigInteger(), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("pending", sa.Boolean(), nullable=False),
        sa.Column("removed", sa.Boolean(), nullable=False),
        sa.Column("amount", sa.Float(), nullable=False),
        sa.Column("stream", sa.String(length=80), nullable=True),
        sa.Column("wire", sa.Text(), nullable=False),
        sa.Column("original_description", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["items.id"],
            name=op.f("fk_transactions_item_id_items"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_transactions")),
    )
    with op.batch_alter_table("transactions", schema=None) as batch_op:
        batch_op.create_index(
            "ix_transactions_item_id_sequence", ["item_id", "sequence"], unique=True
        )
        batch_op.create_index("ix_transactions_item_id_date", ["item_id", "date"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("transactions", schema=None) as batch_op:
        batch_op.drop_index("ix_transactions_item_id_date")
        batch_op.drop_index("ix_transactions_item_id_sequence")
    op.drop_table("transactions")
    op.drop_table("transactions_items")
