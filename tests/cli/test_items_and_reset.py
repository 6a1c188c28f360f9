"""`gingham items list`, `gingham reset` and `gingham bank reset`, run as a user runs them
against a running server, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import os
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.command import Gingham, gingham_command


@pytest.fixture(params=["sqlite", "postgresql"])
def gingham(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Gingham]:
    with gingham_command(request.param, tmp_path, "gingham_reset_cli") as command:
        yield command


def api(gingham: Gingham, path: str, body: dict[str, Any]) -> httpx.Response:
    """A Plaid call with the latest client's credentials, as its app would make it."""
    credentials = {
        "client_id": gingham.environment["PLAID_CLIENT_ID"],
        "secret": gingham.environment["PLAID_SECRET"],
    }
    return httpx.post(f"{gingham.server.base_url}{path}", json={**credentials, **body}, timeout=30)


def link_item(
    gingham: Gingham, institution_id: str = "ins_109508", password: str = "pass_good"
) -> httpx.Response:
    """An Item of the latest client, made with user_good and `password`, as
    /sandbox/public_token/create and the exchange make one (the refusal when the bank says no)."""
    created = api(
        gingham,
        "/sandbox/public_token/create",
        {
            "institution_id": institution_id,
            "initial_products": ["transactions"],
            "options": {"override_username": "user_good", "override_password": password},
        },
    )
    if created.status_code != 200:
        return created
    return api(
        gingham, "/item/public_token/exchange", {"public_token": created.json()["public_token"]}
    )


def login_status(gingham: Gingham, institution_id: str) -> str:
    """The institution's item_logins status, as /institutions/get_by_id reports it."""
    answer = api(
        gingham,
        "/institutions/get_by_id",
        {
            "institution_id": institution_id,
            "country_codes": ["US"],
            "options": {"include_status": True},
        },
    )
    status: str = answer.json()["institution"]["status"]["item_logins"]["status"]
    return status


def listed_items(gingham: Gingham) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = json.loads(gingham.ok("items", "list", "--json"))
    return items


def logged_endpoints(gingham: Gingham) -> list[str]:
    """The endpoints of the latest client's logged requests, newest first."""
    answer = api(gingham, "/_gingham/requests/list", {"limit": 500})
    assert answer.status_code == 200, answer.text
    return [request["endpoint"] for request in answer.json()["requests"]]


def logged_eventually(gingham: Gingham, endpoint: str) -> None:
    """Wait until the request log shows a request to `endpoint` (it is written every 100 ms)."""
    deadline = time.monotonic() + 30
    while endpoint not in logged_endpoints(gingham):
        assert time.monotonic() < deadline, f"{endpoint} was never logged"
        time.sleep(0.1)


def with_terminal(gingham: Gingham, answer: str, *args: str) -> subprocess.CompletedProcess[str]:
    """Run the command with a terminal as its stdin, on which `answer` has been typed."""
    controller, terminal = os.openpty()
    try:
        os.write(controller, answer.encode() + b"\n")
        return gingham.run(*args, stdin=terminal)
    finally:
        os.close(terminal)
        os.close(controller)


class TestItemsList:
    def test_lists_the_clients_live_items(self, gingham: Gingham) -> None:
        gingham.create_client()
        assert listed_items(gingham) == []
        empty = gingham.run("items", "list")
        assert empty.returncode == 0 and empty.stdout == "" and "no live Items" in empty.stderr
        item_id = link_item(gingham).json()["item_id"]
        broken_id = link_item(gingham, "ins_109509").json()["item_id"]
        [item, _] = listed_items(gingham)
        assert item["item_id"] == item_id and item["institution_id"] == "ins_109508"
        assert item["institution_name"] and item["error"] is None
        assert item["products"] == ["transactions"] and item["created_at"].endswith("Z")

        gingham.ok(
            "bank",
            "change-password",
            "--institution",
            "ins_109509",
            "--username",
            "user_good",
            "--password",
            "n3w",
        )
        lines = gingham.ok("items", "list").splitlines()
        assert len(lines) == 2
        assert lines[0].startswith(f"{item_id}  {item['institution_name']} (ins_109508)  healthy  ")
        assert (
            lines[1].startswith(broken_id) and "  ITEM_LOGIN_REQUIRED  transactions  " in lines[1]
        )

    def test_only_the_callers_items(self, gingham: Gingham) -> None:
        gingham.create_client("First")
        first_item = link_item(gingham).json()["item_id"]
        gingham.create_client("Second")
        assert listed_items(gingham) == []
        assert first_item not in gingham.ok("items", "list")

    def test_bad_input(self, gingham: Gingham) -> None:
        gingham.create_client()
        flag = gingham.run("items", "list", "--limit", "3")
        assert flag.returncode == 2 and "unrecognized arguments" in flag.stderr
        missing = gingham.run("items")
        assert missing.returncode == 2 and "Traceback" not in missing.stderr


