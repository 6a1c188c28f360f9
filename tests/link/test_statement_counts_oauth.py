"""How many SQL statements each Link step runs at an OAuth bank, through the frame and headless
(see test_statement_counts.py). On the lifecycle tests' fixtures: a committed database with the
OAuth bank in-process; the bank's own statements are left out of the frame's counts."""

# Fixtures shared with the lifecycle tests are imported here; their names are parameters below.
# ruff: noqa: F811
from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy.engine import Engine
from starlette.testclient import TestClient

from tests.builders import PlaidCaller, link_token_request
from tests.lifecycle.conftest import (  # noqa: F401  (fixtures)
    api,
    app_client,
    bank_app,
    bank_browser,
    key_fetcher,
    secrets,
    username,
)
from tests.link.helpers import FrameDriver
from tests.link.statement_counter import Statements, counting_statements
from tests.oauth_bank.helpers import BankBrowser, run_async

OAUTH_BANK = "ins_127287"
# The most statements each call may run, on either database.
FRAME_LIMITS = {
    "start": 6,
    "continue": 6,
    "select_institution": 6,
    "open_oauth": 8,
    # Gingham's callback, with its token request to the bank (in-process, counted too).
    "callback": 18,
    "oauth_complete": 17,
    "handoff": 7,
}
# Both transactions of the session and the whole visit to the bank in between.
COMPLETE_LIMIT = 64


def session_writes(statements: Statements) -> int:
    return statements.updates_of("link_sessions") + statements.inserts_into("link_sessions")


class TestFrameStepsAtAnOAuthBank:
    def test_each_step_stays_within_its_statements(
        self,
        app_client: TestClient,
        api: PlaidCaller,
        bank_browser: BankBrowser,
        username: str,
        committed_engine: Engine,
    ) -> None:
        request = link_token_request(products=["auth"])
        frame = FrameDriver(app_client, api.ok("/link/token/create", request)["link_token"])
        returned: dict[str, str] = {}

        def visit_the_bank_then_come_back() -> Any:
            # The bank is another system: only Gingham's callback is counted.
            url = frame.state["view"]["oauth_url"]
            with counting_statements(committed_engine) as at_the_bank:
                decision = run_async(
                    bank_browser.consent(url, institution_id=OAUTH_BANK, username=username)
                )
            assert at_the_bank.count > 0
            back = urlsplit(decision.location)
            returned["path"] = f"{back.path}?{back.query}"

        steps: list[tuple[str, Callable[[], Any]]] = [
            ("start", frame.start),
            ("continue", lambda: frame.act("continue")),
            (
                "select_institution",
                lambda: frame.act("select_institution", institution_id=OAUTH_BANK),
            ),
            ("open_oauth", lambda: frame.act("open_oauth", mode="popup")),
            ("callback", lambda: app_client.get(returned["path"]).raise_for_status()),
            ("oauth_complete", lambda: frame.act("oauth_complete")),
            ("handoff", lambda: frame.act("continue")),
        ]
        for name, step in steps:
            if name == "callback":
                visit_the_bank_then_come_back()
            with counting_statements(committed_engine) as statements:
                step()
            assert statements.count <= FRAME_LIMITS[name], f"{name}:\n{statements}"
            assert session_writes(statements) <= 1, f"{name}:\n{statements}"
            assert statements.inserts_into("link_events") <= 1, f"{name}:\n{statements}"
        assert frame.state["outcome"]["type"] == "success"


class TestHeadlessAtAnOAuthBank:
    def test_each_transaction_writes_the_session_once(
        self, api: PlaidCaller, username: str, committed_engine: Engine
    ) -> None:
        request = link_token_request(products=["auth"])
        token = api.ok("/link/token/create", request)["link_token"]
        with counting_statements(committed_engine) as statements:
            done = api.ok(
                "/_gingham/link/complete",
                {"link_token": token, "institution_id": OAUTH_BANK, "username": username},
            )
        assert done["status"] == "SUCCESS"
        assert statements.count <= COMPLETE_LIMIT, statements
        # Inserted before the trip to the bank (its state refers to it) and updated once as the
        # trip starts, then updated once in the second transaction.
        assert statements.inserts_into("link_sessions") == 1, statements
        assert statements.updates_of("link_sessions") == 2, statements
        assert statements.inserts_into("link_events") == 2, statements
