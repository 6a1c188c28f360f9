"""/asset_report/pdf/get: a PDF of the same report the JSON shows, read as a user's viewer
reads it (poppler's pdftotext and pdftoppm)."""

from __future__ import annotations

from typing import Any

from gingham.pdf.document import format_money
from tests.assets.helpers import (
    accounts_by_mask,
    assets_item,
    built,
    get,
    pdf_page_renders,
    pdf_text,
)
from tests.builders import PlaidCaller


def pdf_of(plaid: PlaidCaller, token: str, **fields: Any) -> bytes:
    response = plaid.post("/asset_report/pdf/get", {"asset_report_token": token, **fields})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["plaid-request-id"]
    return response.content


class TestAssetReportPdf:
    def test_the_pdf_shows_the_reports_accounts_and_figures(self, plaid: PlaidCaller) -> None:
        created = built(
            plaid,
            [assets_item(plaid)],
            30,
            client_report_id="loan-42",
            user={"first_name": "Jane", "last_name": "Doe", "email": "jane.doe@example.com"},
        )
        report = get(plaid, created["asset_report_token"], include_insights=True)["report"]
        content = pdf_of(plaid, created["asset_report_token"])
        assert content.startswith(b"%PDF")
        text = pdf_text(content)
        for needed in (
            report["asset_report_id"],
            "loan-42",
            "Jane Doe",
            "jane.doe@example.com",
            "First Platypus Bank",
        ):
            assert needed in text
        for mask, account in accounts_by_mask(report).items():
            assert account["name"] in text
            assert mask in text
            assert format_money(account["balances"]["current"]) in text
        checking = accounts_by_mask(report)["0000"]
        for transaction in checking["transactions"]:
            assert format_money(abs(transaction["amount"])) in text
            assert transaction["original_description"].split()[0] in text
        for weekly in checking["historical_balances"][::7]:
            assert format_money(weekly["current"]) in text

    def test_the_first_page_renders(self, plaid: PlaidCaller) -> None:
        token = built(plaid, [assets_item(plaid)])["asset_report_token"]
        assert pdf_page_renders(pdf_of(plaid, token)).startswith(b"\x89PNG")

    def test_the_same_report_downloads_as_the_same_file(self, plaid: PlaidCaller) -> None:
        token = built(plaid, [assets_item(plaid)])["asset_report_token"]
        assert pdf_of(plaid, token) == pdf_of(plaid, token)

    def test_days_to_include(self, plaid: PlaidCaller) -> None:
        token = built(plaid, [assets_item(plaid)], 60)["asset_report_token"]
        report = get(plaid, token)["report"]
        oldest = accounts_by_mask(report)["0000"]["historical_balances"][-1]["date"]
        short = pdf_text(pdf_of(plaid, token, options={"days_to_include": 7}))
        full = pdf_text(pdf_of(plaid, token))
        assert len(short) < len(full)
        assert oldest not in short
