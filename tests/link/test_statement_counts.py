"""How many SQL statements each Link step runs: the session row written once per call, the
events inserted together, nothing read twice. A change that adds a query per event, per account
or per step shows up here as a higher count. (Counts, not timings: the timings are in bench/.)"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy.engine import Connection
from starlette.testclient import TestClient

from tests.builders import PlaidCaller, link_token_request
from tests.link.helpers import FrameDriver
from tests.link.statement_counter import Statements, counting_statements

# The most statements each call may run, on either database (SQLite's counts, the higher).
COMPLETE_LIMIT = 11  # authentication, the token, the session, the Item, the events
FRAME_LIMITS = {
    "start": 6,
    "continue": 6,
    "select_institution": 6,
    "submit_credentials": 7,
    "select_accounts": 9,
    "handoff": 7,
}


def assert_one_write_each(statements: Statements) -> None:
    """The session row written once (inserted or updated), its events inserted together."""
    writes = statements.updates_of("link_sessions") + statements.inserts_into("link_sessions")
    assert writes <= 1, statements
    assert statements.inserts_into("link_events") <= 1, statements


class TestHeadlessCompletion:
    def test_a_credential_flow_stays_within_its_statements(
        self, plaid: PlaidCaller, connection: Connection
    ) -> None:
        token = plaid.ok("/link/token/create", link_token_request())["link_token"]
        with counting_statements(connection) as statements:
            done = plaid.ok("/_gingham/link/complete", {"link_token": token})
        assert done["status"] == "SUCCESS"
        assert statements.count <= COMPLETE_LIMIT, statements
        # The new session is inserted once, as it ended.
        assert statements.inserts_into("link_sessions") == 1, statements
        assert statements.updates_of("link_sessions") == 0, statements
        assert statements.inserts_into("link_events") == 1, statements
        assert statements.selects_from("link_tokens") == 1, statements
        assert statements.selects_from("institution_states") == 1, statements

    def test_more_events_cost_no_more_statements(
        self, plaid: PlaidCaller, connection: Connection
    ) -> None:
        """MFA adds steps and events to the session, and one query: the bank login's."""
        counts = []
        for password in ("pass_good", "mfa_questions_3_2"):
            token = plaid.ok("/link/token/create", link_token_request())["link_token"]
            with counting_statements(connection) as statements:
                done = plaid.ok(
                    "/_gingham/link/complete", {"link_token": token, "password": password}
                )
            assert done["status"] == "SUCCESS"
            assert statements.inserts_into("link_events") == 1, statements
            counts.append((len(done["events"]), statements.count))
        (plain_events, plain_count), (mfa_events, mfa_count) = counts
        assert mfa_events > plain_events
        assert mfa_count == plain_count


class TestFrameSteps:
    def test_each_step_of_a_credential_flow_stays_within_its_statements(
        self, client: TestClient, plaid: PlaidCaller, connection: Connection
    ) -> None:
        token = plaid.ok("/link/token/create", link_token_request())["link_token"]
        frame = FrameDriver(client, token)

        def first_account() -> dict[str, Any]:
            return frame.act(
                "select_accounts", account_ids=[frame.state["view"]["accounts"][0]["id"]]
            )

        steps: list[tuple[str, Callable[[], dict[str, Any]]]] = [
            ("start", frame.start),
            ("continue", lambda: frame.act("continue")),
            (
                "select_institution",
                lambda: frame.act("select_institution", institution_id="ins_109508"),
            ),
            (
                "submit_credentials",
                lambda: frame.act("submit_credentials", username="user_good", password="pass_good"),
            ),
            ("select_accounts", first_account),
            ("handoff", lambda: frame.act("continue")),
        ]
        for name, step in steps:
            with counting_statements(connection) as statements:
                step()
            assert statements.count <= FRAME_LIMITS[name], f"{name}:\n{statements}"
            assert_one_write_each(statements)
            assert statements.selects_from("link_tokens") == 1, f"{name}:\n{statements}"
        assert frame.state["outcome"]["type"] == "success"

    @pytest.mark.parametrize("password", ["wrong", "mfa_device"])
    def test_a_wrong_password_or_mfa_writes_the_session_once(
        self, client: TestClient, plaid: PlaidCaller, connection: Connection, password: str
    ) -> None:
        token = plaid.ok("/link/token/create", link_token_request())["link_token"]
        frame = FrameDriver(client, token)
        frame.to_credentials()
        with counting_statements(connection) as statements:
            frame.act("submit_credentials", username="user_good", password=password)
        assert frame.view in ("CREDENTIAL", "MFA")
        assert len(frame.state["events"]) >= 3
        assert_one_write_each(statements)
