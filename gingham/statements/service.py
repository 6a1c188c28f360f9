"""Which statements an Item holds, and its refreshes.

Statements are served only for Items whose user consented to them: those linked with
`statements` among their products, or to which update mode added it after its consent pane (in
both cases `statements` is one of the Item's billed products). Their windows come from the link
tokens those Link sessions ran with, and from completed refreshes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from gingham import errors
from gingham.accounts.service import AccountRecord
from gingham.items.service import ItemRecord
from gingham.link.models import LinkSession
from gingham.link_tokens.models import LinkToken
from gingham.statements.models import StatementRefresh
from gingham.statements.windows import (
    StatementMonth,
    Window,
    default_window,
    statement_id,
    statement_months,
)
from gingham.wire.ids import new_object_id

PRODUCT = "statements"
# The accounts a bank issues statements for (as Link's eligibility for Statements).
STATEMENT_ACCOUNT_TYPES = frozenset({"depository", "credit"})
# The link token fields through which a new Item gets Statements (additional_consented_products
# only records consent: nothing is extracted).
_LINKING_FIELDS = ("products", "required_if_supported_products", "optional_products")


@dataclass(frozen=True, slots=True)
class Statement:
    statement_id: str
    account: AccountRecord
    month: StatementMonth


def require_consent(item: ItemRecord) -> None:
    if PRODUCT in item.billed_products:
        return
    raise errors.ItemError(
        "PRODUCTS_NOT_SUPPORTED",
        "this Item was not linked with Statements, so it has no statements: link it with "
        "statements in products (and a statements object of start_date and end_date), or add "
        "statements to it in update mode (a link token with its access_token and products "
        "[statements])",
    )


def _window_of_config(config: Mapping[str, Any], linked_on: date) -> Window | None:
    """The window a link token asked for, if its session gave the Item Statements."""
    if not any(PRODUCT in (config.get(field) or ()) for field in _LINKING_FIELDS):
        return None
    asked = config.get("statements")
    if not isinstance(asked, Mapping):
        return default_window(linked_on)
    return Window(date.fromisoformat(asked["start_date"]), date.fromisoformat(asked["end_date"]))


def windows_of(session: Session, item: ItemRecord) -> list[Window]:
    """Every window the Item's statements cover: those of the Link sessions that gave it
    Statements (linking it, or update mode), and those of its completed refreshes."""
    sessions = session.execute(
        select(LinkToken.config, LinkSession.finished_at)
        .join(LinkSession, LinkSession.link_token_id == LinkToken.id)
        .where(LinkSession.item_id == item.id, LinkSession.status == "success")
    )
    windows = [
        window
        for config, finished_at in sessions
        if (window := _window_of_config(config, (finished_at or item.created_at).date()))
        is not None
    ]
    if not windows:
        # Made by /sandbox/public_token/create, which takes no window here.
        windows.append(default_window(item.created_at.date()))
    refreshed = session.execute(
        select(StatementRefresh.start_date, StatementRefresh.end_date).where(
            StatementRefresh.item_id == item.id, StatementRefresh.completed_at.is_not(None)
        )
    )
    windows += [Window(start, end) for start, end in refreshed]
    return windows


def statement_accounts(accounts: Iterable[AccountRecord]) -> list[AccountRecord]:
    return [a for a in accounts if a.type in STATEMENT_ACCOUNT_TYPES]


def statements_of(
    session: Session, item: ItemRecord, accounts: Iterable[AccountRecord], today: date
) -> dict[str, list[Statement]]:
    """Each statement account's statements, oldest first, by account_id."""
    months = statement_months(windows_of(session, item), today)
    return {
        account.id: [Statement(statement_id(account.id, m), account, m) for m in months]
        for account in statement_accounts(accounts)
    }


def find_statement(
    session: Session,
    item: ItemRecord,
    accounts: Iterable[AccountRecord],
    wanted: str,
    today: date,
) -> Statement:
    for statements in statements_of(session, item, accounts, today).values():
        for statement in statements:
            if statement.statement_id == wanted:
                return statement
    raise errors.invalid_field(
        f"statement_id {wanted!r} is not a statement of this Item: use one that /statements/list "
        "returns for this access_token"
    )


def request_refresh(session: Session, item: ItemRecord, window: Window, now: datetime) -> str:
    refresh = StatementRefresh(
        id=new_object_id(),
        item_id=item.id,
        start_date=window.start,
        end_date=window.end,
        requested_at=now,
        completed_at=None,
    )
    session.add(refresh)
    session.flush()
    return refresh.id


def complete_refresh(session: Session, refresh_id: str, now: datetime) -> str | None:
    """Mark the refresh built; the item_id it was for (None if it is gone or already built)."""
    item_id = session.scalar(
        update(StatementRefresh)
        .where(StatementRefresh.id == refresh_id, StatementRefresh.completed_at.is_(None))
        .values(completed_at=now)
        .returning(StatementRefresh.item_id)
    )
    return item_id
