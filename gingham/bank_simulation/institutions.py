"""Institution-wide events at the banks: degraded or down status, migration to OAuth.

A status change is seen at once by Link (the degraded warning, the down error) and by
/institutions/*. A migration to OAuth follows Plaid's OAuth guide: new Links at the institution
use OAuth from its start, and the Items already there are moved into ITEM_LOGIN_REQUIRED
gradually over the migration window (90 days by default), each on its own client's clock; US and
Canadian Items hear PENDING_DISCONNECT a week before. Completing update mode — through the bank's
OAuth pages, as the institution now asks — converts an Item to an OAuth connection, and an Item
converted (or removed) before its turn is left alone.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from gingham import errors
from gingham.db import add_once
from gingham.institutions import catalogue
from gingham.institutions.catalogue import Health, SandboxInstitution
from gingham.institutions.models import InstitutionState
from gingham.institutions.state import layered
from gingham.items import lifecycle
from gingham.items import service as items_service
from gingham.items.models import Item, ItemOAuthConnection
from gingham.items.service import ItemRecord
from gingham.sandbox_clock.offsets import client_now
from gingham.sandbox_clock.timers import TimerContext, TimerHandler, schedule_timer
from gingham.wire.context import JSONObject, RequestContext
from gingham.wire.endpoint import Endpoint
from gingham.wire.json import format_datetime, format_timestamp_ms
from gingham.wire.validation import Schema

DEFAULT_MIGRATION_WINDOW_DAYS = 90
MAX_MIGRATION_WINDOW_DAYS = 365
# Plaid warns a week ahead that an Item will stop working (PENDING_DISCONNECT, US and Canada).
DISCONNECT_WARNING = timedelta(days=7)
_WARNED_COUNTRIES = frozenset({"US", "CA"})

MIGRATION_WARNING = "institution.oauth_migration_warning"
MIGRATION_LOGIN_REQUIRED = "institution.oauth_migration"


def _institution(institution_id: str) -> SandboxInstitution:
    institution = catalogue.find(institution_id)
    if institution is None:
        raise errors.InvalidInput(
            "INVALID_INSTITUTION", f"invalid institution_id provided: {institution_id}"
        )
    return institution


def _locked_state(session: Session, institution_id: str) -> InstitutionState:
    """The institution's state row, created if need be and locked until the transaction ends, so
    that two changes to one institution happen one after the other."""
    blank = InstitutionState(
        institution_id=institution_id,
        health=None,
        health_changed_at=None,
        oauth_migration_started_at=None,
        oauth_migration_window_days=None,
    )
    if session.get(InstitutionState, institution_id) is None:
        add_once(session, blank)
    state = session.get(
        InstitutionState, institution_id, with_for_update=True, populate_existing=True
    )
    assert state is not None
    return state


# --- Status -------------------------------------------------------------------------------------


def set_status(
    session: Session, institution_id: str, status: Health, *, real_now: datetime
) -> tuple[SandboxInstitution, InstitutionState]:
    """The institution becomes healthy, degraded or down (its `item_logins` status). Link warns
    about a degraded one and refuses a down one, as for Plaid's unhealthy sandbox banks."""
    institution = _institution(institution_id)
    state = _locked_state(session, institution_id)
    if layered(institution, state).health is not status:
        # The catalogue's own health is stored as no override.
        state.health = None if status is institution.health else status.value
        state.health_changed_at = real_now
        session.flush()
    return layered(institution, state), state


# --- Migration to OAuth -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ScheduledBreak:
    """When, in its client's time, an Item is moved into ITEM_LOGIN_REQUIRED, and warned."""

    item_id: str
    client_id: str
    login_required_at: datetime
    pending_disconnect_at: datetime | None


@dataclass(frozen=True, slots=True)
class Migration:
    institution: SandboxInstitution
    state: InstitutionState
    breaks: list[ScheduledBreak]


def migrate_to_oauth(
    session: Session,
    institution_id: str,
    *,
    window_days: int = DEFAULT_MIGRATION_WINDOW_DAYS,
    real_now: datetime,
) -> Migration:
    """The institution moves to OAuth now: new Links sign in at its OAuth bank, and each live
    credential Item there, of every client, has its turn to need its user spread over the
    window, starting at its client's current time."""
    institution = _institution(institution_id)
    if not 1 <= window_days <= MAX_MIGRATION_WINDOW_DAYS:
        raise errors.invalid_field(
            f"window_days must be from 1 to {MAX_MIGRATION_WINDOW_DAYS} (got {window_days})"
        )
    if institution.oauth:
        raise errors.invalid_field(
            f"{institution.name} ({institution_id}) already uses OAuth; only institutions whose "
            "users sign in with credentials can migrate to it"
        )
    state = _locked_state(session, institution_id)
    if state.oauth_migration_started_at is not None:
        raise errors.invalid_field(
            f"{institution.name} ({institution_id}) has been migrating to OAuth since "
            f"{format_datetime(state.oauth_migration_started_at)}; a migration happens once"
        )
    state.oauth_migration_started_at = real_now
    state.oauth_migration_window_days = window_days
    session.flush()
    warned = not _WARNED_COUNTRIES.isdisjoint(institution.country_codes)
    breaks = []
    for client_id, item_ids in sorted(_credential_items(session, institution_id).items()):
        start = client_now(session, client_id, real_now)
        breaks += _schedule_breaks(
            session, client_id, item_ids, institution_id, start, window_days, warned=warned
        )
    return Migration(layered(institution, state), state, breaks)


