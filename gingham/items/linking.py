"""Items made and repaired by Link: one call each, reading the Item once.

`create_from_link` makes the Item a Link session ends with; `repair_from_link` applies what an
update-mode session did to its Item. Both record how the Item reaches an OAuth bank and what the
user consented to, and return a public token for the app to exchange.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from gingham.bank.accounts import AccountTemplate
from gingham.institutions.catalogue import Behaviour, SandboxInstitution
from gingham.items import account_selection, lifecycle, service
from gingham.items.models import Item, ItemOAuthConnection
from gingham.items.service import ItemRecord
from gingham.products import products_at_link
from gingham.wire.context import Caller
from gingham.wire.json import parse_datetime


@dataclass(frozen=True, slots=True)
class LinkedAccount:
    """An account the user shared in Link: `account_id` is the one Link showed them; at an OAuth
    bank, `bank_account_id` is the bank's."""

    account_id: str
    template: AccountTemplate
    bank_account_id: str | None = None


@dataclass(frozen=True, slots=True)
class Consent:
    """What the user agreed to in Link, and how they reached the bank.

    `connection` is the OAuth bank's grant (scopes, consent, sealed tokens) when the session went
    to one. `use_cases` are Data Transparency Messaging's (None without it). `renew` restarts a
    Data Transparency consent's year."""

    connection: Mapping[str, Any] | None = None
    use_cases: Sequence[str] | None = None
    products: Sequence[str] = ()
    consented_products: Sequence[str] = ()
    renew: bool = False

    @property
    def bank_expiry(self) -> bool:
        """Whether the OAuth bank's consent has an expiry of its own (then it stands)."""
        return self.connection is not None and bool(self.connection["consent"].get("expires_at"))


def create_from_link(
    session: Session,
    caller: Caller,
    institution: SandboxInstitution,
    accounts: Sequence[LinkedAccount],
    *,
    config: Mapping[str, Any],
    serves: Callable[[str], bool],
    login_id: str,
    consent: Consent,
    now: datetime,
) -> tuple[str, str]:
    """The Item a Link session linked, with the link token's products (`config`) that the
    institution and the accounts serve (`serves`); its item_id and a public token."""
    linked = products_at_link(config, serves)
    item_id = service.create_item(
        session,
        caller,
        institution,
        [account.template for account in accounts],
        account_ids=[account.account_id for account in accounts],
        bank_account_ids=[account.bank_account_id for account in accounts],
        products=linked.products,
        consented_products=linked.consented,
        webhook=config.get("webhook"),
        login_id=login_id,
        now=now,
    )
    # Most Items need nothing more than they were made with: read back only for what does.
    if linked.added or consent.connection is not None or consent.use_cases is not None:
        item = service.item_by_id(session, item_id)
        assert item is not None
        # Billed as products added after Link are, so that the Item's initial products (which
        # update mode's Account Select follows) stay the link token's `products`.
        for product in linked.added:
            item = service.bill_product(session, item, product)
        if consent.connection is not None:
            item = connect_oauth(session, item, institution, consent.connection, now, new=True)
        if consent.use_cases is not None:
            consent_to(session, item, consent, now)
    return item_id, service.issue_public_token(session, caller, item_id, now)


@dataclass(frozen=True, slots=True)
class AccountChoice:
    """Update mode's Account Select at a credential bank: the accounts offered and those chosen."""

    offered: Sequence[LinkedAccount]
    selected: Sequence[str]


def repair_from_link(
    session: Session,
    caller: Caller,
    item: ItemRecord,
    institution: SandboxInstitution,
    *,
    consent: Consent,
    bank_accounts: Sequence[LinkedAccount] = (),
    choice: AccountChoice | None = None,
    credential_login: bool,
    now: datetime,
    real_now: datetime,
) -> str:
    """Update mode finished for `item`: same item_id, same access token. The Item shares what
    the user shared at the OAuth bank (`bank_accounts`) or chose on Account Select (`choice`),
    gains the consent given, and is healthy again. A public token for it."""
    if consent.connection is not None:
        item = connect_oauth(session, item, institution, consent.connection, now)
        account_selection.share_bank_accounts(
            session,
            item,
            institution,
            [(a.bank_account_id or "", a.template) for a in bank_accounts],
            now,
        )
    elif choice is not None:
        account_selection.share_selected_accounts(
            session,
            item.id,
            institution,
            [(a.account_id, a.template) for a in choice.offered],
            choice.selected,
            now,
        )
    item = consent_to(session, item, consent, now)
    lifecycle.repair(session, item, now, real_now=real_now, credential_login=credential_login)
    return service.issue_public_token(session, caller, item.id, now)


