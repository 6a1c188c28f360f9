"""Connections guests saved with their phone number, for the next Link session to offer.

Saving again at the same institution replaces what was saved there: the accounts shared the
last time are the ones offered next time.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from gingham.link.models import RememberedConnection
from gingham.link.sandbox_profiles import SavedConnection


def remembered_connections(
    session: Session, environment: str, phone_number: str
) -> list[SavedConnection]:
    rows = session.scalars(
        select(RememberedConnection)
        .where(
            RememberedConnection.environment == environment,
            RememberedConnection.phone_number == phone_number,
        )
        .order_by(RememberedConnection.remembered_at, RememberedConnection.id)
    )
    return [
        SavedConnection(row.institution_id, row.username, tuple(row.masks), reusable=True)
        for row in rows
    ]


def remember(
    session: Session,
    environment: str,
    phone_number: str,
    institution_id: str,
    username: str,
    masks: Sequence[str],
    now: datetime,
) -> None:
    row = session.scalars(
        select(RememberedConnection).where(
            RememberedConnection.environment == environment,
            RememberedConnection.phone_number == phone_number,
            RememberedConnection.institution_id == institution_id,
        )
    ).one_or_none()
    if row is None:
        row = RememberedConnection(
            id=str(uuid.uuid4()),
            environment=environment,
            phone_number=phone_number,
            institution_id=institution_id,
        )
        session.add(row)
    row.username = username
    row.masks = list(masks)
    row.remembered_at = now
    session.flush()
