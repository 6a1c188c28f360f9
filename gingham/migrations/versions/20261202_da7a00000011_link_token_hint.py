"""link tokens: a hint of each token (its kind, environment and last characters) for Link logs

Revision ID: da7a00000011
Revises: da7a0000000e
Create Date: 2026-12-02 19:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "da7a00000011"
down_revision = "da7a0000000e"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Tokens made before have no hint: only their hashes were kept.
    with op.batch_alter_table("link_tokens") as batch_op:
        batch_op.add_column(sa.Column("token_hint", sa.String(length=40), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("link_tokens") as batch_op:
        batch_op.drop_column("token_hint")
