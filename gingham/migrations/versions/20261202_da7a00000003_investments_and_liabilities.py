"""investments and liabilities

Revision ID: da7a00000003
Revises: da7a00000002
Create Date: 2026-12-02 09:03:00.000000
"""

from __future__ import annotations

revision = "da7a00000003"
down_revision = "da7a00000002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