def _credential_items(session: Session, institution_id: str) -> dict[str, list[str]]:
    """Every client's live Items at the institution that sign in with credentials."""
    by_client: dict[str, list[str]] = defaultdict(list)
    for item_id, client_id in session.execute(
        select(Item.id, Item.client_id).where(
            Item.institution_id == institution_id,
            Item.removed_at.is_(None),
            ~exists().where(ItemOAuthConnection.item_id == Item.id),
        )
    ):
        by_client[client_id].append(item_id)
    return by_client


def _schedule_breaks(
    session: Session,
    client_id: str,
    item_ids: list[str],
    institution_id: str,
    start: datetime,
    window_days: int,
    *,
    warned: bool,
) -> list[ScheduledBreak]:
    """One client's Items take their turns evenly over the window, in an order that follows from
    their ids (so that runs repeat), the last at its end: a client with a few Items sees them
    break one by one rather than together."""
    window = int(timedelta(days=window_days).total_seconds())
    ordered = sorted(item_ids, key=lambda item_id: hashlib.sha256(item_id.encode()).digest())
    breaks = []
    for turn, item_id in enumerate(ordered, start=1):
        breaks_at = start + timedelta(seconds=window * turn // len(ordered))
        payload = {
            "institution_id": institution_id,
            "disconnect_time": format_timestamp_ms(breaks_at),
        }
        warn_at = max(start, breaks_at - DISCONNECT_WARNING) if warned else None
        if warn_at is not None:
            schedule_timer(
                session,
                client_id,
                due_at=warn_at,
                kind=MIGRATION_WARNING,
                subject_id=item_id,
                payload=payload,
            )
        schedule_timer(
            session,
            client_id,
            due_at=breaks_at,
            kind=MIGRATION_LOGIN_REQUIRED,
            subject_id=item_id,
            payload=payload,
        )
        breaks.append(ScheduledBreak(item_id, client_id, breaks_at, warn_at))
    return breaks


def _still_on_credentials(timer: TimerContext) -> ItemRecord | None:
    """The timer's Item, unless it was removed or its user already moved it to OAuth."""
    item = items_service.item_by_id(timer.session, timer.timer.subject_id or "")
    if item is None or item.removed_at is not None:
        return None
    if timer.session.get(ItemOAuthConnection, item.id) is not None:
        return None
    return item


def _warn_of_disconnect(timer: TimerContext) -> None:
    item = _still_on_credentials(timer)
    if item is not None:
        lifecycle.notify(
            timer.session,
            item,
            "PENDING_DISCONNECT",
            {
                "reason": "INSTITUTION_MIGRATION",
                "disconnect_time": timer.timer.payload["disconnect_time"],
            },
            timer.now,
        )


def _require_oauth_login(timer: TimerContext) -> None:
    item = _still_on_credentials(timer)
    if item is not None:
        lifecycle.require_login(timer.session, item, lifecycle.Cause.OAUTH_MIGRATION, timer.now)


# --- Endpoints ----------------------------------------------------------------------------------

SET_STATUS_SCHEMA: Schema = {
    "type": "object",
    "required": ["institution_id", "status"],
    "properties": {
        "institution_id": {"type": "string", "minLength": 1},
        "status": {"type": "string", "enum": [health.value for health in Health]},
    },
}
MIGRATE_TO_OAUTH_SCHEMA: Schema = {
    "type": "object",
    "required": ["institution_id"],
    "properties": {
        "institution_id": {"type": "string", "minLength": 1},
        "window_days": {"type": "integer", "minimum": 1, "maximum": MAX_MIGRATION_WINDOW_DAYS},
    },
}


def set_status_endpoint(ctx: RequestContext, body: JSONObject) -> JSONObject:
    institution, state = set_status(
        ctx.session,
        body["institution_id"],
        Health(body["status"]),
        real_now=ctx.runtime.clock.now(),
    )
    return {
        "institution_id": institution.institution_id,
        "name": institution.name,
        "status": institution.health.value,
        "last_status_change": format_datetime(state.health_changed_at),
    }


def migrate_to_oauth_endpoint(ctx: RequestContext, body: JSONObject) -> JSONObject:
    real_now = ctx.runtime.clock.now()
    migration = migrate_to_oauth(
        ctx.session,
        body["institution_id"],
        window_days=int(body.get("window_days", DEFAULT_MIGRATION_WINDOW_DAYS)),
        real_now=real_now,
    )
    window_days = migration.state.oauth_migration_window_days
    assert window_days is not None
    # Times in the caller's sandbox time, like everything else it is told.
    started_at = client_now(ctx.session, ctx.caller.client_id, real_now)
    return {
        "institution_id": migration.institution.institution_id,
        "name": migration.institution.name,
        "started_at": format_datetime(started_at),
        "ends_at": format_datetime(started_at + timedelta(days=window_days)),
        "window_days": window_days,
        # Only the caller's own Items: other clients' are none of its business.
        "items": [
            {
                "item_id": scheduled.item_id,
                "pending_disconnect_at": format_datetime(scheduled.pending_disconnect_at),
                "login_required_at": format_datetime(scheduled.login_required_at),
            }
            for scheduled in migration.breaks
            if scheduled.client_id == ctx.caller.client_id
        ],
    }


ENDPOINTS: list[Endpoint] = [
    Endpoint("/_gingham/bank/institutions/set_status", set_status_endpoint, SET_STATUS_SCHEMA),
    Endpoint(
        "/_gingham/bank/institutions/migrate_to_oauth",
        migrate_to_oauth_endpoint,
        MIGRATE_TO_OAUTH_SCHEMA,
    ),
]


TIMER_HANDLERS: dict[str, TimerHandler] = {
    MIGRATION_WARNING: _warn_of_disconnect,
    MIGRATION_LOGIN_REQUIRED: _require_oauth_login,
}
