"""A user's bank income reports: which Items were linked for income, the report of each such
Link session, and the refreshes that report on all of them again."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from gingham import errors
from gingham.accounts.service import accounts_of_item
from gingham.bank_income.models import BankIncomeReport
from gingham.bank_income.sources import (
    IncomeSource,
    Window,
    income_deposits,
    income_sources,
    source_json,
    summary_json,
)
from gingham.db import add_once
from gingham.identity.service import owners_by_account
from gingham.institutions import catalogue
from gingham.items import service as items_service
from gingham.items.service import ItemRecord
from gingham.link.models import LinkSession
from gingham.link_tokens.models import LinkToken
from gingham.transactions.pulls import bank_accounts, seed_of
from gingham.users.models import User
from gingham.wire.json import format_datetime

PRODUCT = "income_verification"
# Plaid's bounds on days_requested (LinkTokenCreateRequestIncomeVerificationBankIncome).
MIN_DAYS, MAX_DAYS = 1, 731
# Account subtypes a bank income account may have (plaid-python's DepositoryAccountSubtype).
_DEPOSITORY_SUBTYPES = frozenset(
    {
        "checking",
        "savings",
        "hsa",
        "cd",
        "money market",
        "paypal",
        "prepaid",
        "cash management",
        "ebt",
        "limited purpose checking",
    }
)
# A Bank Income error's error_type names the Item's error code (CreditBankIncomeErrorType).
_CAUSE_TYPES = frozenset(
    {
        "INSUFFICIENT_CREDENTIALS",
        "ITEM_LOCKED",
        "USER_SETUP_REQUIRED",
        "INSTITUTION_DOWN",
        "INSTITUTION_NOT_RESPONDING",
        "INVALID_CREDENTIALS",
        "INVALID_MFA",
        "ITEM_LOGIN_REQUIRED",
        "MFA_NOT_SUPPORTED",
        "NO_ACCOUNTS",
        "ITEM_NOT_SUPPORTED",
        "ACCESS_NOT_GRANTED",
    }
)


class IncomeVerificationError(errors.PlaidError):
    # Plaid's Income errors; gingham.errors holds the types every product shares.
    error_type = "INCOME_VERIFICATION_ERROR"


def income_verification_not_found() -> errors.PlaidError:
    return IncomeVerificationError(
        "INCOME_VERIFICATION_NOT_FOUND",
        "the requested data was not found. This user has no bank income report: link an Item "
        'with a link token created with their user_token and products ["income_verification"] '
        '(income_verification.income_source_types ["bank"]) first',
    )


@dataclass(frozen=True, slots=True)
class IncomeSession:
    """A Link session of the user's that linked an Item for bank income."""

    link_session_id: str
    item_id: str
    institution_id: str | None
    finished_at: datetime
    days_requested: int
    webhook: str | None


def days_requested_of(config: dict[str, Any]) -> int:
    bank_income = (config.get("income_verification") or {}).get("bank_income") or {}
    return int(bank_income.get("days_requested") or MAX_DAYS)


def income_sessions(session: Session, user: User) -> list[IncomeSession]:
    """The user's successful Link sessions for bank income, oldest first (those of removed
    Items included: their reports stay). Update mode that adds Income to an existing Item
    with the user's token counts too: that Item is then the user's for income."""
    rows = session.execute(
        select(
            LinkSession.id,
            LinkSession.item_id,
            LinkSession.institution_id,
            LinkSession.finished_at,
            LinkToken.config,
        )
        .join(LinkToken, LinkToken.id == LinkSession.link_token_id)
        .where(
            LinkToken.user_id == user.id,
            LinkSession.status == "success",
            LinkSession.item_id.is_not(None),
        )
        .order_by(LinkSession.finished_at, LinkSession.id)
    ).all()
    return [
        IncomeSession(
            row.id,
            row.item_id,
            row.institution_id,
            row.finished_at,
            days_requested_of(row.config),
            row.config.get("webhook") or None,
        )
        for row in rows
        if PRODUCT in (row.config.get("products") or ())
    ]


def income_items(session: Session, user: User) -> list[ItemRecord]:
    """The user's Items linked for bank income that have not been removed, oldest first."""
    items: dict[str, ItemRecord] = {}
    for found in income_sessions(session, user):
        item = items_service.item_by_id(session, found.item_id)
        if item is not None and item.removed_at is None:
            items.setdefault(item.id, item)
    return list(items.values())


def income_webhook(session: Session, user: User, items: Sequence[ItemRecord]) -> str | None:
    """Where the user's INCOME webhooks go: the webhook of the latest Link session for income
    that had one, else that of one of its Items."""
    sessions = income_sessions(session, user)
    found = next((s.webhook for s in reversed(sessions) if s.webhook), None)
    return found or next((i.webhook for i in items if i.webhook), None)


