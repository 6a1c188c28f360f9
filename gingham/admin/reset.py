"""Wiping a client's data (`gingham reset`), or every client's (`gingham reset --all`).

A client's data is everything its API calls and its users made: Items with their accounts,
transactions and tokens, link tokens and Link sessions, users, reports, webhooks and their
deliveries, the webhook inbox's messages, the request log, and its sandbox clock with its timers.
What the client was given or set up stays: the client itself, its secrets and public key, its
allow-lists, its Link customizations and its webhook inbox's URL, so the app keeps working as
configured. Wiping every client's data also restores the sandbox banks and forgets returning
users' saved connections, which belong to no one client.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Table, delete, func, select
from sqlalchemy.orm import Session

from gingham.bank_simulation.reset import RestoredBanks, restore_banks
from gingham.clients.models import ApiClient
from gingham.db import Base
from gingham.items.models import Item

# The tables with a client_id that hold what a client set up rather than what it did.
KEPT = frozenset(
    {
        "client_secrets",
        "client_public_keys",
        "public_key_switches",
        "allowed_redirect_uris",
        "allowed_android_packages",
        "link_customizations",
        "webhook_inboxes",
    }
)
# Shared by every client; wiped only with everything.
SHARED = ("link_remembered_connections",)


def client_tables() -> list[Table]:
    """Every table whose rows belong to one API client and are wiped with its data, children
    before parents. Rows of tables without a client_id (accounts, transactions, Link sessions…)
    hang off these and go with them (ON DELETE CASCADE)."""
    return [
        table
        for table in reversed(Base.metadata.sorted_tables)
        if table.name not in KEPT
        and any(
            key.parent.name == "client_id" and key.column.table.name == ApiClient.__tablename__
            for key in table.foreign_keys
        )
    ]


@dataclass(frozen=True, slots=True)
class Wiped:
    clients: int
    items: int
    banks: RestoredBanks | None = None


def wipe_client_data(session: Session, client_id: str) -> Wiped:
    items = _count_items(session, client_id)
    for table in client_tables():
        session.execute(delete(table).where(table.c.client_id == client_id))
    session.flush()
    return Wiped(clients=1, items=items)


def wipe_all_data(session: Session) -> Wiped:
    clients = session.scalar(select(func.count()).select_from(ApiClient)) or 0
    items = _count_items(session, None)
    for table in client_tables():
        session.execute(delete(table))
    for name in SHARED:
        session.execute(delete(Base.metadata.tables[name]))
    banks = restore_banks(session)
    return Wiped(clients=clients, items=items, banks=banks)


def _count_items(session: Session, client_id: str | None) -> int:
    """Live Items (those not removed), as `gingham items list` shows them."""
    query = select(func.count()).select_from(Item).where(Item.removed_at.is_(None))
    if client_id is not None:
        query = query.where(Item.client_id == client_id)
    return session.scalar(query) or 0
