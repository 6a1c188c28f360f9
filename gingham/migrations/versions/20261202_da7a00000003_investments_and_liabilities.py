"""investments and liabilities

Revision ID: da7a00000003
Revises: da7a00000002
Create Date: 2026-12-02 09:03:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "da7a00000003"
down_revision = "da7a00000002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Liabilities are derived from the clock and the login's seed: only Investments keeps state.
    op.create_table(
        "investment_updates",
        sa.Column("item_id", sa.String(length=37), nullable=False),
        sa.Column("opening_balances", sa.JSON(), nullable=False),
        sa.Column("updated_through", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["items.id"],
            name=op.f("fk_investment_updates_item_id_items"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("item_id", name=op.f("pk_investment_updates")),
    )


def downgrade() -> None:
    op.drop_table("investment_updates")