def current_source_ids(session: Session, user: User, days_requested: int, today: date) -> list[str]:
    """The income sources the user's healthy income Items show today, sorted."""
    window = Window.ending(today, days_requested)
    found: set[str] = set()
    for item in income_items(session, user):
        if item.error is not None:
            continue
        shared = {a.id for a in accounts_of_item(session, item.id) if a.type == "depository"}
        deposits = income_deposits(
            item.id, seed_of(item), bank_accounts(session, item.id), shared, window
        )
        found.update(s.income_source_id for s in income_sources(item.id, deposits))
    return sorted(found)


def _warning(item: ItemRecord) -> dict[str, Any]:
    error = (
        errors.from_stored(item.error)
        if item.error
        else errors.ItemError("ITEM_LOGIN_REQUIRED", "")
    )
    # Bank Income names the cause's type after its code where Plaid lists one, and shows the
    # message where there is no display message.
    code = error.error_code
    cause = errors.of_type(
        code if code in _CAUSE_TYPES else "INTERNAL_SERVER_ERROR",
        code,
        error.error_message,
        display_message=error.display_message or error.error_message,
    )
    return {
        "warning_type": "BANK_INCOME_WARNING",
        "warning_code": "TRANSACTIONS_UNAVAILABLE",
        "cause": cause.cause(item.id),
    }


def _item_json(
    session: Session, item: ItemRecord, window: Window, now: datetime
) -> tuple[dict[str, Any], list[IncomeSource]]:
    accounts = [
        a
        for a in accounts_of_item(session, item.id)
        if a.type == "depository" and a.subtype in _DEPOSITORY_SUBTYPES
    ]
    owners = owners_by_account(session, item, accounts)
    deposits = income_deposits(
        item.id, seed_of(item), bank_accounts(session, item.id), {a.id for a in accounts}, window
    )
    sources = income_sources(item.id, deposits)
    institution = catalogue.find(item.institution_id or "")
    body = {
        "bank_income_accounts": [
            {
                "account_id": a.id,
                "mask": a.mask,
                "name": a.name,
                "official_name": a.official_name,
                "subtype": a.subtype,
                "type": "depository",
                "owners": owners.get(a.id, []),
            }
            for a in accounts
        ],
        "bank_income_sources": [source_json(s, window) for s in sources],
        "last_updated_time": format_datetime(now),
        "institution_id": item.institution_id,
        "institution_name": institution.name if institution else None,
        "item_id": item.id,
    }
    return body, sources


def build_report(
    session: Session,
    report_id: str,
    items: Sequence[ItemRecord],
    days_requested: int,
    now: datetime,
    today: date,
) -> dict[str, Any]:
    """The CreditBankIncome object over `items` as of `today`; Items in an error state are left
    out with a warning, as their transactions cannot be read."""
    window = Window.ending(today, days_requested)
    bodies, sources, warnings = [], [], []
    for item in items:
        if item.error is not None:
            warnings.append(_warning(item))
            continue
        body, found = _item_json(session, item, window, now)
        bodies.append(body)
        sources.extend(found)
    return {
        "bank_income_id": report_id,
        "generated_time": format_datetime(now),
        "days_requested": days_requested,
        "items": bodies,
        "bank_income_summary": summary_json(sources, window),
        "warnings": warnings,
    }


def materialise_session_reports(session: Session, user: User) -> None:
    """Give each of the user's income Link sessions its report, dated when the session
    finished, if it has none yet."""
    sessions = income_sessions(session, user)
    if not sessions:
        return
    have = set(
        session.scalars(
            select(BankIncomeReport.link_session_id).where(
                BankIncomeReport.user_id == user.id,
                BankIncomeReport.link_session_id.is_not(None),
            )
        )
    )
    for found in sessions:
        if found.link_session_id in have:
            continue
        item = items_service.item_by_id(session, found.item_id)
        if item is None:
            continue
        report_id = str(uuid.uuid4())
        # The Item was healthy when Link finished: its report reads it as it was then.
        healthy = replace(item, error=None)
        report = build_report(
            session,
            report_id,
            [healthy],
            found.days_requested,
            found.finished_at,
            found.finished_at.date(),
        )
        # Two reads at once may both make it: one row wins, the other read uses it.
        add_once(
            session,
            BankIncomeReport(
                id=report_id,
                client_id=user.client_id,
                environment=user.environment,
                user_id=user.id,
                link_session_id=found.link_session_id,
                days_requested=found.days_requested,
                status="ready",
                requested_at=found.finished_at,
                generated_at=found.finished_at,
                webhook=found.webhook,
                report=report,
            ),
        )


def ready_reports(session: Session, user: User, count: int) -> list[BankIncomeReport]:
    """The user's finished reports, newest first."""
    return list(
        session.scalars(
            select(BankIncomeReport)
            .where(BankIncomeReport.user_id == user.id, BankIncomeReport.status == "ready")
            .order_by(BankIncomeReport.generated_at.desc(), BankIncomeReport.requested_at.desc())
            .limit(count)
        )
    )
