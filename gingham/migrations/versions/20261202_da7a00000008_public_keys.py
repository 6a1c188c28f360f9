"""public keys: each client's legacy public_key and its per-environment switches

Revision ID: da7a00000008
Revises: da7a00000007
Create Date: 2026-12-02 12:00:00.000000
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from gingham.db import UTCDateTime

revision = "da7a00000008"
down_revision = "da7a00000007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "client_public_keys",
        sa.Column("client_id", sa.String(length=32), nullable=False),
        sa.Column("public_key", sa.String(length=30), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["api_clients.id"],
            name=op.f("fk_client_public_keys_client_id_api_clients"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("client_id", name=op.f("pk_client_public_keys")),
        sa.UniqueConstraint("public_key", name=op.f("uq_client_public_keys_public_key")),
    )
    op.create_table(
        "public_key_switches",
        sa.Column("client_id", sa.String(length=32), nullable=False),
        sa.Column("environment", sa.String(length=16), nullable=False),
        sa.Column("link_enabled", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column("api_enabled", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column("updated_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["api_clients.id"],
            name=op.f("fk_public_key_switches_client_id_api_clients"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("client_id", "environment", name=op.f("pk_public_key_switches")),
    )
    # Every client had a public key on Plaid's dashboard, so clients made before this revision
    # get theirs now, with both switches on (no switch row).
    connection = op.get_bind()
    client_ids = connection.execute(sa.text("SELECT id FROM api_clients")).scalars().all()
    if client_ids:
        keys = sa.table(
            "client_public_keys",
            sa.column("client_id", sa.String),
            sa.column("public_key", sa.String),
            sa.column("created_at", UTCDateTime(timezone=True)),
        )
        now = datetime.now(UTC)
        connection.execute(
            keys.insert(),
            [
                {"client_id": client_id, "public_key": secrets.token_hex(15), "created_at": now}
                for client_id in client_ids
            ],
        )


def downgrade() -> None:
    op.drop_table("public_key_switches")
    op.drop_table("client_public_keys")
