"""Institutions as they are now: the catalogue's, with what the bank simulation changed.

Every reader that cares about an institution's health or how its users sign in (Link, the OAuth
bank, /institutions/*) reads it here rather than from the catalogue. An institution the
simulation never touched has no row, so reading one costs a single primary-key query, and a
listing one query of the (small) state table.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from gingham.institutions import catalogue
from gingham.institutions.catalogue import Health, LoginKind, SandboxInstitution
from gingham.institutions.models import InstitutionState
from gingham.items.models import Item, ItemOAuthConnection

# Outside North America, a migrated bank is an open-banking one: its users' consent must be
# renewed every 90 days. North American banks keep the catalogue's (no expiry), and are the ones
# Plaid's `oauth` field is late for (see `listing`).
_NORTH_AMERICA = frozenset({"US", "CA"})
_OPEN_BANKING_CONSENT_DAYS = 90


def layered(institution: SandboxInstitution, state: InstitutionState | None) -> SandboxInstitution:
    """`institution` with `state` applied: its health, and OAuth from the start of a migration."""
    if state is None:
        return institution
    changes: dict[str, Any] = {}
    if state.health is not None:
        changes["health"] = Health(state.health)
    if state.oauth_migration_started_at is not None:
        changes.update(oauth=True, login=LoginKind.OAUTH)
        if _NORTH_AMERICA.isdisjoint(institution.country_codes):
            changes["consent_days"] = _OPEN_BANKING_CONSENT_DAYS
    return replace(institution, **changes) if changes else institution


def effective_institution(session: Session, institution_id: str) -> SandboxInstitution | None:
    """The institution with this id as it is now, or None if the catalogue has none."""
    institution = catalogue.find(institution_id)
    if institution is None:
        return None
    return layered(institution, session.get(InstitutionState, institution_id))


def states(session: Session) -> dict[str, InstitutionState]:
    return {state.institution_id: state for state in session.scalars(select(InstitutionState))}


def effective_institutions(
    session: Session, institutions: Iterable[SandboxInstitution] = catalogue.CATALOGUE
) -> list[SandboxInstitution]:
    """`institutions` (by default the whole catalogue, in its order) as they are now."""
    known = states(session)
    return [layered(i, known.get(i.institution_id)) for i in institutions]


def migration_ends_at(state: InstitutionState) -> datetime | None:
    if state.oauth_migration_started_at is None or state.oauth_migration_window_days is None:
        return None
    return state.oauth_migration_started_at + timedelta(days=state.oauth_migration_window_days)


@dataclass(frozen=True, slots=True)
class Listing:
    """The institutions as /institutions/* shows them to one client, in catalogue order, and when
    the status of those the simulation changed last changed."""

    institutions: tuple[SandboxInstitution, ...]
    status_changed_at: Mapping[str, datetime]


def listing(session: Session, client_id: str, now: datetime) -> Listing:
    """What /institutions/* tells a client at its time `now`.

    For non-European institutions Plaid's `oauth` field "will only be set to true for
    institutions that have fully completed the migration to OAuth and do not have any active
    Items on non-OAuth connections" (OAuth guide): here, once the migration window has passed in
    the client's time and none of the client's live Items there still signs in with credentials.
    Link uses OAuth there from the start of the migration.
    """
    known = states(session)
    migrating = [i for i, state in known.items() if state.oauth_migration_started_at is not None]
    on_credentials = set(_with_credential_items(session, client_id, migrating) if migrating else ())
    institutions = []
    for institution in catalogue.CATALOGUE:
        state = known.get(institution.institution_id)
        shown = layered(institution, state)
        ends_at = migration_ends_at(state) if state is not None else None
        if (
            ends_at is not None
            and not _NORTH_AMERICA.isdisjoint(institution.country_codes)
            and (now < ends_at or institution.institution_id in on_credentials)
        ):
            shown = replace(shown, oauth=institution.oauth, login=institution.login)
        institutions.append(shown)
    return Listing(
        tuple(institutions),
        {
            state.institution_id: state.health_changed_at
            for state in known.values()
            if state.health_changed_at is not None
        },
    )


def _with_credential_items(
    session: Session, client_id: str, institution_ids: list[str]
) -> Iterable[str | None]:
    """Which of these institutions the client still has live non-OAuth Items at."""
    return session.scalars(
        select(Item.institution_id)
        .where(
            Item.client_id == client_id,
            Item.institution_id.in_(institution_ids),
            Item.removed_at.is_(None),
            ~exists().where(ItemOAuthConnection.item_id == Item.id),
        )
        .distinct()
    ).all()
