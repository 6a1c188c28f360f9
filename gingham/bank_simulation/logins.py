"""Events at a bank that concern one login: a new password, a new account, consent withdrawn.

Each changes what the sandbox bank holds, then what Gingham knows about the Items made with
that login, for every client: Items stop working after a password change, hear about a new
account, or (at an OAuth bank) lose access once Gingham notices the withdrawn consent.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from gingham import errors
from gingham.accounts.models import Account
from gingham.bank import logins
from gingham.bank.accounts import AccountTemplate
from gingham.institutions.catalogue import SandboxInstitution
from gingham.institutions.state import effective_institution
from gingham.items import lifecycle
from gingham.items.models import ItemOAuthConnection
from gingham.items.service import ItemRecord
from gingham.oauth_bank import service as bank
from gingham.oauth_bank.ledger import accounts_held
from gingham.oauth_bank.models import ConsentStatus
from gingham.sandbox_clock.offsets import client_now


@dataclass(frozen=True, slots=True)
class Affected:
    """An Item a bank event changed, and what it did to it."""

    item_id: str
    client_id: str
    outcome: str


def _institution(session: Session, institution_id: str) -> SandboxInstitution:
    """The institution as it is now (a migrated one is an OAuth institution)."""
    institution = effective_institution(session, institution_id)
    if institution is None:
        raise errors.InvalidInput(
            "INVALID_INSTITUTION", f"invalid institution_id provided: {institution_id}"
        )
    return institution


def change_password(
    session: Session,
    institution_id: str,
    username: str,
    password: str,
    *,
    real_now: datetime,
) -> list[Affected]:
    """The user sets a new password at a credential bank. Every Item made with the old one, of
    every client, goes into ITEM_LOGIN_REQUIRED at once and its client hears ITEM / ERROR; Link
    and /sandbox/public_token/create accept only the new password from now on."""
    institution = _institution(session, institution_id)
    if institution.oauth:
        raise errors.invalid_field(
            f"{institution.name} is an OAuth institution: its users sign in at the bank, and "
            "Gingham never sees their password. Revoke the Item's consent instead "
            "(/_gingham/bank/consent/revoke)"
        )
    logins.change_password(session, institution_id, username, password, real_now)
    return _break_login(
        session, institution_id, username, lifecycle.Cause.PASSWORD_CHANGED, real_now
    )


def expire_otp(
    session: Session, institution_id: str, username: str, *, real_now: datetime
) -> list[Affected]:
    """The bank stops trusting the one-time code the login's Items were made with: they go into
    ITEM_LOGIN_REQUIRED (ITEM / ERROR), and Link's update mode asks the user only for a new code
    from their device, not for their credentials."""
    institution = _institution(session, institution_id)
    if institution.oauth:
        raise errors.invalid_field(
            f"{institution.name} is an OAuth institution: one-time codes are the bank's "
            "business there"
        )
    logins.remember_login(session, institution_id, username, real_now)
    return _break_login(session, institution_id, username, lifecycle.Cause.OTP_EXPIRED, real_now)


def _break_login(
    session: Session,
    institution_id: str,
    username: str,
    cause: lifecycle.Cause,
    real_now: datetime,
) -> list[Affected]:
    affected = []
    for item in lifecycle.live_items_of_login(session, logins.login_id(institution_id, username)):
        now = client_now(session, item.client_id, real_now)
        changed = lifecycle.require_login(session, item, cause, now)
        affected.append(
            Affected(
                item.id,
                item.client_id,
                "ITEM_LOGIN_REQUIRED" if changed is not item else "already unhealthy",
            )
        )
    return affected


def open_account(
    session: Session,
    institution_id: str,
    username: str,
    account: dict[str, Any],
    *,
    real_now: datetime,
) -> tuple[AccountTemplate, list[Affected]]:
    """The user opens an account at the bank (described like an entry of user_custom's
    `override_accounts`). Every client with an Item on that login hears NEW_ACCOUNTS_AVAILABLE;
    no Item shares the account until its user adds it in Link's update mode. New Links see it."""
    institution = _institution(session, institution_id)
    if institution.oauth:
        held = tuple(a.template for a in accounts_held(session, institution, username))
    else:
        held = logins.accounts_of_login(session, institution_id, username)
    opened = logins.open_account(session, institution_id, username, held, account, real_now)
    affected = []
    for item in lifecycle.live_items_of_login(session, logins.login_id(institution_id, username)):
        now = client_now(session, item.client_id, real_now)
        lifecycle.notify(session, item, "NEW_ACCOUNTS_AVAILABLE", {"error": None}, now)
        affected.append(Affected(item.id, item.client_id, "NEW_ACCOUNTS_AVAILABLE"))
    return opened, affected


def revoke_consent(
    session: Session, item: ItemRecord, account_id: str | None, *, real_now: datetime
) -> datetime:
    """The user withdraws, at the OAuth bank, the consent behind `item` — or only the sharing of
    one of its accounts. The bank stops honouring it at once; Gingham notices at its next check
    of the Item, 24 to 48 hours later in the client's time, and then: the Item goes into
    ITEM_LOGIN_REQUIRED with USER_PERMISSION_REVOKED and ITEM / ERROR, or the one account stops
    being returned, without a webhook. Returns when Gingham will notice."""
    connection = session.get(ItemOAuthConnection, item.id)
    if connection is None:
        raise errors.invalid_field(
            "this Item does not reach its bank through OAuth, so there is no consent to revoke; "
            "change the login's password instead (/_gingham/bank/password/change)"
        )
    now = client_now(session, item.client_id, real_now)
    consent = bank.consent_for(session, connection.bank_consent_id)
    if consent is None or bank.consent_status(consent, real_now) is not ConsentStatus.AUTHORISED:
        raise errors.invalid_field("the Item's consent at the bank is no longer in force")
    bank_account_id = None
    if account_id is not None:
        bank_account_id = session.scalar(
            select(Account.bank_account_id).where(
                Account.id == account_id,
                Account.item_id == item.id,
                Account.unshared_at.is_(None),
            )
        )
        if bank_account_id is None:
            raise errors.InvalidInput(
                "INVALID_ACCOUNT_ID",
                f"account_id {account_id} is not an account this Item shares",
            )
    bank.revoke_consent(session, consent.id, real_now, account_id=bank_account_id)
    return lifecycle.consent_changed_at_bank(session, item, now)
