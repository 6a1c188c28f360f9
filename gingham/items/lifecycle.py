"""How Items go bad and get better: why, what changes, and the webhooks each change sends.

Every change here happens in the caller's transaction, with its webhooks queued in the same
transaction (gingham.webhooks.outbox). Changes that follow from time passing — a consent's expiry,
a revoked consent being noticed — are sandbox-clock timers whose handlers are registered here.
Changes at the bank reach Items of every client made with the same login; each of those Items
sees its own client's sandbox time (`client_now`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import Session

from gingham import errors
from gingham.accounts.models import Account
from gingham.institutions.catalogue import find
from gingham.items import service
from gingham.items.models import Item, ItemOAuthConnection
from gingham.items.service import ItemRecord
from gingham.sandbox_clock.offsets import client_now
from gingham.sandbox_clock.timers import TimerContext, TimerHandler, cancel_timers, schedule_timer
from gingham.transactions import timers as transactions_timers
from gingham.webhooks.outbox import enqueue_webhook
from gingham.wire.json import format_timestamp_ms


class Cause(StrEnum):
    """Why an Item needs its user back (Item.error_cause)."""

    SANDBOX_RESET = "sandbox_reset"  # /sandbox/item/reset_login
    PASSWORD_CHANGED = "password_changed"  # a new password at a credential bank
    OTP_EXPIRED = "otp_expired"  # the bank wants a new one-time code from the user's device
    CONSENT_REVOKED = "consent_revoked"  # the user withdrew consent at the OAuth bank
    CONSENT_EXPIRED = "consent_expired"  # the OAuth bank's consent has expired
    # the user's consent through Data Transparency Messaging has expired (no bank consent)
    DATA_CONSENT_EXPIRED = "data_consent_expired"
    OAUTH_MIGRATION = "oauth_migration"  # the institution moved to OAuth
    DUPLICATE_LOGIN = "duplicate_login"  # a newer Item for the same login replaced it (Chase)


# Causes that belong to the bank login rather than to one app's access: fixing the login in any
# app's update mode fixes every Item made with it, and they are told with LOGIN_REPAIRED.
LOGIN_CAUSES = frozenset({Cause.PASSWORD_CHANGED, Cause.OTP_EXPIRED})

# Plaid's `error_code_reason` for ITEM_LOGIN_REQUIRED at OAuth institutions.
_REASONS: Mapping[Cause, str] = {
    Cause.CONSENT_REVOKED: "OAUTH_USER_REVOKED",
    Cause.CONSENT_EXPIRED: "OAUTH_CONSENT_EXPIRED",
    Cause.DUPLICATE_LOGIN: "OAUTH_INVALID_TOKEN",
}

_LOGIN_REQUIRED_MESSAGE = (
    "the login details of this item have changed (credentials, MFA, or required user action) "
    "and a user login is required to update this information. use Link's update mode to restore "
    "the item to a good state"
)

USER_PERMISSION_REVOKED = errors.ItemError(
    "USER_PERMISSION_REVOKED",
    "the holder of this account has revoked their permission for your application to access it",
)


def login_required(cause: Cause) -> errors.ItemError:
    """The ITEM_LOGIN_REQUIRED error an Item takes for `cause`."""
    return errors.ItemError(
        "ITEM_LOGIN_REQUIRED", _LOGIN_REQUIRED_MESSAGE, error_code_reason=_REASONS.get(cause)
    )


def notify(
    session: Session, item: ItemRecord, code: str, fields: Mapping[str, Any], now: datetime
) -> None:
    """Queue an ITEM webhook about `item` (nothing when it has no webhook URL)."""
    enqueue_webhook(
        session,
        item=item,
        webhook_type="ITEM",
        webhook_code=code,
        fields={"item_id": item.id, **fields},
        now=now,
    )


# --- Going bad --------------------------------------------------------------------------------


def require_login(
    session: Session, item: ItemRecord, cause: Cause, now: datetime, *, again: bool = False
) -> ItemRecord:
    """Put the Item into ITEM_LOGIN_REQUIRED for `cause` and send ITEM / ERROR.

    An Item already unhealthy keeps its error and is not told twice, unless `again` (the sandbox's
    reset_login, which always resets). Removed Items are left alone.
    """
    if item.removed_at is not None or (item.error is not None and not again):
        return item
    error = login_required(cause)
    session.execute(
        update(Item)
        .where(Item.id == item.id)
        .values(error=error.stored(), error_cause=cause.value, error_at=now)
    )
    notify(session, item, "ERROR", {"error": error.webhook_body()}, now)
    return replace(item, error=error.stored(), error_cause=cause.value, error_at=now)


def live_items_of_login(
    session: Session, login: str, *, exclude: str | None = None
) -> list[ItemRecord]:
    """Every client's live Items made with one bank login."""
    return service.items_where(
        session,
        Item.login_id == login,
        Item.removed_at.is_(None),
        *([Item.id != exclude] if exclude else []),
    )


