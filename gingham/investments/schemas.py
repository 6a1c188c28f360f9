"""Holdings, securities and investment transactions as they appear on Plaid's wire."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from gingham.accounts.schemas import account_json
from gingham.accounts.service import AccountRecord
from gingham.investments.service import Portfolio
from gingham.sandbox_data import investments as generator
from gingham.sandbox_data.investment_overrides import CustomActivity, CustomHolding
from gingham.sandbox_data.securities import Security, last_close, plaid_id, security_json

JSON = dict[str, Any]


def investment_account_json(account: AccountRecord) -> JSON:
    """An account in an Investments answer: plaid-python's InvestmentAccount requires
    `margin_loan_amount` among the balances (null: sandbox accounts have no margin loans)."""
    body = account_json(account)
    body["balances"]["margin_loan_amount"] = None
    return body


def holdings_json(
    seed: str, found: Sequence[Portfolio], now: datetime
) -> tuple[list[JSON], list[Security]]:
    """Every holding of the portfolios at `now`, and the securities they hold (each once)."""
    holdings: list[JSON] = []
    securities: dict[str, Security] = {}
    as_of = last_close(now.date()).isoformat()
    for portfolio in found:
        account = portfolio.account
        if portfolio.profile is not None:
            for held in generator.holdings(seed, portfolio.profile, now.date()):
                securities.setdefault(held.security.security_id, held.security)
                holdings.append(
                    _generated_holding(account.id, account.iso_currency_code, held, as_of)
                )
        for custom in portfolio.custom_holdings:
            securities.setdefault(custom.security.security_id, custom.security)
            holdings.append(_custom_holding(account.id, custom))
    return holdings, list(securities.values())


def _generated_holding(
    account_id: str, currency: str | None, held: generator.Holding, as_of: str
) -> JSON:
    return {
        "account_id": account_id,
        "security_id": held.security.security_id,
        "institution_price": held.price,
        "institution_price_as_of": as_of,
        "institution_price_datetime": None,
        "institution_value": held.value,
        "cost_basis": held.cost_basis,
        "quantity": held.quantity,
        "iso_currency_code": currency,
        "unofficial_currency_code": None,
        "vested_quantity": held.vested_quantity,
        "vested_value": held.vested_value,
    }


def _custom_holding(account_id: str, held: CustomHolding) -> JSON:
    return {
        "account_id": account_id,
        "security_id": held.security.security_id,
        "institution_price": held.price,
        "institution_price_as_of": held.price_as_of,
        "institution_price_datetime": None,
        "institution_value": round(held.quantity * held.price, 4),
        "cost_basis": held.cost_basis,
        "quantity": held.quantity,
        "iso_currency_code": held.iso_currency_code,
        "unofficial_currency_code": held.unofficial_currency_code,
        "vested_quantity": None,
        "vested_value": None,
    }


def securities_json(securities: Iterable[Security], now: datetime) -> list[JSON]:
    return [security_json(security, now) for security in securities]


# Sort key of a transaction: newest first, then the institution's account order, then the
# order of the day's activity, so that pages never shift.
Ordered = tuple[int, int, int, JSON, Security | None]


def transactions_json(
    item_id: str, seed: str, found: Sequence[Portfolio], start: date, end: date
) -> list[tuple[JSON, Security | None]]:
    """The portfolios' investment transactions dated `start` to `end`, newest first."""
    ordered: list[Ordered] = []
    for portfolio in found:
        account = portfolio.account
        if portfolio.profile is not None:
            entries = generator.activity(seed, portfolio.profile, start, end)
            for sequence, entry in enumerate(entries):
                body = _generated_transaction(item_id, account.id, account.iso_currency_code, entry)
                ordered.append(
                    (-entry.date.toordinal(), portfolio.position, sequence, body, entry.security)
                )
        for custom in portfolio.custom_activity:
            if start <= custom.date <= end:
                body = _custom_transaction(item_id, account.id, custom)
                ordered.append(
                    (
                        -custom.date.toordinal(),
                        portfolio.position,
                        custom.index,
                        body,
                        custom.security,
                    )
                )
    ordered.sort(key=lambda row: row[:3])
    return [(body, security) for *_, body, security in ordered]


def _generated_transaction(
    item_id: str, account_id: str, currency: str | None, entry: generator.Activity
) -> JSON:
    return {
        "investment_transaction_id": plaid_id(
            "investment_transaction", item_id, account_id, entry.key
        ),
        "account_id": account_id,
        "security_id": entry.security.security_id if entry.security is not None else None,
        "date": entry.date.isoformat(),
        "transaction_datetime": entry.executed_at,
        "name": entry.name,
        "quantity": entry.quantity,
        "amount": entry.amount,
        "price": entry.price,
        "fees": entry.fees,
        "type": entry.type,
        "subtype": entry.subtype,
        "iso_currency_code": currency,
        "unofficial_currency_code": None,
        "cancel_transaction_id": None,
    }


def _custom_transaction(item_id: str, account_id: str, entry: CustomActivity) -> JSON:
    return {
        "investment_transaction_id": plaid_id(
            "investment_transaction", item_id, account_id, f"custom:{entry.index}"
        ),
        "account_id": account_id,
        "security_id": entry.security.security_id if entry.security is not None else None,
        "date": entry.date.isoformat(),
        "transaction_datetime": None,
        "name": entry.name,
        "quantity": entry.quantity,
        "amount": entry.amount,
        "price": entry.price,
        "fees": entry.fees,
        "type": entry.type,
        "subtype": entry.subtype,
        "iso_currency_code": entry.iso_currency_code,
        "unofficial_currency_code": entry.unofficial_currency_code,
        "cancel_transaction_id": None,
    }
