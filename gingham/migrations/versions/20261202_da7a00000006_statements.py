"""statements: the statement windows of Items and their refreshes

Revision ID: da7a00000006
Revises: da7a00000005
Create Date: 2026-12-02 12:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from gingham.db import UTCDateTime

revision = "da7a00000006"
down_revision = "da7a00000005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "statement_refreshes",
        sa.Column("id", sa.String(length=37), nullable=False),
        sa.Column("item_id", sa.String(length=37), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=False),
        sa.Column("requested_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("completed_at", UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["items.id"],
            name=op.f("fk_statement_refreshes_item_id_items"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_statement_refreshes")),
    )
    with op.batch_alter_table("statement_refreshes") as batch_op:
        batch_op.create_index(
            batch_op.f("ix_statement_refreshes_item_id"), ["item_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("statement_refreshes") as batch_op:
        batch_op.drop_index(batch_op.f("ix_statement_refreshes_item_id"))
    op.drop_table("statement_refreshes")
