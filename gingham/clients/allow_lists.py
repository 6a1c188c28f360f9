"""A client's allow-lists, kept per environment as Plaid's dashboard keeps them: the redirect URIs
(gingham.clients.redirect_uris) and Android package names (gingham.clients.android_packages)
that /link/token/create accepts.

Both lists behave alike — add, list, remove, and check a link token's value — and differ only
in how a value becomes an entry and which entries admit a value; each kind says so in its
`AllowList`.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import InstrumentedAttribute, Session

from gingham import errors
from gingham.clients.models import AllowedAndroidPackage, AllowedRedirectUri
from gingham.db import Base, add_once


@dataclass(frozen=True, slots=True)
class AllowList:
    # The request field that names one entry, and the response key of the whole list.
    field: str
    listed_as: str
    # What the entries are called in messages ("redirect URIs"), and the CLI argument naming one.
    entries: str
    argument: str
    model: type[AllowedRedirectUri] | type[AllowedAndroidPackage]
    column: InstrumentedAttribute[str]
    # (value, environment) → the entry as stored, or INVALID_FIELD saying what to change.
    entry_of: Callable[[str, str], str]
    # (value, environment) → the entry a removal names; values the rules refuse may still name
    # an entry stored under older rules.
    removal_entry_of: Callable[[str, str], str]
    # (value, environment, entries) → whether the entries admit a link token's value (or
    # INVALID_FIELD when the value breaks the rules).
    admits: Callable[[str, str, list[str]], bool]
    # (client_id, environment, value) → why a link token's value is refused.
    refusal: Callable[[str, str, str], str]


def list_entries(
    session: Session, allow_list: AllowList, client_id: str, environment: str
) -> list[str]:
    return list(
        session.scalars(
            select(allow_list.column)
            .where(
                allow_list.model.client_id == client_id,
                allow_list.model.environment == environment,
            )
            .order_by(allow_list.column)
        )
    )


def _row(
    session: Session, allow_list: AllowList, client_id: str, environment: str, entry: str
) -> Base | None:
    model = allow_list.model
    return session.scalar(
        select(model).where(
            model.client_id == client_id,
            model.environment == environment,
            allow_list.column == entry,
        )
    )


def add(
    session: Session,
    allow_list: AllowList,
    client_id: str,
    environment: str,
    value: str,
    now: datetime,
) -> tuple[str, bool]:
    """Allow `value` (after the list's rules): the stored entry, and whether it is new."""
    entry = allow_list.entry_of(value, environment)
    if _row(session, allow_list, client_id, environment, entry) is not None:
        return entry, False
    row = allow_list.model(
        id=uuid.uuid4().hex,
        client_id=client_id,
        environment=environment,
        created_at=now,
        **{allow_list.column.key: entry},
    )
    return entry, add_once(session, row)


def remove(
    session: Session, allow_list: AllowList, client_id: str, environment: str, value: str
) -> tuple[str, bool]:
    """Remove the entry `value` names: the entry, and whether there was one."""
    entry = allow_list.removal_entry_of(value, environment)
    row = _row(session, allow_list, client_id, environment, entry)
    if row is None:
        return entry, False
    session.delete(row)
    session.flush()
    return entry, True


def check(
    session: Session, allow_list: AllowList, client_id: str, environment: str, value: str
) -> None:
    """A value of /link/token/create: within the rules, and admitted by the client's list for
    its environment; INVALID_FIELD otherwise."""
    entries = list_entries(session, allow_list, client_id, environment)
    if not allow_list.admits(value, environment, entries):
        raise errors.invalid_field(allow_list.refusal(client_id, environment, value))