# --- Getting better ---------------------------------------------------------------------------


def repair(
    session: Session,
    item: ItemRecord,
    now: datetime,
    *,
    real_now: datetime,
    credential_login: bool,
) -> None:
    """The user completed update mode for `item`: it is healthy again.

    After a successful sign-in with the login's current credentials (`credential_login`), every
    other Item made with that login whose trouble was the login itself is repaired too, and
    their clients are told with LOGIN_REPAIRED.
    """
    _clear_error(session, item.id)
    transactions_timers.after_repair(session, replace(item, error=None), now)
    if not credential_login or item.login_id is None:
        return
    for other in live_items_of_login(session, item.login_id, exclude=item.id):
        if other.error_cause in LOGIN_CAUSES:
            _clear_error(session, other.id)
            other_now = client_now(session, other.client_id, real_now)
            notify(session, other, "LOGIN_REPAIRED", {}, other_now)
            transactions_timers.after_repair(session, replace(other, error=None), other_now)


def _clear_error(session: Session, item_id: str) -> None:
    session.execute(
        update(Item).where(Item.id == item_id).values(error=None, error_cause=None, error_at=None)
    )


# --- OAuth consents -----------------------------------------------------------------------------

CONSENT_EXPIRING = "item.consent_expiring"
CONSENT_EXPIRED = "item.consent_expired"
CONSENT_CHECK = "item.consent_check"
# How long a user's consent through Data Transparency Messaging lasts: "After a user reauthorizes
# consent, Plaid will update the consent expiration timestamp on the Item to be 12 months in the
# future."
DATA_CONSENT_LIFETIME = timedelta(days=365)
# Plaid warns a week ahead of a consent's expiry.
EXPIRY_WARNING = timedelta(days=7)
# "If an end user revokes consent, the Item will enter an ITEM_LOGIN_REQUIRED state after
# approximately 24-48 hours": each Item notices at a fixed point of that window, derived from its
# id, so that runs repeat.
REVOCATION_NOTICED_AFTER = (timedelta(hours=24), timedelta(hours=48))
# Countries where Plaid warns with PENDING_EXPIRATION; elsewhere (US, CA) with PENDING_DISCONNECT.
_PENDING_EXPIRATION_COUNTRIES = frozenset(
    {"GB", "FR", "ES", "NL", "DE", "IE", "IT", "DK", "EE", "LT", "LV", "NO", "PL", "PT", "SE", "BE"}
)


def schedule_consent_timers(
    session: Session,
    item: ItemRecord,
    consent_id: str | None,
    expires_at: datetime | None,
    now: datetime,
) -> None:
    """Warn of and apply the expiry of the bank's consent `consent_id`, or of the user's Data
    Transparency Messaging consent (None)."""
    for kind in (CONSENT_EXPIRING, CONSENT_EXPIRED, CONSENT_CHECK):
        cancel_timers(session, item.client_id, subject_id=item.id, kind=kind)
    if expires_at is None:
        return
    payload = {"consent_id": consent_id, "expires_at": format_timestamp_ms(expires_at)}
    schedule_timer(
        session,
        item.client_id,
        due_at=max(now, expires_at - EXPIRY_WARNING),
        kind=CONSENT_EXPIRING,
        subject_id=item.id,
        payload=payload,
    )
    schedule_timer(
        session,
        item.client_id,
        due_at=expires_at,
        kind=CONSENT_EXPIRED,
        subject_id=item.id,
        payload=payload,
    )


def _current_consent(session: Session, item: ItemRecord, payload: Mapping[str, Any]) -> bool:
    """Whether the Item still rests on the consent a timer was set for: the bank's consent
    (update mode replaces it), or for Data Transparency Messaging the user's consent to Plaid,
    which a renewal moves to a new expiry."""
    if item.removed_at is not None:
        return False
    consent_id = payload["consent_id"]
    if consent_id is None:
        return item.consent_expires_at is not None and format_timestamp_ms(
            item.consent_expires_at
        ) == payload.get("expires_at")
    connection = session.get(ItemOAuthConnection, item.id)
    return connection is not None and connection.bank_consent_id == consent_id


