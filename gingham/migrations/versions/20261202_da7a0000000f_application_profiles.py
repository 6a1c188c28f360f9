"""application profiles: each client's application and company profile, for /application/get

Revision ID: da7a0000000f
Revises: da7a00000011
Create Date: 2026-12-02 19:00:00.000000
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from gingham.db import UTCDateTime
from gingham.wire.ids import new_object_id

revision = "da7a0000000f"
down_revision = "da7a00000011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    profiles = op.create_table(
        "application_profiles",
        sa.Column("client_id", sa.String(length=32), nullable=False),
        sa.Column("application_id", sa.String(length=40), nullable=False),
        sa.Column("display_name", sa.String(length=100), nullable=True),
        sa.Column("logo_url", sa.String(length=2048), nullable=True),
        sa.Column("application_url", sa.String(length=2048), nullable=True),
        sa.Column("reason_for_access", sa.String(length=1000), nullable=True),
        sa.Column("use_case", sa.String(length=100), nullable=True),
        sa.Column("company_legal_name", sa.String(length=200), nullable=True),
        sa.Column("street_address", sa.String(length=200), nullable=True),
        sa.Column("city", sa.String(length=100), nullable=True),
        sa.Column("region", sa.String(length=100), nullable=True),
        sa.Column("postal_code", sa.String(length=20), nullable=True),
        sa.Column("country_code", sa.String(length=2), nullable=True),
        sa.Column("updated_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["api_clients.id"],
            name=op.f("fk_application_profiles_client_id_api_clients"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("client_id", name=op.f("pk_application_profiles")),
        sa.UniqueConstraint("application_id", name=op.f("uq_application_profiles_application_id")),
    )
    assert profiles is not None
    # Clients made before profiles existed get an empty one, as new clients do.
    clients = op.get_bind().execute(sa.text("SELECT id FROM api_clients")).scalars().all()
    if clients:
        now = datetime.now(UTC)
        op.bulk_insert(
            profiles,
            [
                {"client_id": client_id, "application_id": new_object_id(), "updated_at": now}
                for client_id in clients
            ],
        )


def downgrade() -> None:
    op.drop_table("application_profiles")
