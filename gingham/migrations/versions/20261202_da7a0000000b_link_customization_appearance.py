"""link customizations: background colour, text strings and the institutions Link features

Revision ID: da7a0000000b
Revises: da7a00000009
Create Date: 2026-12-02 14:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "da7a0000000b"
down_revision = "da7a00000009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("link_customizations") as batch:
        batch.add_column(sa.Column("background_color", sa.String(length=7), nullable=True))
        batch.add_column(sa.Column("text_strings", sa.JSON(), nullable=True))
        # Customizations saved before this chose no institutions: Link's own list.
        batch.add_column(
            sa.Column(
                "institution_select",
                sa.String(length=16),
                server_default="AUTOMATIC",
                nullable=False,
            )
        )
        batch.add_column(sa.Column("featured_institutions", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("link_customizations") as batch:
        batch.drop_column("featured_institutions")
        batch.drop_column("institution_select")
        batch.drop_column("text_strings")
        batch.drop_column("background_color")
