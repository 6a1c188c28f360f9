"""signal

Revision ID: da7a00000004
Revises: da7a00000003
Create Date: 2026-12-02 09:04:00.000000
"""

from __future__ import annotations

revision = "da7a00000004"
down_revision = "da7a00000003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
