"""Restoring the sandbox banks to their documented defaults (`gingham bank reset`).

What the bank simulation changed at the banks is undone: passwords set and accounts opened
(gingham.bank.models.BankLoginState: the logins are again as Plaid's sandbox defines them),
one-time codes the banks stopped trusting, consents withdrawn at the OAuth bank, institutions'
status, and migrations to OAuth (with the turns still waiting on clients' clocks).

The banks are shared by every client, so this is one reset for all of them. Items the events
already broke stay as they are: Gingham heard about the events, as it would from a real bank,
and update mode mends them.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from gingham.bank.models import BankLoginState
from gingham.bank_simulation.institutions import MIGRATION_LOGIN_REQUIRED, MIGRATION_WARNING
from gingham.institutions.models import InstitutionState
from gingham.oauth_bank.models import BankConsent, ConsentStatus
from gingham.sandbox_clock.models import SandboxTimer


@dataclass(frozen=True, slots=True)
class RestoredBanks:
    logins: int
    consents: int
    institutions: int
    migration_turns: int


def restore_banks(session: Session) -> RestoredBanks:
    logins = _deleted(session.execute(delete(BankLoginState)))
    institutions = _deleted(session.execute(delete(InstitutionState)))
    # The turns still to come of migrations that no longer happen.
    turns = _deleted(
        session.execute(
            delete(SandboxTimer).where(
                SandboxTimer.kind.in_([MIGRATION_WARNING, MIGRATION_LOGIN_REQUIRED]),
                SandboxTimer.fired_at.is_(None),
            )
        )
    )
    consents = 0
    # Few enough to read them all; a withdrawn account leaves the consent itself authorised.
    for consent in session.scalars(select(BankConsent)):
        if consent.status == ConsentStatus.REVOKED or consent.revoked_account_ids:
            consent.status = ConsentStatus.AUTHORISED
            consent.revoked_at = None
            consent.revoked_account_ids = []
            consents += 1
    session.flush()
    return RestoredBanks(logins, consents, institutions, turns)


def _deleted(result: object) -> int:
    return int(getattr(result, "rowcount", 0) or 0)