def connect_oauth(
    session: Session,
    item: ItemRecord,
    institution: SandboxInstitution,
    connection: Mapping[str, Any],
    now: datetime,
    *,
    new: bool = False,
) -> ItemRecord:
    """Record (or replace) how the Item reaches its OAuth bank, its consent's expiry in the
    client's time, and the timers that warn of and apply that expiry.

    The bank stamps its consent in real time; the Item's expiry is the consent's lifetime from
    the client's `now`, so a client whose clock runs ahead sees it expire in its own time.
    At banks that allow one Item per login (Chase, Schwab), the client's earlier Items for the
    same login stop working, as those banks' documentation describes. `new`: the Item was made
    in this unit of work.
    """
    consent = connection["consent"]
    expires_at = None
    if consent.get("expires_at"):
        lifetime = parse_datetime(consent["expires_at"]) - parse_datetime(consent["created_at"])
        expires_at = now + lifetime
    # An Item made in this unit of work has no connection yet: no need to look.
    existing = None if new else session.get(ItemOAuthConnection, item.id)
    if existing is not None:
        existing.bank_user = consent["bank_user"]
        existing.bank_consent_id = consent["consent_id"]
        existing.scopes = list(connection["scopes"])
        existing.tokens_sealed = connection["tokens_sealed"]
    else:
        session.add(
            ItemOAuthConnection(
                item_id=item.id,
                institution_id=institution.institution_id,
                bank_user=consent["bank_user"],
                bank_consent_id=consent["consent_id"],
                scopes=list(connection["scopes"]),
                tokens_sealed=connection["tokens_sealed"],
                created_at=now,
            )
        )
    session.execute(
        update(Item)
        .where(Item.id == item.id)
        .values(consent_expires_at=expires_at, login_id=consent["bank_user"])
    )
    item = replace(item, consent_expires_at=expires_at, login_id=consent["bank_user"])
    lifecycle.schedule_consent_timers(session, item, consent["consent_id"], expires_at, now)
    if institution.has(Behaviour.ONE_ITEM_PER_LOGIN) and existing is None:
        earlier = session.scalars(
            select(ItemOAuthConnection.item_id).where(
                ItemOAuthConnection.institution_id == institution.institution_id,
                ItemOAuthConnection.bank_user == consent["bank_user"],
                ItemOAuthConnection.item_id != item.id,
            )
        ).all()
        for earlier_id in earlier:
            other = service.item_by_id(session, earlier_id)
            if other is not None and other.client_id == item.client_id:
                lifecycle.require_login(session, other, lifecycle.Cause.DUPLICATE_LOGIN, now)
    return item


def consent_to(session: Session, item: ItemRecord, consent: Consent, now: datetime) -> ItemRecord:
    """Record what the user consented to when Link finished for the Item (a new Item, or update
    mode): products added to the Item (billed, as Assets, Statements and Income are), products
    consented to but not billed until first used (`additional_consented_products`), and the use
    cases of a Data Transparency Messaging pane (None when the session showed none).

    A DTM Item's consent lasts DATA_CONSENT_LIFETIME. It starts when the Item is first consented
    with DTM and starts again when the user reviews and renews it (`renew`) — unless the Item's
    consent is its bank's (an OAuth consent with its own expiry, set by connect_oauth), whose
    expiry stands.
    """
    billed = sorted(set(item.billed_products) | (set(consent.products) - {"balance"}))
    consented = sorted(set(item.consented_products) | set(billed) | set(consent.consented_products))
    uses = item.consented_use_cases
    if consent.use_cases is not None:
        uses = list(dict.fromkeys([*(uses or []), *consent.use_cases]))
    expires_at = item.consent_expires_at
    restart = uses is not None and not consent.bank_expiry and (consent.renew or expires_at is None)
    if restart:
        expires_at = now + lifecycle.DATA_CONSENT_LIFETIME
    session.execute(
        update(Item)
        .where(Item.id == item.id)
        .values(
            billed_products=billed,
            consented_products=consented,
            consented_use_cases=uses,
            consent_expires_at=expires_at,
        )
    )
    item = replace(
        item,
        billed_products=billed,
        consented_products=consented,
        consented_use_cases=uses,
        consent_expires_at=expires_at,
    )
    if restart:
        lifecycle.schedule_consent_timers(session, item, None, expires_at, now)
    return item
