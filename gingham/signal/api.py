"""Plaid's signal endpoints: /signal/evaluate, /signal/decision/report, /signal/return/report and
/signal/prepare."""

from __future__ import annotations

from typing import Any

from gingham import errors
from gingham.products.access import open_product
from gingham.signal import scores as signal_scores
from gingham.signal import service
from gingham.signal.attributes import core_attributes
from gingham.wire.context import JSONObject, RequestContext
from gingham.wire.endpoint import Endpoint

# The ruleset an evaluation without ruleset_key uses, as at Plaid for clients since October 2025.
DEFAULT_RULESET = "default"


def evaluate(ctx: RequestContext, body: JSONObject) -> JSONObject:
    amount = body["amount"]
    if amount <= 0:
        raise errors.invalid_field(f"amount must be a positive amount in USD (got {amount})")
    # Signal reads accounts and balances, which every OAuth consent shares: no scope to check.
    access = open_product(ctx, body, "signal")
    account = next((a for a in access.accounts if a.id == body["account_id"]), None)
    if account is None:
        raise errors.InvalidInput(
            "INVALID_ACCOUNT_ID",
            f"account_id {body['account_id']!r} is not an account of this Item",
        )
    balance = (
        account.available_balance
        if account.available_balance is not None
        else account.current_balance
    )
    scores = signal_scores.score(amount, balance, user_present=body.get("user_present"))
    # risk_profile_key is the deprecated name of ruleset_key.
    ruleset_key = body.get("ruleset_key") or body.get("risk_profile_key") or DEFAULT_RULESET
    service.record_evaluation(
        ctx.session,
        ctx.caller,
        body["client_transaction_id"],
        item=access.item,
        account=account,
        amount=amount,
        ruleset_key=ruleset_key,
        scores=scores,
        now=ctx.now,
    )
    ruleset: dict[str, Any] = {
        "ruleset_key": ruleset_key,
        "result": scores.result,
        "triggered_rule_details": {"internal_note": scores.rule_note},
    }
    response: dict[str, Any] = {
        "scores": {
            "customer_initiated_return_risk": {
                "score": scores.customer_initiated,
                "risk_tier": scores.customer_initiated_tier,
            },
            "bank_initiated_return_risk": {
                "score": scores.bank_initiated,
                "risk_tier": scores.bank_initiated_tier,
            },
        },
        "core_attributes": core_attributes(ctx.session, access.item, account, amount, ctx.now),
        "ruleset": ruleset,
        "warnings": [],
    }
    if body.get("risk_profile_key"):
        response["risk_profile"] = {"key": ruleset_key, "outcome": scores.result}
    return response


def report_decision(ctx: RequestContext, body: JSONObject) -> JSONObject:
    service.report_decision(ctx.session, ctx.caller, body, ctx.now)
    return {}


def report_return(ctx: RequestContext, body: JSONObject) -> JSONObject:
    service.report_return(ctx.session, ctx.caller, body, ctx.now)
    return {}


def prepare(ctx: RequestContext, body: JSONObject) -> JSONObject:
    # Opting the Item in to Signal's data collection makes `signal` one of its products (once).
    open_product(ctx, body, "signal")
    return {}


# The endpoints this package serves, wired by gingham.app.
ENDPOINTS: list[Endpoint] = [
    Endpoint("/signal/evaluate", evaluate),
    Endpoint("/signal/decision/report", report_decision),
    Endpoint("/signal/return/report", report_return),
    Endpoint("/signal/prepare", prepare),
]