class TestReset:
    def test_wipes_the_clients_data_and_not_anothers(self, gingham: Gingham) -> None:
        gingham.create_client("Other")
        others = dict(gingham.environment)
        other_item = link_item(gingham).json()["item_id"]
        client_id = gingham.create_client("Mine")
        link_item(gingham)
        link_item(gingham, "ins_109509")
        api(gingham, "/_gingham/clock/advance", {"by": "P3D"})
        gingham.ok("client", "redirect-uri", "add", "https://app.example.com/oauth.html")
        logged_eventually(gingham, "/_gingham/clock/advance")

        out = gingham.ok("reset", "--yes")
        assert out == (
            f"Wiped the data of client {client_id} (2 live Item(s)); the client and its keys "
            "stay.\n"
        )
        assert listed_items(gingham) == []
        assert "/item/public_token/exchange" not in logged_endpoints(gingham)
        clock = json.loads(gingham.ok("clock", "show", "--json"))
        assert clock["offset_seconds"] == 0
        # The client, its keys and its set-up stay.
        assert (
            gingham.ok("client", "redirect-uri", "list") == "https://app.example.com/oauth.html\n"
        )
        assert link_item(gingham).status_code == 200
        # The other client's data is untouched.
        gingham.environment.update(others)
        assert [item["item_id"] for item in listed_items(gingham)] == [other_item]
        assert "/item/public_token/exchange" in logged_endpoints(gingham)

    def test_asks_on_a_terminal(self, gingham: Gingham) -> None:
        client_id = gingham.create_client()
        link_item(gingham)
        declined = with_terminal(gingham, "n", "reset")
        assert declined.returncode == 1
        assert (
            f"Wipe the Items, users, webhooks, request log and sandbox clock of client {client_id}"
            in declined.stdout
        )
        assert declined.stderr == "gingham: cancelled; nothing changed\n"
        assert len(listed_items(gingham)) == 1
        accepted = with_terminal(gingham, "y", "reset")
        assert accepted.returncode == 0, accepted.stderr
        assert "Wiped the data of client" in accepted.stdout
        assert listed_items(gingham) == []

    def test_refuses_without_a_terminal_or_yes(self, gingham: Gingham) -> None:
        gingham.create_client()
        link_item(gingham)
        for args in (("reset",), ("reset", "--all")):
            refused = gingham.run(*args)
            assert refused.returncode == 1 and refused.stdout == ""
            assert refused.stderr == (
                "gingham: refusing without confirmation: stdin is not a terminal; pass --yes to "
                "go ahead\n"
            )
        assert len(listed_items(gingham)) == 1

    def test_all_wipes_every_clients_data_and_keeps_the_clients(self, gingham: Gingham) -> None:
        gingham.create_client("First")
        first = dict(gingham.environment)
        link_item(gingham)
        gingham.create_client("Second")
        link_item(gingham)
        logged_eventually(gingham, "/item/public_token/exchange")
        gingham.ok("bank", "set-status", "--institution", "ins_109508", "--status", "DOWN")
        clients_before = json.loads(gingham.ok("client", "list", "--json"))

        out = gingham.ok("reset", "--all", "--yes")
        assert out.startswith(f"Wiped the data of {len(clients_before)} client(s) (2 live Item(s))")
        assert json.loads(gingham.ok("client", "list", "--json")) == clients_before
        assert listed_items(gingham) == []
        assert "/item/public_token/exchange" not in logged_endpoints(gingham)
        gingham.environment.update(first)
        assert listed_items(gingham) == []
        assert "/item/public_token/exchange" not in logged_endpoints(gingham)
        # The banks are back to their defaults: the institution is up again.
        assert login_status(gingham, "ins_109508") == "HEALTHY"

    def test_bad_input(self, gingham: Gingham) -> None:
        unknown = gingham.run("reset", "--everything")
        assert unknown.returncode == 2 and "unrecognized arguments" in unknown.stderr
        no_credentials = gingham.run("reset", "--yes")
        assert no_credentials.returncode == 1
        assert no_credentials.stderr.startswith("gingham: no API credentials;")


class TestBankReset:
    def test_restores_a_changed_password(self, gingham: Gingham) -> None:
        gingham.create_client()
        gingham.ok(
            "bank",
            "change-password",
            "--institution",
            "ins_109508",
            "--username",
            "user_good",
            "--password",
            "n3w",
        )
        refused = link_item(gingham)
        assert refused.status_code == 400, refused.text
        assert link_item(gingham, password="n3w").status_code == 200

        out = gingham.ok("bank", "reset")
        assert out.startswith("Restored the sandbox banks' defaults: 1 login(s)")
        assert link_item(gingham).status_code == 200
        assert link_item(gingham, password="n3w").status_code == 400

    def test_restores_status_and_needs_no_credentials(self, gingham: Gingham) -> None:
        gingham.create_client()
        gingham.ok("bank", "set-status", "--institution", "ins_109508", "--status", "DOWN")
        assert login_status(gingham, "ins_109508") == "DOWN"
        credentials = {
            name: gingham.environment.pop(name) for name in ("PLAID_CLIENT_ID", "PLAID_SECRET")
        }
        assert "1 institution(s)" in gingham.ok("bank", "reset")
        gingham.environment.update(credentials)
        assert login_status(gingham, "ins_109508") == "HEALTHY"

    def test_bad_input(self, gingham: Gingham) -> None:
        extra = gingham.run("bank", "reset", "--institution", "ins_109508")
        assert extra.returncode == 2 and "unrecognized arguments" in extra.stderr
        unknown = gingham.run("bank", "rest")
        assert unknown.returncode == 2 and "invalid choice: 'rest'" in unknown.stderr
