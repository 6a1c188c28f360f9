"""transactions

Revision ID: da7a00000002
Revises: da7a00000001
Create Date: 2026-12-02 09:02:00.000000
"""

from __future__ import annotations

revision = "da7a00000002"
down_revision = "da7a00000001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
