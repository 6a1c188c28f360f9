"""Account selection in Link's update mode at credential banks (update.account_selection_enabled).

The user signs in again and Link offers the login's accounts as the bank holds them now,
including any opened since the Item was made. Each is matched to the Item's account for it, if
any, so that an account the Item shares (or used to share) keeps its account_id; the user's
choice then becomes what the Item shares. At OAuth banks the bank's consent page does this
instead (share_bank_accounts, below).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, or_, select, update
from sqlalchemy.orm import Session

from gingham.accounts.models import Account
from gingham.bank.accounts import AccountTemplate, ach_numbers
from gingham.institutions.catalogue import Behaviour, SandboxInstitution
from gingham.items import service
from gingham.items.service import ItemRecord
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


def share_bank_accounts(
    session: Session,
    item: ItemRecord,
    institution: SandboxInstitution,
    shared: Sequence[tuple[str, AccountTemplate]],
    now: datetime,
) -> None:
    """After the user went through the bank's consent again (update mode), the Item shares
    exactly the accounts they ticked there: known ones stay (or come back), new ones are added,
    and those left out stop being returned. `shared` are the bank's accounts, each with the bank's
    `bank_account_id`.

    Except at banks with their own account picker (Chase): update mode there can add accounts
    but not remove them; the user stops sharing an account in the bank's Security Center
    (here, /_gingham/bank/consent/revoke with its account_id)."""
    # An Item that reached the bank with credentials before (an institution that migrated to
    # OAuth) keeps its accounts, and their account_ids: the bank's accounts are matched by mask.
    legacy = session.execute(
        select(Account.id, Account.mask).where(
            Account.item_id == item.id, Account.bank_account_id.is_(None)
        )
    ).all()
    by_mask = {template.mask: bank_id for bank_id, template in shared}
    for account_id, mask in legacy:
        if mask in by_mask:
            session.execute(
                update(Account)
                .where(Account.id == account_id)
                .values(bank_account_id=by_mask.pop(mask))
            )
    rows = session.execute(
        select(Account.bank_account_id, Account.position).where(Account.item_id == item.id)
    ).all()
    known = {bank_id for bank_id, _ in rows}
    wanted = {bank_id for bank_id, _ in shared}
    session.execute(
        update(Account)
        .where(Account.item_id == item.id, Account.bank_account_id.in_(wanted))
        .values(unshared_at=None)
    )
    if not institution.has(Behaviour.ACCOUNT_SELECTION_AT_BANK):
        session.execute(
            update(Account)
            .where(
                Account.item_id == item.id,
                or_(Account.bank_account_id.is_(None), Account.bank_account_id.not_in(wanted)),
                Account.unshared_at.is_(None),
            )
            .values(unshared_at=now)
        )
    # Known accounts take the numbers the bank sends now: granted again, or no longer shared.
    numbers = [
        (bank_id, ach_numbers(template, institution))
        for bank_id, template in shared
        if bank_id in known
    ]
    if numbers:
        session.connection().execute(
            _SET_NUMBERS,
            [
                {
                    "item": item.id,
                    "bank_id": bank_id,
                    "number": ach.account if ach else None,
                    "routing": ach.routing if ach else None,
                    "wire_routing": ach.wire_routing if ach else None,
                    "tokenized": ach.tokenized if ach else False,
                }
                for bank_id, ach in numbers
            ],
        )
    new = [(bank_id, template) for bank_id, template in shared if bank_id not in known]
    if new:
        service.insert_accounts(
            session,
            item.id,
            institution,
            [template for _, template in new],
            bank_account_ids=[bank_id for bank_id, _ in new],
            first_position=max((position for _, position in rows), default=-1) + 1,
            now=now,
        )
        transactions_timers.accounts_added(session, item.id, now)


_SET_NUMBERS = (
    update(Account)
    .where(Account.item_id == bindparam("item"), Account.bank_account_id == bindparam("bank_id"))
    .values(
        account_number=bindparam("number"),
        routing_number=bindparam("routing"),
        wire_routing_number=bindparam("wire_routing"),
        numbers_tokenized=bindparam("tokenized"),
    )
)
