"""An asset report as a PDF: a cover summary, then every account with its balances, a
week-by-week balance history and the window's transactions. It is drawn from the same stored
report the JSON reads show, so every name, mask and figure agrees with /asset_report/get."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any, Final

from gingham.pdf.document import Column, ReportDocument, format_money

ISSUER: Final = "Gingham Assets"
# One historical balance row a week (the newest day, then every seventh day back).
_HISTORY_STEP: Final = 7

_ITEM_COLUMNS: Final = (
    Column("Institution", 0.34),
    Column("Accounts", 0.12, "right"),
    Column("Deposits", 0.18, "right"),
    Column("Investments", 0.18, "right"),
    Column("Credit and loans", 0.18, "right"),
)
_ACCOUNT_COLUMNS: Final = (
    Column("Account", 0.3),
    Column("Mask", 0.08),
    Column("Type", 0.28),
    Column("Current balance", 0.18, "right"),
    Column("Days available", 0.16, "right"),
)
_HISTORY_COLUMNS: Final = (
    Column("Date", 0.4),
    Column("Balance", 0.3, "right"),
    Column("Change on the week", 0.3, "right"),
)
_TRANSACTION_COLUMNS: Final = (
    Column("Date", 0.13),
    Column("Description", 0.5),
    Column("Debits", 0.17, "right"),
    Column("Credits", 0.2, "right"),
)
_HOLDING_COLUMNS: Final = (
    Column("Security", 0.4),
    Column("Ticker", 0.12),
    Column("Quantity", 0.16, "right"),
    Column("Price", 0.14, "right"),
    Column("Value", 0.18, "right"),
)
_OWED_TYPES: Final = frozenset({"credit", "loan"})
_NONE: Final = "\u2014"


def render(report: dict[str, Any]) -> bytes:
    user = report["user"]
    person = " ".join(
        part
        for part in (user.get("first_name"), user.get("middle_name"), user.get("last_name"))
        if part
    )
    generated = report["date_generated"][:10]
    document = ReportDocument(
        issuer=ISSUER,
        title="Asset Report",
        subtitle=f"Prepared for {person or 'the account holder'} on {_long_date(generated)}",
        document_title=f"Asset Report {report['asset_report_id']}",
    )
    document.facts(
        [
            ("Asset report ID", report["asset_report_id"]),
            ("Client report ID", report.get("client_report_id") or _NONE),
            ("Generated", report["date_generated"].replace("T", " ").replace("Z", " UTC")),
            ("Days requested", str(report["days_requested"])),
            ("Name", person or _NONE),
            ("Client user ID", user.get("client_user_id") or _NONE),
            ("Email", user.get("email") or _NONE),
            ("Phone", user.get("phone_number") or _NONE),
        ]
    )
    document.heading("Summary")
    document.table(_ITEM_COLUMNS, [_item_row(item) for item in report["items"]])
    document.paragraph(
        "Balances are as reported by each institution on the day the report was generated.",
        muted=True,
    )
    for item in report["items"]:
        document.subheading(f"{item['institution_name']} (Item {item['item_id']})")
        document.table(_ACCOUNT_COLUMNS, [_account_row(a) for a in item["accounts"]])
    for item in report["items"]:
        first = True
        for account in item["accounts"]:
            # Accounts with a history start a page; the others follow on the same one.
            if first or account["historical_balances"] or account["transactions"]:
                document.page_break()
            else:
                document.space(10)
            first = False
            _account(document, item, account)
    return document.render()


def _account_row(account: dict[str, Any]) -> list[str]:
    balances = account["balances"]
    return [
        account["name"],
        account["mask"] or _NONE,
        f"{account['type']} / {account['subtype'] or _NONE}",
        format_money(balances["current"], balances["iso_currency_code"]),
        str(account["days_available"]),
    ]


def _item_row(item: dict[str, Any]) -> list[str]:
    accounts = item["accounts"]

    def total(types: Sequence[str]) -> str:
        currency = next((a["balances"]["iso_currency_code"] for a in accounts), "USD")
        return format_money(
            sum(a["balances"]["current"] or 0 for a in accounts if a["type"] in types), currency
        )

    return [
        item["institution_name"],
        str(len(accounts)),
        total(("depository",)),
        total(("investment",)),
        total(tuple(_OWED_TYPES)),
    ]


def _account(document: ReportDocument, item: dict[str, Any], account: dict[str, Any]) -> None:
    balances = account["balances"]
    currency = balances["iso_currency_code"] or balances["unofficial_currency_code"]
    mask = f" \u2022\u2022{account['mask']}" if account["mask"] else ""
    document.heading(f"{account['name']}{mask}")
    owners = "; ".join(name for owner in account["owners"] for name in owner.get("names", []))
    document.facts(
        [
            ("Institution", item["institution_name"]),
            ("Account mask", account["mask"] or _NONE),
            ("Official name", account["official_name"] or _NONE),
            ("Type", f"{account['type']} / {account['subtype'] or _NONE}"),
            ("Current balance", format_money(balances["current"], currency)),
            ("Available balance", format_money(balances["available"], currency)),
            ("Limit", format_money(balances["limit"], currency)),
            ("Days available", str(account["days_available"])),
            ("Owners", owners or _NONE),
            ("Ownership", account.get("ownership_type") or _NONE),
        ]
    )
    if "investments" in account:
        _holdings(document, account["investments"], currency)
    history = account["historical_balances"]
    if history:
        document.subheading("Historical balances (weekly)")
        weekly = history[::_HISTORY_STEP]
        rows = [
            [
                _long_date(entry["date"]),
                format_money(entry["current"], currency),
                format_money(entry["current"] - earlier["current"], currency)
                if earlier is not None
                else _NONE,
            ]
            for entry, earlier in zip(weekly, [*weekly[1:], None], strict=True)
        ]
        document.table(_HISTORY_COLUMNS, rows)
    if account["type"] in ("depository", "credit"):
        transactions = account["transactions"]
        document.subheading(f"Transactions ({len(transactions)})")
        debits = sum(t["amount"] for t in transactions if t["amount"] > 0)
        credits = -sum(t["amount"] for t in transactions if t["amount"] < 0)
        document.table(
            _TRANSACTION_COLUMNS,
            [_transaction_row(t, currency) for t in transactions],
            total=["", "Total", format_money(debits, currency), format_money(credits, currency)],
            empty="No transactions in the period of this report.",
        )


def _holdings(document: ReportDocument, investments: dict[str, Any], currency: str | None) -> None:
    names = {s["security_id"]: s["name"] or s["security_id"] for s in investments["securities"]}
    holdings = investments["holdings"]
    document.subheading(f"Holdings ({len(holdings)})")
    document.table(
        _HOLDING_COLUMNS,
        [
            [
                names.get(h["security_id"], h["security_id"]),
                h["ticker_symbol"] or _NONE,
                f"{h['quantity']:,.4f}".rstrip("0").rstrip("."),
                format_money(h["institution_price"], currency),
                format_money(h["institution_value"], currency),
            ]
            for h in holdings
        ],
        total=[
            "Total",
            "",
            "",
            "",
            format_money(sum(h["institution_value"] for h in holdings), currency),
        ],
        empty="No holdings.",
    )


def _transaction_row(transaction: dict[str, Any], currency: str | None) -> list[str]:
    amount = transaction["amount"]
    description = transaction["original_description"] or transaction.get("name") or ""
    if transaction["pending"]:
        description += " (pending)"
    return [
        transaction["date"],
        description,
        format_money(amount, currency) if amount > 0 else "",
        format_money(-amount, currency) if amount < 0 else "",
    ]


def _long_date(iso: str) -> str:
    return date.fromisoformat(iso[:10]).strftime("%B %-d, %Y")
