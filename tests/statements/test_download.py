"""/statements/download: a month's statement as a PDF whose transactions are those
/transactions/get serves for the month, with balances that walk from the account's balance
today; and the statement ids it refuses."""

from __future__ import annotations

import subprocess
from decimal import Decimal
from pathlib import Path
from typing import Any

from gingham.pdf.document import format_money
from tests.builders import PlaidCaller
from tests.statements.helpers import by_mask, download, listed, pdf_text, statements_item
from tests.transactions.helpers import PULL, advance


def transactions(
    plaid: PlaidCaller, token: str, account_id: str, start: str, end: str
) -> list[dict[str, Any]]:
    answer = plaid.ok(
        "/transactions/get",
        {
            "access_token": token,
            "start_date": start,
            "end_date": end,
            "options": {"account_ids": [account_id], "count": 500},
        },
    )
    assert answer["total_transactions"] == len(answer["transactions"])
    found: list[dict[str, Any]] = answer["transactions"]
    return found


def moved(found: list[dict[str, Any]]) -> Decimal:
    return sum((Decimal(str(t["amount"])) for t in found), Decimal(0))


class TestStatementsDownload:
    def test_the_statement_agrees_with_transactions_and_balances(
        self, plaid: PlaidCaller, tmp_path: Path
    ) -> None:
        linked = statements_item(
            plaid, "2026-01-01", "2026-02-28", products=["statements", "transactions"]
        )
        advance(plaid, PULL)
        advance(plaid, PULL)
        token = linked.access_token
        checking = by_mask(listed(plaid, token))["0000"]
        january, february = checking["statements"]
        account_id = checking["account_id"]

        current = plaid.ok("/accounts/get", {"access_token": token})["accounts"]
        today_balance = Decimal(
            str(next(a for a in current if a["account_id"] == account_id)["balances"]["current"])
        )
        # Walking back from today's balance: February closed with what has left since.
        since = transactions(plaid, token, account_id, "2026-03-01", "2026-03-02")
        in_february = transactions(plaid, token, account_id, "2026-02-01", "2026-02-28")
        in_january = transactions(plaid, token, account_id, "2026-01-01", "2026-01-31")
        february_close = today_balance + moved(since)
        january_close = february_close + moved(in_february)
        january_open = january_close + moved(in_january)

        text = pdf_text(download(plaid, token, january["statement_id"]), tmp_path)
        assert "First Platypus Bank" in text
        assert "Plaid Checking statement" in text
        assert "ending in 0000" in text
        assert "Alberta Bobbeth Charleson" in text
        assert "January 1 \u2013 January 31, 2026" in text
        assert f"Opening balance {format_money(january_open)}" in " ".join(text.split())
        assert f"Closing balance {format_money(january_close)}" in " ".join(text.split())
        deposits = -sum(
            (Decimal(str(t["amount"])) for t in in_january if t["amount"] < 0), Decimal(0)
        )
        assert f"Total deposits {format_money(deposits)}" in " ".join(text.split())
        for transaction in in_january:
            assert format_money(abs(transaction["amount"])) in text
        assert len(in_january) > 10

        text = pdf_text(download(plaid, token, february["statement_id"]), tmp_path)
        assert f"Opening balance {format_money(january_close)}" in " ".join(text.split())
        assert f"Closing balance {format_money(february_close)}" in " ".join(text.split())

    def test_a_credit_card_statement(self, plaid: PlaidCaller, tmp_path: Path) -> None:
        linked = statements_item(plaid, "2026-01-01", "2026-01-31")
        card = by_mask(listed(plaid, linked.access_token))["3333"]
        content = download(plaid, linked.access_token, card["statements"][0]["statement_id"])
        text = " ".join(pdf_text(content, tmp_path).split())
        for words in (
            "Plaid Credit Card statement",
            "ending in 3333",
            "Previous balance",
            "New balance",
            "Purchases and charges",
            "Payments and credits",
        ):
            assert words in text

    def test_the_same_statement_downloads_as_the_same_file(self, plaid: PlaidCaller) -> None:
        linked = statements_item(plaid)
        statement_id = listed(plaid, linked.access_token)["accounts"][0]["statements"][0][
            "statement_id"
        ]
        first = download(plaid, linked.access_token, statement_id)
        assert first.startswith(b"%PDF-")
        assert download(plaid, linked.access_token, statement_id) == first

    def test_page_one_renders(self, plaid: PlaidCaller, tmp_path: Path) -> None:
        linked = statements_item(plaid)
        statement_id = listed(plaid, linked.access_token)["accounts"][0]["statements"][0][
            "statement_id"
        ]
        path = tmp_path / "statement.pdf"
        path.write_bytes(download(plaid, linked.access_token, statement_id))
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-r",
                "40",
                "-f",
                "1",
                "-l",
                "1",
                str(path),
                str(tmp_path / "page"),
            ],
            check=True,
        )
        [page] = tmp_path.glob("page*.png")
        assert page.stat().st_size > 5000


class TestStatementIds:
    def test_an_unknown_statement_id(self, plaid: PlaidCaller) -> None:
        linked = statements_item(plaid)
        error = plaid.error(
            "/statements/download",
            {"access_token": linked.access_token, "statement_id": "not-a-statement"},
        )
        assert (error["error_type"], error["error_code"]) == ("INVALID_REQUEST", "INVALID_FIELD")
        assert "'not-a-statement' is not a statement of this Item" in error["error_message"]

    def test_another_items_statement(self, plaid: PlaidCaller) -> None:
        mine, theirs = statements_item(plaid), statements_item(plaid)
        statement_id = listed(plaid, theirs.access_token)["accounts"][0]["statements"][0][
            "statement_id"
        ]
        error = plaid.error(
            "/statements/download",
            {"access_token": mine.access_token, "statement_id": statement_id},
        )
        assert error["error_code"] == "INVALID_FIELD"
