"""Signal's evaluations of proposed ACH debits, and the decisions and returns clients report."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from gingham import errors
from gingham.accounts.service import AccountRecord
from gingham.items.service import ItemRecord
from gingham.signal.models import SignalEvaluation
from gingham.signal.scores import Scores
from gingham.wire.context import Caller
from gingham.wire.ids import new_object_id
from gingham.wire.json import parse_datetime

# Nacha's return reason codes: R01-R53 and R61-R85 (others are unassigned).
_RETURN_CODE = re.compile(r"R(0[1-9]|[1-4]\d|5[0-3]|6[1-9]|7\d|8[0-5])")


def _evaluation(
    session: Session, caller: Caller, client_transaction_id: str
) -> SignalEvaluation | None:
    return session.scalars(
        select(SignalEvaluation).where(
            SignalEvaluation.client_id == caller.client_id,
            SignalEvaluation.environment == caller.environment,
            SignalEvaluation.client_transaction_id == client_transaction_id,
        )
    ).one_or_none()


def record_evaluation(
    session: Session,
    caller: Caller,
    client_transaction_id: str,
    *,
    item: ItemRecord,
    account: AccountRecord,
    amount: float,
    ruleset_key: str,
    scores: Scores,
    now: datetime,
) -> None:
    """Keep the evaluation for the reports to come. Evaluating a client_transaction_id again
    replaces its evaluation, and with it what was reported about the earlier one."""
    evaluation = _evaluation(session, caller, client_transaction_id)
    if evaluation is None:
        evaluation = SignalEvaluation(
            id=new_object_id(),
            client_id=caller.client_id,
            environment=caller.environment,
            client_transaction_id=client_transaction_id,
        )
        session.add(evaluation)
    evaluation.item_id = item.id
    evaluation.account_id = account.id
    evaluation.amount = amount
    evaluation.ruleset_key = ruleset_key
    evaluation.result = scores.result
    evaluation.customer_initiated_score = scores.customer_initiated
    evaluation.bank_initiated_score = scores.bank_initiated
    evaluation.evaluated_at = now
    evaluation.initiated = evaluation.decision = evaluation.decision_reported_at = None
    evaluation.return_code = evaluation.returned_at = evaluation.return_reported_at = None
    session.flush()


def _evaluated(session: Session, caller: Caller, client_transaction_id: str) -> SignalEvaluation:
    evaluation = _evaluation(session, caller, client_transaction_id)
    if evaluation is None:
        raise errors.invalid_field(
            f"client_transaction_id {client_transaction_id!r} was not evaluated with "
            "/signal/evaluate by this client; report only on evaluated transactions"
        )
    return evaluation


def report_decision(session: Session, caller: Caller, body: dict[str, Any], now: datetime) -> None:
    evaluation = _evaluated(session, caller, body["client_transaction_id"])
    instantly = body.get("amount_instantly_available")
    if instantly is not None and not 0 <= instantly <= evaluation.amount:
        raise errors.invalid_field(
            f"amount_instantly_available must be between 0 and the evaluated amount ({evaluation.amount})"
        )
    evaluation.initiated = body["initiated"]
    evaluation.decision = {
        key: body[key]
        for key in (
            "days_funds_on_hold",
            "decision_outcome",
            "payment_method",
            "amount_instantly_available",
            "submitted_at",
        )
        if body.get(key) is not None
    }
    evaluation.decision_reported_at = now
    session.flush()


def report_return(session: Session, caller: Caller, body: dict[str, Any], now: datetime) -> None:
    evaluation = _evaluated(session, caller, body["client_transaction_id"])
    return_code = body["return_code"]
    if not _RETURN_CODE.fullmatch(return_code):
        raise errors.invalid_field(
            f"return_code must be a valid ACH return code such as R01 (got {return_code!r})"
        )
    returned_at = body.get("returned_at")
    evaluation.return_code = return_code
    evaluation.returned_at = parse_datetime(returned_at) if returned_at else None
    evaluation.return_reported_at = now
    session.flush()
