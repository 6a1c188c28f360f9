"""Account selection in Link's update mode at credential banks (update.account_selection_enabled).

The user signs in again and Link offers the login's accounts as the bank holds them now,
including any opened since the Item was made. Each is matched to the Item's account for it, if
any, so that an account the Item shares (or used to share) keeps its account_id; the user's
choice then becomes what the Item shares. At OAuth banks the bank's consent page does this
instead (lifecycle.share_bank_accounts).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from gingham.accounts.models import Account
from gingham.bank.accounts import AccountTemplate
from gingham.institutions.catalogue import SandboxInstitution
from gingham.items import service
from gingham.transactions import timers as transactions_timers
from gingham.wire.ids import new_object_id


@dataclass(frozen=True, slots=True)
class AccountChoice:
    """A bank account as update mode offers it: its account_id on the Item (a new one when the
    Item has never shared it) and whether the Item shares it now."""

    account_id: str
    template: AccountTemplate
    shared: bool


def choices_for_item(
    session: Session, item_id: str, bank_accounts: Sequence[AccountTemplate]
) -> list[AccountChoice]:
    """The bank's accounts matched to the Item's. A credential bank gives no account ids, so the
    mask identifies an account within a login (the bank simulation refuses a second account
    with a mask the login holds); an account without a mask is matched by name and type."""
    rows = session.execute(
        select(
            Account.id,
            Account.mask,
            Account.name,
            Account.type,
            Account.subtype,
            Account.unshared_at,
        )
        .where(Account.item_id == item_id)
        .order_by(Account.position)
    ).all()
    unmatched = list(rows)
    choices = []
    for template in bank_accounts:
        row = next(
            (r for r in unmatched if _same_account((r.mask, r.name, r.type, r.subtype), template)),
            None,
        )
        if row is None:
            choices.append(AccountChoice(new_object_id(), template, shared=False))
            continue
        unmatched.remove(row)
        choices.append(AccountChoice(row.id, template, shared=row.unshared_at is None))
    return choices


def _same_account(held: tuple[str | None, str, str, str | None], template: AccountTemplate) -> bool:
    """Whether the Item's account (mask, name, type, subtype) is this bank account."""
    mask, name, account_type, subtype = held
    if template.mask is not None:
        return mask == template.mask
    return mask is None and (name, account_type, subtype) == (
        template.name,
        template.type,
        template.subtype,
    )


def share_selected_accounts(
    session: Session,
    item_id: str,
    institution: SandboxInstitution,
    offered: Sequence[tuple[str, AccountTemplate]],
    selected: Collection[str],
    now: datetime,
) -> None:
    """The user finished update mode's account selection: of the accounts offered (account_id
    and the bank's data, as `choices_for_item` gave them), the Item shares exactly those selected. Known ones keep their account_id (and come back if they had
    been left out before), new ones are added with the bank's current data, and those left out
    stop being returned. Accounts Link did not offer (hidden by the products or account_filters)
    are left as they were: the user made no choice about them."""
    rows = session.execute(
        select(Account.id, Account.position).where(Account.item_id == item_id)
    ).all()
    known = {account_id for account_id, _ in rows}
    chosen = set(selected)
    kept = [account_id for account_id, _ in offered if account_id in known & chosen]
    dropped = [account_id for account_id, _ in offered if account_id in known - chosen]
    if kept:
        session.execute(
            update(Account)
            .where(Account.item_id == item_id, Account.id.in_(kept))
            .values(unshared_at=None)
        )
    if dropped:
        session.execute(
            update(Account)
            .where(
                Account.item_id == item_id,
                Account.id.in_(dropped),
                Account.unshared_at.is_(None),
            )
            .values(unshared_at=now)
        )
    new = [(account_id, t) for account_id, t in offered if account_id in chosen - known]
    if new:
        service.insert_accounts(
            session,
            item_id,
            institution,
            [template for _, template in new],
            account_ids=[account_id for account_id, _ in new],
            first_position=max((position for _, position in rows), default=-1) + 1,
            now=now,
        )
        transactions_timers.accounts_added(session, item_id, now)