def _warn_of_expiry(timer: TimerContext) -> None:
    item = service.item_by_id(timer.session, timer.timer.subject_id or "")
    if item is None or not _current_consent(timer.session, item, timer.timer.payload):
        return
    if item.consent_expires_at is None:
        return
    institution = find(item.institution_id or "")
    countries = set(institution.country_codes) if institution else set()
    if countries & _PENDING_EXPIRATION_COUNTRIES:
        notify(
            timer.session,
            item,
            "PENDING_EXPIRATION",
            {"consent_expiration_time": format_timestamp_ms(item.consent_expires_at)},
            timer.now,
        )
    else:
        notify(
            timer.session,
            item,
            "PENDING_DISCONNECT",
            {
                "reason": "INSTITUTION_TOKEN_EXPIRATION",
                "disconnect_time": format_timestamp_ms(item.consent_expires_at),
            },
            timer.now,
        )


def _expire(timer: TimerContext) -> None:
    item = service.item_by_id(timer.session, timer.timer.subject_id or "")
    if item is None or not _current_consent(timer.session, item, timer.timer.payload):
        return
    bank_consent = timer.timer.payload["consent_id"] is not None
    cause = Cause.CONSENT_EXPIRED if bank_consent else Cause.DATA_CONSENT_EXPIRED
    require_login(timer.session, item, cause, timer.now)


def revocation_noticed_at(item_id: str, revoked_at: datetime) -> datetime:
    """When Gingham notices a consent the user withdrew at the bank at `revoked_at`."""
    earliest, latest = REVOCATION_NOTICED_AFTER
    spread = int((latest - earliest).total_seconds())
    digest = int.from_bytes(hashlib.sha256(item_id.encode()).digest()[:8], "big")
    return revoked_at + earliest + timedelta(seconds=digest % (spread + 1))


def consent_changed_at_bank(session: Session, item: ItemRecord, now: datetime) -> datetime:
    """The user changed the Item's consent at the bank (revoked it, or one account of it) at the
    client's `now`: Gingham finds out at its next check of the Item, 24 to 48 hours later. Returns
    when that check is due."""
    connection = session.get(ItemOAuthConnection, item.id)
    assert connection is not None
    due = revocation_noticed_at(item.id, now)
    cancel_timers(session, item.client_id, subject_id=item.id, kind=CONSENT_CHECK)
    schedule_timer(
        session,
        item.client_id,
        due_at=due,
        kind=CONSENT_CHECK,
        subject_id=item.id,
        payload={"consent_id": connection.bank_consent_id},
    )
    return due


def _check_consent(timer: TimerContext) -> None:
    """Compare the Item with its consent at the bank. (The simulated bank keeps its consents in
    Gingham's database, so the check reads them directly rather than over HTTP.)"""
    from gingham.oauth_bank import service as bank
    from gingham.oauth_bank.models import ConsentStatus

    session = timer.session
    consent_id = timer.timer.payload["consent_id"]
    item = service.item_by_id(session, timer.timer.subject_id or "")
    if item is None or not _current_consent(session, item, timer.timer.payload):
        return
    consent = bank.consent_for(session, consent_id)
    if consent is None:
        return
    if bank.consent_status(consent, timer.now) is ConsentStatus.REVOKED:
        notify(
            session,
            item,
            "USER_PERMISSION_REVOKED",
            {"error": USER_PERMISSION_REVOKED.webhook_body()},
            timer.now,
        )
        require_login(session, item, Cause.CONSENT_REVOKED, timer.now)
        return
    # Accounts the user stopped sharing are treated as closed: no webhook, and the API stops
    # returning them.
    revoked = set(consent.revoked_account_ids)
    if revoked:
        session.execute(
            update(Account)
            .where(
                Account.item_id == item.id,
                Account.bank_account_id.in_(revoked),
                Account.unshared_at.is_(None),
            )
            .values(unshared_at=timer.now)
        )


TIMER_HANDLERS: dict[str, TimerHandler] = {
    CONSENT_EXPIRING: _warn_of_expiry,
    CONSENT_EXPIRED: _expire,
    CONSENT_CHECK: _check_consent,
}
