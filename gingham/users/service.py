"""Users and their user tokens, and the Items that belong to a user.

An Item belongs to a user when a Link session of a link token created with the user's
`user_token` linked it — Plaid's rule ("associated with a User when it has been successfully
connected within a Link session initialized with that user"). Link sessions already record the
Item they linked, so that is where the association is read from rather than copied onto Items.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import fields
from datetime import datetime

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from gingham import errors
from gingham.db import add_once
from gingham.items.models import Item
from gingham.items.service import ItemRecord
from gingham.link.models import LinkSession
from gingham.link_tokens.models import LinkToken
from gingham.users.models import User
from gingham.wire.context import Caller
from gingham.wire.ids import new_object_id, new_token, token_environment, token_hash

_ITEM_COLUMNS = [Item.__table__.c[f.name] for f in fields(ItemRecord)]


def invalid_user_token(message: str = "could not find matching user token") -> errors.PlaidError:
    return errors.InvalidInput("INVALID_USER_TOKEN", message)


def create_user(
    session: Session, caller: Caller, client_user_id: str, now: datetime
) -> tuple[str, User]:
    """A new user and its user token (returned once, never again). Plaid refuses a second user
    for the same client_user_id: its token cannot be handed out again."""
    token = new_token("user", caller.environment)
    user = User(
        id=new_object_id(),
        client_id=caller.client_id,
        environment=caller.environment,
        client_user_id=client_user_id,
        token_hash=token_hash(token),
        created_at=now,
    )
    if not add_once(session, user):
        existing = session.scalar(
            select(User.id).where(
                User.client_id == caller.client_id,
                User.environment == caller.environment,
                User.client_user_id == client_user_id,
            )
        )
        raise errors.invalid_field(
            f"a user has already been created for client_user_id {client_user_id!r} "
            f"(user_id {existing}). /user/create succeeds once per client_user_id; keep the "
            "user_token it returned, as it cannot be retrieved again"
        )
    return token, user


def user_for_token(session: Session, caller: Caller, user_token: str) -> User:
    """The caller's user this token reaches, or INVALID_USER_TOKEN."""
    environment = token_environment(user_token, "user")
    if environment is None:
        raise invalid_user_token(
            "provided user token is in an invalid format. expected format: user-<environment>-<identifier>"
        )
    if environment != caller.environment:
        raise invalid_user_token(
            f"provided user token is for the {environment} environment, but the secret used is for {caller.environment}"
        )
    user = session.scalar(
        select(User).where(
            User.token_hash == token_hash(user_token), User.client_id == caller.client_id
        )
    )
    if user is None:
        raise invalid_user_token()
    return user


def user_by_id(session: Session, caller: Caller, user_id: str) -> User:
    user = session.get(User, user_id)
    if user is None or user.client_id != caller.client_id or user.environment != caller.environment:
        raise errors.invalid_field(f"could not find a user with user_id {user_id!r}")
    return user


def _live_items_of(user_id: str) -> Select[tuple[str]]:
    linked = (
        select(LinkSession.item_id)
        .join(LinkToken, LinkToken.id == LinkSession.link_token_id)
        # Update mode with an access_token links nothing new: only the user's own sessions count.
        .where(
            LinkToken.user_id == user_id,
            LinkToken.item_id.is_(None),
            LinkSession.item_id.is_not(None),
        )
    )
    return select(Item.id).where(Item.id.in_(linked), Item.removed_at.is_(None))


def items_of_user(session: Session, user: User) -> list[ItemRecord]:
    """The user's Items that have not been removed, oldest first."""
    ids = _live_items_of(user.id)
    rows = session.execute(
        select(*_ITEM_COLUMNS).where(Item.id.in_(ids)).order_by(Item.created_at, Item.id)
    )
    return [ItemRecord(*row) for row in rows]


def most_recently_broken_item(
    session: Session, user_id: str, among: Sequence[str] = ()
) -> str | None:
    """The user's unhealthy Item that broke last (the one Link's `update.user` repairs), if any;
    only Items of `among` when it names some (`update.item_ids`).

    `error_at` is set with the error and cleared with it; the JSON `error` column cannot be
    tested for SQL NULL portably, as a cleared error may be stored as JSON null."""
    return session.scalar(
        _live_items_of(user_id)
        .where(Item.error_at.is_not(None), *([Item.id.in_(among)] if among else []))
        .order_by(Item.error_at.desc(), Item.id)
        .limit(1)
    )
