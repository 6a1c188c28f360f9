"""users: /user/create's users, and the user a link token was created for

Revision ID: 1f0e11fe0012
Revises: 1f0e11fe0011
Create Date: 2026-11-21 23:18:21.672850
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import gingham.db

revision = "1f0e11fe0012"
down_revision = "1f0e11fe0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.String(length=37), nullable=False),
        sa.Column("client_id", sa.String(length=32), nullable=False),
        sa.Column("environment", sa.String(length=16), nullable=False),
        sa.Column("client_user_id", sa.String(length=128), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", gingham.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["api_clients.id"],
            name=op.f("fk_users_client_id_api_clients"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint(
            "client_id", "environment", "client_user_id", name=op.f("uq_users_client_id")
        ),
        sa.UniqueConstraint("token_hash", name=op.f("uq_users_token_hash")),
    )
    with op.batch_alter_table("link_tokens", schema=None) as batch_op:
        batch_op.add_column(sa.Column("user_id", sa.String(length=37), nullable=True))
        batch_op.create_index(batch_op.f("ix_link_tokens_user_id"), ["user_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_link_tokens_user_id_users"),
            "users",
            ["user_id"],
            ["id"],
            ondelete="CASCADE",
        )


def downgrade() -> None:
    with op.batch_alter_table("link_tokens", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_link_tokens_user_id_users"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_link_tokens_user_id"))
        batch_op.drop_column("user_id")

    op.drop_table("users")
