"""/transactions/sync: Plaid's cursor over the Item's changes."""

from __future__ import annotations

import base64
from datetime import date, timedelta

from tests.builders import PlaidCaller
from tests.conftest import START
from tests.transactions.helpers import PULL, advance, linked, sync_all


def all_transactions(plaid: PlaidCaller, token: str) -> dict[str, dict[str, object]]:
    """Every live transaction, by id, through /transactions/get."""
    found: dict[str, dict[str, object]] = {}
    while True:
        page = plaid.ok(
            "/transactions/get",
            {
                "access_token": token,
                "start_date": "2000-01-01",
                "end_date": "2100-01-01",
                "options": {"count": 500, "offset": len(found)},
            },
        )
        found.update({t["transaction_id"]: t for t in page["transactions"]})
        if len(found) >= page["total_transactions"]:
            return found


class TestBeforeTheInitialPull:
    def test_an_empty_cursor_answers_not_ready_with_no_data(self, plaid: PlaidCaller) -> None:
        token = linked(plaid, pulled=False)
        page = plaid.ok("/transactions/sync", {"access_token": token})
        assert page["transactions_update_status"] == "NOT_READY"
        assert (page["added"], page["modified"], page["removed"]) == ([], [], [])
        assert page["next_cursor"] == ""
        assert page["has_more"] is False
        assert [a["mask"] for a in page["accounts"]][:2] == ["0000", "1111"]

    def test_the_initial_pull_brings_the_last_30_days(self, plaid: PlaidCaller) -> None:
        token = linked(plaid, pulled=False)
        advance(plaid, PULL)
        added, removed, modified, _ = sync_all(plaid, token)
        assert added and not removed and not modified
        today = START.date()
        dates = {date.fromisoformat(str(t["date"])) for t in added.values()}
        assert min(dates) >= today - timedelta(days=30)
        assert max(dates) <= today
        page = plaid.ok("/transactions/sync", {"access_token": token})
        assert page["transactions_update_status"] == "INITIAL_UPDATE_COMPLETE"

    def test_the_historical_pull_brings_about_two_years_as_added(self, plaid: PlaidCaller) -> None:
        token = linked(plaid, pulled=False)
        advance(plaid, PULL)
        first, _, _, cursor = sync_all(plaid, token)
        advance(plaid, PULL)
        older, removed, modified, _ = sync_all(plaid, token, cursor)
        assert older and not removed and not modified
        assert not set(first) & set(older)
        oldest = min(date.fromisoformat(str(t["date"])) for t in older.values())
        assert oldest <= START.date() - timedelta(days=700)
        page = plaid.ok("/transactions/sync", {"access_token": token})
        assert page["transactions_update_status"] == "HISTORICAL_UPDATE_COMPLETE"


class TestPaging:
    def test_pages_add_up_to_every_transaction_once(self, plaid: PlaidCaller) -> None:
        token = linked(plaid)
        added, _, _, cursor = sync_all(plaid, token, count=500)
        assert set(added) == set(all_transactions(plaid, token))
        # Caught up: the final cursor gives nothing more until something changes.
        page = plaid.ok("/transactions/sync", {"access_token": token, "cursor": cursor})
        assert (page["added"], page["has_more"], page["next_cursor"]) == ([], False, cursor)

    def test_count_bounds_a_page_and_defaults_to_100(self, plaid: PlaidCaller) -> None:
        token = linked(plaid)
        page = plaid.ok("/transactions/sync", {"access_token": token})
        assert len(page["added"]) == 100 and page["has_more"] is True
        page = plaid.ok("/transactions/sync", {"access_token": token, "count": 7})
        assert len(page["added"]) == 7
        for count in (0, 501):
            error = plaid.error("/transactions/sync", {"access_token": token, "count": count})
            assert error["error_code"] == "INVALID_FIELD"

    def test_the_same_login_gives_the_same_transactions_to_every_item(
        self, plaid: PlaidCaller
    ) -> None:
        def shape(token: str) -> list[tuple[object, ...]]:
            added = all_transactions(plaid, token)
            return sorted((t["date"], t["amount"], t["name"]) for t in added.values())

        first, second = linked(plaid), linked(plaid)
        assert shape(first) == shape(second)
        other_login = linked(plaid, options={"override_username": "user_transactions_dynamic"})
        assert shape(other_login) != shape(first)


