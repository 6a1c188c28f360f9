"""The bank income report as a PDF (/credit/bank_income/pdf/get): the same figures as the
JSON report, for a person to read: the summary, then each Item's accounts and income sources,
each source with its months and the deposits behind them."""

from __future__ import annotations

from datetime import date
from typing import Any

from gingham.pdf.document import Column, ReportDocument, format_money

_CATEGORY_NAMES = {
    "SALARY": "Salary",
    "BANK_INTEREST": "Bank interest",
    "TAX_REFUND": "Tax refund",
    "RETIREMENT": "Retirement",
    "UNEMPLOYMENT": "Unemployment",
    "MILITARY": "Military",
    "OTHER": "Other",
}
_FREQUENCY_NAMES = {
    "DAILY": "Daily",
    "WEEKLY": "Weekly",
    "BIWEEKLY": "Every two weeks",
    "SEMI_MONTHLY": "Twice a month",
    "MONTHLY": "Monthly",
    "UNKNOWN": "Irregular",
}


def _day(text: str) -> str:
    return date.fromisoformat(text).strftime("%b %d, %Y")


def _month(entry: dict[str, Any]) -> str:
    return date.fromisoformat(entry["start_date"]).strftime("%B %Y")


def _account_label(account: dict[str, Any]) -> str:
    mask = f" (\u2022\u2022{account['mask']})" if account.get("mask") else ""
    return f"{account['name']}{mask}"


def render(report: dict[str, Any]) -> bytes:
    summary = report["bank_income_summary"]
    currency = summary["iso_currency_code"]
    institutions = ", ".join(sorted({i["institution_name"] or "" for i in report["items"]}))
    document = ReportDocument(
        issuer="Gingham",
        title="Bank Income Report",
        subtitle=(
            f"Generated {report['generated_time'][:10]} \u00b7 {report['days_requested']} days "
            f"requested \u00b7 {institutions or 'no institutions'}"
        ),
        document_title=f"Bank Income Report {report['bank_income_id']}",
    )
    document.heading("Summary")
    document.facts(
        [
            ("Total income", format_money(summary["total_amount"], currency)),
            ("Income sources", str(summary["income_sources_count"])),
            ("First deposit", _day(summary["start_date"])),
            ("Income categories", str(summary["income_categories_count"])),
            ("Last deposit", _day(summary["end_date"])),
            ("Deposits", str(summary["income_transactions_count"])),
            ("Report ID", report["bank_income_id"]),
        ]
    )
    document.space(6)
    _months_table(document, summary["historical_summary"], currency)
    _sources_table(document, report, currency)
    for warning in report["warnings"]:
        cause = warning["cause"]
        document.paragraph(
            f"Item {cause['item_id']} was left out ({cause['error_code']}): "
            f"{cause['error_message']}",
            muted=True,
        )
    for item in report["items"]:
        _item(document, item, currency)
    return document.render()


def _months_table(document: ReportDocument, months: list[dict[str, Any]], currency: str) -> None:
    rows = [
        [
            _month(m),
            f"{_day(m['start_date'])} \u2013 {_day(m['end_date'])}",
            str(len(m["transactions"])),
            format_money(m["total_amount"], currency),
        ]
        for m in months
        if m["transactions"]
    ]
    total = sum(m["total_amount"] for m in months)
    document.table(
        [
            Column("Month", 0.3),
            Column("Period", 0.36),
            Column("Deposits", 0.12, "right"),
            Column("Income", 0.22, "right"),
        ],
        rows,
        total=[
            "Total",
            "",
            str(sum(len(m["transactions"]) for m in months)),
            format_money(total, currency),
        ],
        empty="No income deposits in this period.",
    )


def _source_title(source: dict[str, Any], item: dict[str, Any]) -> str:
    """The source's description, with its account when another source reads the same (each
    account's interest is an INTEREST PAYMENT)."""
    same = [
        s
        for s in item["bank_income_sources"]
        if s["income_description"] == source["income_description"]
    ]
    if len(same) < 2:
        return str(source["income_description"])
    account = next(
        (a for a in item["bank_income_accounts"] if a["account_id"] == source["account_id"]), None
    )
    where = _account_label(account) if account else source["account_id"]
    return f"{source['income_description']} · {where}"


def _sources_table(document: ReportDocument, report: dict[str, Any], currency: str) -> None:
    document.subheading("Income sources")
    rows = [
        [
            _source_title(source, item),
            _CATEGORY_NAMES.get(source["income_category"], source["income_category"]),
            _FREQUENCY_NAMES.get(source["pay_frequency"], source["pay_frequency"]),
            str(source["transaction_count"]),
            format_money(source["total_amount"], currency),
        ]
        for item in report["items"]
        for source in item["bank_income_sources"]
    ]
    document.table(
        [
            Column("Source", 0.43),
            Column("Category", 0.14),
            Column("Frequency", 0.16),
            Column("Deposits", 0.11, "right"),
            Column("Total", 0.16, "right"),
        ],
        rows,
        empty="No income sources were found.",
    )


def _item(document: ReportDocument, item: dict[str, Any], currency: str) -> None:
    document.page_break()
    document.heading(f"{item['institution_name'] or item['institution_id']}")
    accounts = {a["account_id"]: a for a in item["bank_income_accounts"]}
    document.table(
        [
            Column("Account", 0.34),
            Column("Type", 0.2),
            Column("Owner", 0.46),
        ],
        [
            [
                _account_label(a),
                a["subtype"],
                ", ".join(n for o in a["owners"] for n in o["names"]) or "\u2014",
            ]
            for a in item["bank_income_accounts"]
        ],
        empty="No depository accounts.",
    )
    if not item["bank_income_sources"]:
        document.paragraph("No income deposits were found in these accounts.", muted=True)
    for source in item["bank_income_sources"]:
        account = accounts.get(source["account_id"])
        document.subheading(_source_title(source, item))
        document.facts(
            [
                (
                    "Category",
                    _CATEGORY_NAMES.get(source["income_category"], source["income_category"]),
                ),
                ("Total", format_money(source["total_amount"], currency)),
                (
                    "Frequency",
                    _FREQUENCY_NAMES.get(source["pay_frequency"], source["pay_frequency"]),
                ),
                ("Deposits", str(source["transaction_count"])),
                ("Account", _account_label(account) if account else source["account_id"]),
                (
                    "Period",
                    f"{_day(source['start_date'])} \u2013 {_day(source['end_date'])}",
                ),
            ]
        )
        document.space(4)
        _months_table(document, source["historical_summary"], currency)
        document.space(4)
        deposits = [t for m in source["historical_summary"] for t in m["transactions"]]
        document.table(
            [Column("Date", 0.18), Column("Description", 0.64), Column("Amount", 0.18, "right")],
            [[_day(t["date"]), t["name"], format_money(t["amount"], currency)] for t in deposits],
        )
