"""The Plaid product endpoints the demo page may have its backend call for the linked Item.

The page names an endpoint and, for a few, a parameter or two (a sync cursor, the account and
amount of a Signal debit, a statement id); the backend writes the rest of the request as an app's
server would: the access token or asset report token it keeps, date windows on the client's sandbox clock, page sizes that fit a
dashboard. Anything else is refused, so the page can never read more than this list allows.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from gingham.wire.context import JSONObject
from gingham.wire.validation import Schema

# How much of the Item a dashboard shows: the latest rows, newest first.
TRANSACTIONS_WINDOW = timedelta(days=90)
INVESTMENT_TRANSACTIONS_WINDOW = timedelta(days=365)
LATEST_ROWS = 25
# An asset report as a lender would ask for one: the last three months.
ASSET_REPORT_DAYS = 90
DEMO_USER_ID = "gingham-demo-user"


class Credential(StrEnum):
    """Which of the backend's sealed tokens a call carries, and in which field."""

    ACCESS_TOKEN = "access_token"
    # /asset_report/create takes a list of the Items' access tokens.
    ACCESS_TOKENS = "access_tokens"
    ASSET_REPORT_TOKEN = "asset_report_token"


@dataclass(frozen=True, slots=True)
class DemoCall:
    """`params` is what the page may choose; `build(params, today)` is the request body without
    the token named by `credential`."""

    params: Schema
    build: Callable[[JSONObject, date], JSONObject]
    credential: Credential = Credential.ACCESS_TOKEN


_NO_PARAMS: Schema = {"type": "object", "properties": {}}


def _nothing(params: JSONObject, today: date) -> JSONObject:
    return {}


def _sync(params: JSONObject, today: date) -> JSONObject:
    return dict(params)


def _window(window: timedelta) -> Callable[[JSONObject, date], JSONObject]:
    def build(params: JSONObject, today: date) -> JSONObject:
        return {
            "start_date": (today - window).isoformat(),
            "end_date": today.isoformat(),
            "options": {"count": LATEST_ROWS, "offset": 0},
        }

    return build


def _signal(params: JSONObject, today: date) -> JSONObject:
    return {
        "account_id": params["account_id"],
        "amount": params["amount"],
        # Each evaluation is a new debit the app is about to make.
        "client_transaction_id": "demo-" + secrets.token_hex(12),
        "client_user_id": DEMO_USER_ID,
        "user_present": True,
    }


def _asset_report(params: JSONObject, today: date) -> JSONObject:
    return {
        "days_requested": ASSET_REPORT_DAYS,
        "options": {
            "client_report_id": "gingham-demo",
            "user": {"client_user_id": DEMO_USER_ID},
        },
    }


def _statement(params: JSONObject, today: date) -> JSONObject:
    return {"statement_id": params["statement_id"]}


_STATEMENT_PARAMS: Schema = {
    "type": "object",
    "required": ["statement_id"],
    "properties": {"statement_id": {"type": "string", "minLength": 1, "maxLength": 100}},
}

DEMO_CALLS: dict[str, DemoCall] = {
    "/accounts/get": DemoCall(_NO_PARAMS, _nothing),
    "/auth/get": DemoCall(_NO_PARAMS, _nothing),
    "/transactions/sync": DemoCall(
        {
            "type": "object",
            "properties": {
                "cursor": {"type": "string"},
                "count": {"type": "integer", "minimum": 1, "maximum": 500},
            },
        },
        _sync,
    ),
    "/transactions/get": DemoCall(_NO_PARAMS, _window(TRANSACTIONS_WINDOW)),
    "/transactions/recurring/get": DemoCall(_NO_PARAMS, _nothing),
    "/identity/get": DemoCall(_NO_PARAMS, _nothing),
    "/investments/holdings/get": DemoCall(_NO_PARAMS, _nothing),
    "/investments/transactions/get": DemoCall(_NO_PARAMS, _window(INVESTMENT_TRANSACTIONS_WINDOW)),
    "/liabilities/get": DemoCall(_NO_PARAMS, _nothing),
    "/signal/evaluate": DemoCall(
        {
            "type": "object",
            "required": ["account_id", "amount"],
            "properties": {
                "account_id": {"type": "string", "minLength": 1},
                "amount": {"type": "number", "exclusiveMinimum": 0, "maximum": 1_000_000},
            },
        },
        _signal,
    ),
    "/asset_report/create": DemoCall(_NO_PARAMS, _asset_report, Credential.ACCESS_TOKENS),
    "/asset_report/get": DemoCall(_NO_PARAMS, _nothing, Credential.ASSET_REPORT_TOKEN),
    "/asset_report/pdf/get": DemoCall(_NO_PARAMS, _nothing, Credential.ASSET_REPORT_TOKEN),
    "/statements/list": DemoCall(_NO_PARAMS, _nothing),
    "/statements/download": DemoCall(_STATEMENT_PARAMS, _statement),
}

CALL_SCHEMA: Schema = {
    "type": "object",
    "required": ["endpoint"],
    "properties": {
        "endpoint": {"type": "string", "enum": list(DEMO_CALLS)},
        "params": {"type": "object", "open": True},
    },
}
