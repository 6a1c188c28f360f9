"""user_custom's per-account product data (transactions, identity, holdings, liabilities…)

Revision ID: da7a00000001
Revises: 1f0e11fe0013
Create Date: 2026-12-02 09:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "da7a00000001"
down_revision = "1f0e11fe0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("accounts") as batch_op:
        batch_op.add_column(sa.Column("product_data", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("accounts") as batch_op:
        batch_op.drop_column("product_data")
