"""webhook attempts: the Plaid-Verification header each attempt was sent with

Revision ID: da7a00000013
Revises: da7a0000000f
Create Date: 2026-12-02 19:30:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "da7a00000013"
down_revision = "da7a0000000f"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("webhook_attempts") as batch_op:
        batch_op.add_column(sa.Column("verification", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("webhook_attempts") as batch_op:
        batch_op.drop_column("verification")
