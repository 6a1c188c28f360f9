"""A monthly bank statement as a PDF: the bank's letterhead, the account holder and account,
a summary of the month, and its transactions with the balance after each."""

from __future__ import annotations

from typing import Any

from gingham.accounts.service import AccountRecord
from gingham.pdf.document import Column, ReportDocument, format_money
from gingham.statements.figures import StatementFigures
from gingham.statements.service import Statement

_TRANSACTIONS = (
    Column("Date", 0.11),
    Column("Description", 0.45),
    Column("Money out", 0.14, "right"),
    Column("Money in", 0.14, "right"),
    Column("Balance", 0.16, "right"),
)
_CARD_TRANSACTIONS = (
    Column("Date", 0.11),
    Column("Description", 0.45),
    Column("Charges", 0.14, "right"),
    Column("Payments", 0.14, "right"),
    Column("Balance owed", 0.16, "right"),
)


def _address(owner: dict[str, Any]) -> str:
    addresses = owner.get("addresses") or []
    home = next((a for a in addresses if a.get("primary")), addresses[0] if addresses else None)
    if home is None:
        return "\u2014"
    data = home["data"]
    parts = [
        data.get("street"),
        data.get("city"),
        " ".join(p for p in (data.get("region"), data.get("postal_code")) if p),
    ]
    return ", ".join(p for p in parts if p)


def account_number(account: AccountRecord) -> str:
    return f"ending in {account.mask}" if account.mask else "\u2014"


def render(
    *,
    institution_name: str,
    statement: Statement,
    owner: dict[str, Any] | None,
    figures: StatementFigures,
) -> bytes:
    account = statement.account
    month = statement.month
    currency = figures.currency

    def money(amount: Any) -> str:
        return format_money(amount, currency)

    period = f"{month.period_start:%B} 1 \u2013 {month.period_end:%B} {month.period_end.day}, {month.year}"
    document = ReportDocument(
        issuer=institution_name,
        title=f"{account.name} statement",
        subtitle=f"Statement period {period}",
        document_title=f"Statement {month.period_start:%B %Y}",
    )
    holder = (owner or {}).get("names") or ["\u2014"]
    document.facts(
        [
            ("Account holder", holder[0]),
            ("Account", account.official_name or account.name),
            ("Address", _address(owner or {})),
            ("Account number", account_number(account)),
            ("Statement date", f"{month.period_end:%B} {month.period_end.day}, {month.year}"),
            ("Account type", (account.subtype or account.type).title()),
        ]
    )
    document.heading("Summary")
    if figures.owed:
        summary = [
            ("Previous balance", money(figures.opening_balance)),
            ("New balance", money(figures.closing_balance)),
            ("Purchases and charges", money(figures.money_out)),
            ("Payments and credits", money(-figures.money_in)),
        ]
    else:
        summary = [
            ("Opening balance", money(figures.opening_balance)),
            ("Closing balance", money(figures.closing_balance)),
            ("Total deposits", money(figures.money_in)),
            ("Total withdrawals", money(-figures.money_out)),
        ]
    document.facts(summary)
    document.heading("Transactions")
    opening_label = "Previous balance" if figures.owed else "Opening balance"
    rows = [[f"{month.period_start:%m/%d}", opening_label, "", "", money(figures.opening_balance)]]
    for line in figures.lines:
        out = money(line.amount) if line.amount > 0 else ""
        into = money(-line.amount) if line.amount < 0 else ""
        rows.append([f"{line.date:%m/%d}", line.description, out, into, money(line.balance)])
    document.table(
        _CARD_TRANSACTIONS if figures.owed else _TRANSACTIONS,
        rows,
        total=[
            f"{month.period_end:%m/%d}",
            "New balance" if figures.owed else "Closing balance",
            money(figures.money_out),
            money(figures.money_in),
            money(figures.closing_balance),
        ],
    )
    document.space(10)
    document.paragraph(
        f"{len(figures.lines)} transactions in this period. Amounts are in {currency}. "
        f"Questions about this statement? Contact {institution_name}.",
        muted=True,
    )
    return document.render()
