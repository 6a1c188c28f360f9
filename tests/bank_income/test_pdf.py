"""/credit/bank_income/pdf/get: the latest report as a PDF with the JSON's figures."""

from __future__ import annotations

import subprocess
from pathlib import Path

from gingham.pdf.document import format_money
from tests.bank_income.helpers import bank_income, link_for_income, new_user
from tests.builders import PlaidCaller


def pdf_of(plaid: PlaidCaller, user_token: str) -> bytes:
    response = plaid.post("/credit/bank_income/pdf/get", {"user_token": user_token})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["plaid-request-id"]
    return response.content


def text_of(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout


class TestPdf:
    def test_has_the_figures_of_the_json_report(self, plaid: PlaidCaller, tmp_path: Path) -> None:
        user = new_user(plaid)
        link_for_income(plaid, user["user_token"], days=90)
        [report] = bank_income(plaid, user["user_token"])
        pdf = pdf_of(plaid, user["user_token"])
        assert pdf.startswith(b"%PDF-")
        text = text_of(pdf, tmp_path)
        assert "Bank Income Report" in text
        assert report["bank_income_id"][:20] in text
        assert format_money(report["bank_income_summary"]["total_amount"]) in text
        [item] = report["items"]
        assert "First Platypus Bank" in text
        for account in item["bank_income_accounts"]:
            assert f"{account['name']} (\u2022\u2022{account['mask']})" in text
        for source in item["bank_income_sources"]:
            assert format_money(source["total_amount"]) in text
            for month in source["historical_summary"]:
                for deposit in month["transactions"]:
                    assert format_money(deposit["amount"]) in text
        salary = next(s for s in item["bank_income_sources"] if s["income_category"] == "SALARY")
        employer = salary["income_description"].split(" PAYROLL")[0]
        assert employer in text
        assert "Every two weeks" in text

    def test_page_one_renders(self, plaid: PlaidCaller, tmp_path: Path) -> None:
        user = new_user(plaid)
        link_for_income(plaid, user["user_token"])
        (tmp_path / "report.pdf").write_bytes(pdf_of(plaid, user["user_token"]))
        subprocess.run(
            ["pdftoppm", "-png", "-r", "40", "-f", "1", "-l", "1", "report.pdf", "page"],
            check=True,
            cwd=tmp_path,
        )
        [page] = list(tmp_path.glob("page-*.png"))
        assert page.read_bytes().startswith(b"\x89PNG")

    def test_no_report_no_pdf(self, plaid: PlaidCaller) -> None:
        user = new_user(plaid)
        error = plaid.error("/credit/bank_income/pdf/get", {"user_token": user["user_token"]})
        assert error["error_code"] == "INCOME_VERIFICATION_NOT_FOUND"