class TestOptions:
    def test_original_description_only_when_asked(self, plaid: PlaidCaller) -> None:
        token = linked(plaid)
        plain = plaid.ok("/transactions/sync", {"access_token": token, "count": 5})["added"]
        assert all(t["original_description"] is None for t in plain)
        described = plaid.ok(
            "/transactions/sync",
            {
                "access_token": token,
                "count": 5,
                "options": {"include_original_description": True},
            },
        )["added"]
        assert [t["original_description"] for t in described] == [t["name"] for t in plain]
        assert all(t["personal_finance_category"]["primary"] for t in plain)

    def test_account_id_syncs_one_account(self, plaid: PlaidCaller) -> None:
        token = linked(plaid)
        accounts = plaid.ok("/accounts/get", {"access_token": token})["accounts"]
        checking = accounts[0]["account_id"]
        added, _, _, cursor = sync_all(plaid, token, account_id=checking)
        assert added and {t["account_id"] for t in added.values()} == {checking}
        everything = all_transactions(plaid, token)
        assert set(added) == {i for i, t in everything.items() if t["account_id"] == checking}
        # A cursor belongs to the account it was issued for.
        error = plaid.error("/transactions/sync", {"access_token": token, "cursor": cursor})
        assert error["error_code"] == "INVALID_FIELD"
        unknown = plaid.error(
            "/transactions/sync", {"access_token": token, "options": {"account_id": "nope"}}
        )
        assert unknown["error_code"] == "INVALID_ACCOUNT_ID"

    def test_cursor_now_skips_the_history(self, plaid: PlaidCaller) -> None:
        token = linked(plaid)
        page = plaid.ok("/transactions/sync", {"access_token": token, "cursor": "now"})
        assert page["added"] == [] and page["next_cursor"]
        advance(plaid, "P3D")
        added, _, _, _ = sync_all(plaid, token, page["next_cursor"])
        assert added
        # Only what changed since: new days, and the posting of the last days' pending ones.
        since = START.date() - timedelta(days=1)
        assert min(str(t["date"]) for t in added.values()) >= since.isoformat()


class TestBadCursors:
    def test_garbage_is_invalid_field(self, plaid: PlaidCaller) -> None:
        token = linked(plaid)
        for cursor in ("not a cursor", "bm90IGEgY3Vyc29y", base64.b64encode(b"1|x|y").decode()):
            error = plaid.error("/transactions/sync", {"access_token": token, "cursor": cursor})
            assert error["error_code"] == "INVALID_FIELD", cursor
            assert error["error_type"] == "INVALID_REQUEST"

    def test_another_items_cursor_is_refused(
        self, plaid: PlaidCaller, other_plaid: PlaidCaller
    ) -> None:
        first, second = linked(plaid), linked(plaid)
        cursor = plaid.ok("/transactions/sync", {"access_token": first})["next_cursor"]
        error = plaid.error("/transactions/sync", {"access_token": second, "cursor": cursor})
        assert error["error_code"] == "INVALID_FIELD"
        assert "another Item" in error["error_message"]
        foreign = linked(other_plaid)
        error = other_plaid.error("/transactions/sync", {"access_token": foreign, "cursor": cursor})
        assert error["error_code"] == "INVALID_FIELD"


class TestChangesOverTime:
    def test_pending_transactions_post_as_new_ones_and_the_pending_are_removed(
        self, plaid: PlaidCaller
    ) -> None:
        token = linked(plaid)
        added, _, _, cursor = sync_all(plaid, token)
        pending = {i for i, t in added.items() if t["pending"]}
        assert pending
        advance(plaid, "P3D")
        later, removed, _, _ = sync_all(plaid, token, cursor)
        removed_ids = {r["transaction_id"] for r in removed}
        assert pending <= removed_ids
        posted = {
            t["pending_transaction_id"]: t for t in later.values() if t["pending_transaction_id"]
        }
        assert pending <= set(posted)
        for pending_id, transaction in posted.items():
            assert transaction["pending"] is False
            if pending_id in added:
                assert transaction["amount"] == added[pending_id]["amount"]
        # Every removal is of something the client was given.
        assert removed_ids <= set(added) | set(later)

    def test_what_came_and_went_between_syncs_never_appears(self, plaid: PlaidCaller) -> None:
        token = linked(plaid)
        known, _, _, cursor = sync_all(plaid, token)
        # New days arrive pending, then post, all before the client syncs again.
        advance(plaid, "P6D")
        later, removed, modified, _ = sync_all(plaid, token, cursor)
        assert {r["transaction_id"] for r in removed} <= set(known)
        assert not modified
        # Only the last two days' transactions are still pending; the earlier new days' pending
        # ones were added and removed in between, so the client never hears of them.
        still_pending = (START.date() + timedelta(days=5)).isoformat()
        assert all(str(t["date"]) >= still_pending for t in later.values() if t["pending"])
        assert any(t["pending_transaction_id"] for t in later.values())

    def test_a_change_mid_pagination_restarts_it(self, plaid: PlaidCaller) -> None:
        token = linked(plaid)
        first = plaid.ok("/transactions/sync", {"access_token": token, "count": 10})
        assert first["has_more"]
        advance(plaid, "P1D")
        error = plaid.error(
            "/transactions/sync",
            {"access_token": token, "cursor": first["next_cursor"], "count": 10},
        )
        assert error["error_type"] == "TRANSACTIONS_ERROR"
        assert error["error_code"] == "TRANSACTIONS_SYNC_MUTATION_DURING_PAGINATION"
        # Restarting from the cursor the pagination began with works.
        added, _, _, _ = sync_all(plaid, token, "")
        assert set(added) == set(all_transactions(plaid, token))
