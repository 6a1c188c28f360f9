"""`gingham bank …`, run as a user runs it against a running server, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from gingham.bank.accounts import DEFAULT_ACCOUNTS
from gingham.bank.logins import login_id
from gingham.clock import SystemClock
from gingham.db import make_engine, make_session_factory
from gingham.institutions.catalogue import find
from gingham.items import service as items_service
from gingham.webhooks.models import WebhookEvent
from gingham.wire.context import Caller
from tests.command import Gingham, gingham_command


@pytest.fixture(params=["sqlite", "postgresql"])
def gingham(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Gingham]:
    with gingham_command(request.param, tmp_path, "gingham_bank_cli") as command:
        yield command


def item_at(gingham: Gingham, institution_id: str, username: str) -> str:
    """An Item of a new client, made with the login, with a webhook URL."""
    client_id = gingham.create_client()
    engine = make_engine(gingham.database_url)
    try:
        with make_session_factory(engine)() as session, session.begin():
            institution = find(institution_id)
            assert institution is not None
            return items_service.create_item(
                session,
                Caller(client_id, "sandbox"),
                institution,
                DEFAULT_ACCOUNTS,
                products=["transactions"],
                webhook="http://127.0.0.1:9/hook",
                login_id=login_id(institution_id, username),
                now=SystemClock().now(),
            )
    finally:
        engine.dispose()


def queued_codes(gingham: Gingham, item_id: str) -> list[str]:
    engine = make_engine(gingham.database_url)
    try:
        with make_session_factory(engine)() as session:
            return list(
                session.scalars(
                    select(WebhookEvent.webhook_code).where(WebhookEvent.item_id == item_id)
                )
            )
    finally:
        engine.dispose()


def test_change_password_breaks_the_logins_items(gingham: Gingham) -> None:
    item_id = item_at(gingham, "ins_109508", "user_good")
    out = gingham.ok(
        "bank",
        "change-password",
        "--institution",
        "ins_109508",
        "--username",
        "user_good",
        "--password",
        "n3w",
    )
    assert item_id in out and "ITEM_LOGIN_REQUIRED" in out
    assert queued_codes(gingham, item_id) == ["ERROR"]


def test_open_account_announces_it(gingham: Gingham) -> None:
    item_id = item_at(gingham, "ins_109509", "user_good")
    out = gingham.ok(
        "bank",
        "open-account",
        "--institution",
        "ins_109509",
        "--username",
        "user_good",
        "--account",
        '{"subtype": "savings", "meta": {"name": "Rainy day", "mask": "4321"}}',
    )
    assert "Rainy day" in out and "4321" in out
    assert queued_codes(gingham, item_id) == ["NEW_ACCOUNTS_AVAILABLE"]


def test_mistakes_exit_1_with_the_reason_in_one_line(gingham: Gingham) -> None:
    item_id = item_at(gingham, "ins_109510", "user_good")
    bad_json = gingham.run(
        "bank", "open-account", "--institution", "ins_109508", "--username", "u", "--account", "{"
    )
    assert bad_json.returncode == 1 and "not JSON" in bad_json.stderr
    unknown = gingham.run("bank", "revoke-consent", "--item", "nope")
    assert unknown.returncode == 1 and "none of your live Items has item_id nope" in unknown.stderr
    credential = gingham.run("bank", "revoke-consent", "--item", item_id)
    assert credential.returncode == 1 and "password" in credential.stderr
    for failed in (bad_json, unknown, credential):
        assert failed.stderr.count("\n") == 1 and "Traceback" not in failed.stderr
    no_status = gingham.run("bank", "set-status", "--institution", "ins_109508", "--status", "ON")
    assert no_status.returncode == 2 and "invalid choice: 'ON'" in no_status.stderr
    no_window = gingham.run(
        "bank", "migrate-to-oauth", "--institution", "ins_109508", "--window-days", "x"
    )
    assert no_window.returncode == 2 and "invalid int value: 'x'" in no_window.stderr


def test_expire_otp_breaks_the_logins_items(gingham: Gingham) -> None:
    item_id = item_at(gingham, "ins_109511", "user_good")
    out = gingham.ok("bank", "expire-otp", "--institution", "ins_109511", "--username", "user_good")
    assert item_id in out and "ITEM_LOGIN_REQUIRED" in out
    assert queued_codes(gingham, item_id) == ["ERROR"]


def test_institution_status_and_migration(gingham: Gingham) -> None:
    gingham.create_client()
    out = gingham.ok("bank", "set-status", "--institution", "ins_109512", "--status", "DOWN")
    assert "is now DOWN" in out
    item_id = item_at(gingham, "ins_135858", "user_good")
    out = gingham.ok(
        "bank", "migrate-to-oauth", "--institution", "ins_135858", "--window-days", "30"
    )
    assert "now uses OAuth" in out and item_id in out
    again = gingham.run("bank", "migrate-to-oauth", "--institution", "ins_135858")
    assert again.returncode == 1 and "a migration happens once" in again.stderr
