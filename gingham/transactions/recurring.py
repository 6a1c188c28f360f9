"""Recurring transaction streams (/transactions/recurring/get), derived from the Item's stored
transactions: each series the bank's data repeats (payroll, rent, a subscription…) on one
account becomes a stream with its cadence, amounts, dates and status."""

from __future__ import annotations

import itertools
import statistics
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import orjson
from sqlalchemy import select
from sqlalchemy.orm import Session

from gingham.sandbox_clock.durations import add_months
from gingham.transactions.models import Transaction
from gingham.transactions.schemas import transaction_id

# A stream needs this many occurrences before Plaid calls it MATURE.
MATURE_OCCURRENCES = 3
# (largest typical gap in days, Plaid's frequency); gaps beyond the last are UNKNOWN.
_FREQUENCIES = (
    (10, "WEEKLY"),
    (14, "BIWEEKLY"),
    (17, "SEMI_MONTHLY"),
    (35, "MONTHLY"),
    (380, "ANNUALLY"),
)


@dataclass(frozen=True, slots=True)
class Occurrence:
    id: str
    date: date
    amount: float
    wire: str


def streams(
    session: Session, item_id: str, account_ids: Collection[str], today: date
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(inflow_streams, outflow_streams) of these accounts as of `today`."""
    rows = session.execute(
        select(
            Transaction.account_id,
            Transaction.stream,
            Transaction.id,
            Transaction.date,
            Transaction.amount,
            Transaction.wire,
        )
        .where(
            Transaction.item_id == item_id,
            Transaction.stream.is_not(None),
            Transaction.removed.is_(False),
            Transaction.pending.is_(False),
            Transaction.account_id.in_(list(account_ids)),
        )
        .order_by(Transaction.date, Transaction.sequence)
    )
    series: dict[tuple[str, str], list[Occurrence]] = defaultdict(list)
    for account_id, stream, row_id, day, amount, wire in rows:
        series[(account_id, stream)].append(Occurrence(row_id, day, amount, wire))
    inflows: list[dict[str, Any]] = []
    outflows: list[dict[str, Any]] = []
    for (account_id, stream), occurrences in sorted(series.items()):
        if len(occurrences) < 2:
            continue
        body = _stream_json(item_id, account_id, stream, occurrences, today)
        (inflows if body["average_amount"]["amount"] < 0 else outflows).append(body)
    return inflows, outflows


def _frequency(gap: float) -> str:
    for largest, frequency in _FREQUENCIES:
        if gap <= largest:
            return frequency
    return "UNKNOWN"


def _next_date(last: date, frequency: str, gap: float) -> date:
    if frequency == "MONTHLY":
        return add_months_to_date(last, 1)
    if frequency == "ANNUALLY":
        return add_months_to_date(last, 12)
    return last + timedelta(days=round(gap))


def add_months_to_date(day: date, months: int) -> date:
    moment = datetime(day.year, day.month, day.day, tzinfo=UTC)
    return add_months(moment, months).date()


def _stream_json(
    item_id: str, account_id: str, stream: str, occurrences: list[Occurrence], today: date
) -> dict[str, Any]:
    gaps = [(b.date - a.date).days for a, b in itertools.pairwise(occurrences)]
    gap = float(statistics.median(gaps))
    frequency = _frequency(gap)
    first, last = occurrences[0], occurrences[-1]
    predicted = _next_date(last.date, frequency, gap)
    # A stream that has missed two of its occurrences has stopped.
    if today > last.date + timedelta(days=round(2 * gap) + 1):
        status = "TOMBSTONED"
    elif len(occurrences) < MATURE_OCCURRENCES:
        status = "EARLY_DETECTION"
    else:
        status = "MATURE"
    latest: dict[str, Any] = orjson.loads(last.wire)
    currency = latest.get("iso_currency_code")
    body: dict[str, Any] = {
        "account_id": account_id,
        "stream_id": transaction_id(item_id, f"stream\x1f{account_id}\x1f{stream}", pending=False),
        "category": latest.get("category"),
        "category_id": latest.get("category_id"),
        "description": latest.get("name") or "",
        "merchant_name": latest.get("merchant_name"),
        "first_date": first.date.isoformat(),
        "last_date": last.date.isoformat(),
        "predicted_next_date": None if status == "TOMBSTONED" else predicted.isoformat(),
        "frequency": frequency,
        "transaction_ids": [occurrence.id for occurrence in occurrences],
        "average_amount": _amount(statistics.fmean(o.amount for o in occurrences), currency),
        "last_amount": _amount(last.amount, currency),
        "is_active": status != "TOMBSTONED",
        "status": status,
        # last_user_modified_datetime is left out: not nullable in plaid-python, and no user
        # modifies streams here.
        "is_user_modified": False,
    }
    if latest.get("personal_finance_category"):
        body["personal_finance_category"] = latest["personal_finance_category"]
    return body


def _amount(amount: float, currency: str | None) -> dict[str, Any]:
    return {
        "amount": round(amount, 2),
        "iso_currency_code": currency,
        "unofficial_currency_code": None,
    }
