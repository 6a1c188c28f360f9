"""assets: asset reports, their Items and audit copies

Revision ID: da7a00000005
Revises: da7a00000004
Create Date: 2026-12-02 12:00:00.000000
"""

from __future__ import annotations

revision = "da7a00000005"
down_revision = "da7a00000004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
