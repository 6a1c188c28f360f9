"""remembered connections: what a guest saved with their phone number in Link

Revision ID: da7a0000000a
Revises: da7a0000000b
Create Date: 2026-12-02 14:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from gingham.db import UTCDateTime

revision = "da7a0000000a"
down_revision = "da7a0000000b"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "link_remembered_connections",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("environment", sa.String(length=16), nullable=False),
        sa.Column("phone_number", sa.String(length=16), nullable=False),
        sa.Column("institution_id", sa.String(length=32), nullable=False),
        sa.Column("username", sa.String(length=256), nullable=False),
        sa.Column("masks", sa.JSON(), nullable=False),
        sa.Column("remembered_at", UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_link_remembered_connections")),
        sa.UniqueConstraint(
            "environment",
            "phone_number",
            "institution_id",
            name=op.f("uq_link_remembered_connections_environment"),
        ),
    )


def downgrade() -> None:
    op.drop_table("link_remembered_connections")
