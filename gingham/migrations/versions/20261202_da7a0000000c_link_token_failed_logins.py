"""link tokens: failed logins counted per token, across its Link sessions

Revision ID: da7a0000000c
Revises: da7a0000000a
Create Date: 2026-12-02 14:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "da7a0000000c"
down_revision = "da7a0000000a"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("link_tokens") as batch_op:
        batch_op.add_column(
            sa.Column("failed_logins", sa.Integer(), server_default="0", nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("link_tokens") as batch_op:
        batch_op.drop_column("failed_logins")
