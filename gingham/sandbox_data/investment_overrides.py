"""user_custom's `holdings` and `investment_transactions` (Plaid's HoldingsOverride and
Investments_TransactionsOverride), read into the shapes the generator produces.

Plaid documents each as an object and its examples give lists of them: both are accepted. A
security is found in the catalogue by its ticker, CUSIP or ISIN; an unknown one becomes a security
of its own (an option when its ticker is an OCC symbol, as Plaid's Sandbox does).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from gingham.sandbox_data.liabilities import InvalidCustomData
from gingham.sandbox_data.securities import (
    CATALOGUE,
    OCC_SYMBOL,
    Security,
    cusip_check_digit,
)

_ISO_CURRENCY = re.compile(r"[A-Z]{3}")
_TRANSACTION_TYPES = {
    "buy": "buy",
    "sell": "sell",
    "cash": "deposit",
    "fee": "account fee",
    "transfer": "transfer",
    "cancel": "cancel",
}


@dataclass(frozen=True, slots=True)
class CustomHolding:
    security: Security
    quantity: float
    price: float
    price_as_of: str | None
    cost_basis: float | None
    iso_currency_code: str | None
    unofficial_currency_code: str | None


@dataclass(frozen=True, slots=True)
class CustomActivity:
    index: int
    security: Security | None
    date: date
    name: str
    quantity: float
    price: float
    fees: float
    type: str
    subtype: str
    amount: float
    iso_currency_code: str | None
    unofficial_currency_code: str | None


def _entries(value: Any, where: str) -> list[dict[str, Any]]:
    entries = value if isinstance(value, list) else [value]
    for index, entry in enumerate(entries):
        if not isinstance(entry, dict):
            raise InvalidCustomData(f"{where}[{index}] must be an object")
    return entries


def custom_holdings(value: Any, where: str) -> list[CustomHolding]:
    held = []
    for index, entry in enumerate(_entries(value, where)):
        at = f"{where}[{index}]"
        _require(entry, at, "institution_price", "quantity", "currency", "security")
        iso, unofficial = _currency(entry["currency"], f"{at}.currency")
        price_as_of = entry.get("institution_price_as_of")
        if price_as_of is not None:
            price_as_of = _date(price_as_of, f"{at}.institution_price_as_of").isoformat()
        cost = entry.get("cost_basis")
        held.append(
            CustomHolding(
                security=custom_security(entry["security"], f"{at}.security"),
                quantity=_number(entry["quantity"], f"{at}.quantity"),
                price=_number(entry["institution_price"], f"{at}.institution_price"),
                price_as_of=price_as_of,
                cost_basis=None if cost is None else _number(cost, f"{at}.cost_basis"),
                iso_currency_code=iso,
                unofficial_currency_code=unofficial,
            )
        )
    return held


def custom_activity(value: Any, where: str) -> list[CustomActivity]:
    found = []
    for index, entry in enumerate(_entries(value, where)):
        at = f"{where}[{index}]"
        _require(entry, at, "date", "name", "quantity", "price", "type", "currency")
        kind = entry["type"]
        if kind not in _TRANSACTION_TYPES:
            raise InvalidCustomData(f"{at}.type must be one of {', '.join(_TRANSACTION_TYPES)}")
        if not isinstance(entry["name"], str):
            raise InvalidCustomData(f"{at}.name must be a string")
        quantity = _number(entry["quantity"], f"{at}.quantity")
        if (kind == "buy" and quantity < 0) or (kind == "sell" and quantity > 0):
            raise InvalidCustomData(
                f"{at}.quantity must be positive for a buy and negative for a sell"
            )
        price = _number(entry["price"], f"{at}.price")
        fees = _number(entry.get("fees", 0), f"{at}.fees")
        iso, unofficial = _currency(entry["currency"], f"{at}.currency")
        security = entry.get("security")
        found.append(
            CustomActivity(
                index=index,
                security=None if security is None else custom_security(security, f"{at}.security"),
                date=_date(entry["date"], f"{at}.date"),
                name=entry["name"],
                quantity=quantity,
                price=price,
                fees=fees,
                type=kind,
                subtype=_TRANSACTION_TYPES[kind],
                # Plaid's sign: what the account paid (a buy and its fees) is positive.
                amount=round(quantity * price + fees, 2),
                iso_currency_code=iso,
                unofficial_currency_code=unofficial,
            )
        )
    return found


def custom_security(value: Any, where: str) -> Security:
    if not isinstance(value, dict):
        raise InvalidCustomData(f"{where} must be an object")
    ticker, cusip, isin = (value.get(key) for key in ("ticker_symbol", "cusip", "isin"))
    for key, given in (
        ("ticker_symbol", ticker),
        ("cusip", cusip),
        ("isin", isin),
        ("name", value.get("name")),
    ):
        if given is not None and not isinstance(given, str):
            raise InvalidCustomData(f"{where}.{key} must be a string")
    if ticker is None and cusip is None and isin is None and value.get("sedol") is None:
        raise InvalidCustomData(f"{where} needs a ticker_symbol, cusip or isin")
    if cusip is not None and (len(cusip) != 9 or cusip_check_digit(cusip[:8]) != cusip[8]):
        raise InvalidCustomData(f"{where}.cusip {cusip} is not a valid CUSIP")
    if isin is not None and not re.fullmatch(r"[A-Z]{2}[A-Z0-9]{9}\d", isin):
        raise InvalidCustomData(f"{where}.isin {isin} is not a valid ISIN")
    for known in CATALOGUE:
        if (
            (ticker and known.ticker_symbol == ticker)
            or (cusip and known.cusip == cusip)
            or (isin and known.isin == isin)
        ):
            return known
    iso: str | None = "USD"
    unofficial: str | None = None
    if value.get("currency") is not None:
        iso, unofficial = _currency(value["currency"], f"{where}.currency")
    identifier = ticker or cusip or isin or str(value.get("sedol"))
    security = Security(
        key=f"custom:{identifier}",
        name=value.get("name") or identifier,
        ticker_symbol=ticker,
        cusip_base=cusip[:8] if cusip else None,
        type="equity",
        subtype="common stock",
        close_price=1.0,
        iso_currency_code=iso,
        unofficial_currency_code=unofficial,
        given_isin=isin,
    )
    option = OCC_SYMBOL.fullmatch(ticker or "")
    if option is None:
        return security
    underlying, expiry, kind, strike = option.groups()
    expires = datetime.strptime(expiry, "%y%m%d").date()
    return replace(
        security,
        type="derivative",
        subtype="option",
        option_contract={
            "contract_type": "call" if kind == "C" else "put",
            "expiration_date": expires.isoformat(),
            "strike_price": int(strike) / 1000,
            "underlying_security_ticker": underlying,
        },
    )


def _require(entry: dict[str, Any], where: str, *fields: str) -> None:
    missing = [field for field in fields if entry.get(field) is None]
    if missing:
        raise InvalidCustomData(f"{where} is missing {', '.join(missing)}")


def _number(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise InvalidCustomData(f"{where} must be a number")
    return float(value)


def _date(value: Any, where: str) -> date:
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        raise InvalidCustomData(f"{where} must be a date in YYYY-MM-DD format") from None


def _currency(value: Any, where: str) -> tuple[str | None, str | None]:
    if not isinstance(value, str) or not value:
        raise InvalidCustomData(f"{where} must be a currency code")
    return (value, None) if _ISO_CURRENCY.fullmatch(value) else (None, value)
