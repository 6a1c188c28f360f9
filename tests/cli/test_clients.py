"""`gingham client …` run as a user runs it, against a running server on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, text

from gingham.crypto import KEY_FILE_NAME, load_or_create_key
from tests.command import Gingham, gingham_command


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def gingham(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Gingham]:
    with gingham_command(request.param, tmp_path_factory.mktemp("cli"), "gingham_cli") as command:
        yield command


def one_line(result: subprocess.CompletedProcess[str]) -> str:
    """The error a failed command printed: exactly one line, no Python internals."""
    assert result.returncode == 1, result.stdout
    assert result.stdout == "" and result.stderr.count("\n") == 1, result.stderr
    assert "Traceback" not in result.stderr and "Error(" not in result.stderr
    return result.stderr


class TestClientCreate:
    def test_prints_credentials_and_the_server_keeps_only_a_hash(self, gingham: Gingham) -> None:
        created = json.loads(gingham.ok("client", "create", "--name", "My App", "--json"))
        assert created["name"] == "My App" and created["environment"] == "sandbox"
        assert len(created["client_id"]) == 24 and len(created["secret"]) == 30
        assert len(created["public_key"]) == 30 and created["public_key"] != created["secret"]
        engine = create_engine(gingham.database_url)
        try:
            with engine.connect() as connection:
                stored = (
                    connection.execute(
                        text("SELECT secret_hash FROM client_secrets WHERE client_id = :id"),
                        {"id": created["client_id"]},
                    )
                    .scalars()
                    .all()
                )
        finally:
            engine.dispose()
        assert len(stored) == 1 and stored[0] != created["secret"] and len(stored[0]) == 64
        # The credentials work at once.
        answer = httpx.post(
            f"{gingham.server.base_url}/_gingham/clock/get",
            json={"client_id": created["client_id"], "secret": created["secret"]},
        )
        assert answer.status_code == 200

    def test_human_readable_output(self, gingham: Gingham) -> None:
        out = gingham.ok("client", "create", "--name", "Another")
        assert out.startswith("Created API client 'Another' (sandbox).")
        assert "client_id:" in out and "shown once" in out

    def test_name_is_required(self, gingham: Gingham) -> None:
        result = gingham.run("client", "create")
        assert result.returncode == 2 and "--name" in result.stderr
        assert "Traceback" not in result.stderr

    def test_an_empty_name_is_refused_by_the_server(self, gingham: Gingham) -> None:
        assert "name" in one_line(gingham.run("client", "create", "--name", ""))


class TestClientList:
    def test_lists_every_client_without_secrets(self, gingham: Gingham) -> None:
        created = json.loads(gingham.ok("client", "create", "--name", "Listed", "--json"))
        listed = json.loads(gingham.ok("client", "list", "--json"))
        mine = [client for client in listed if client["client_id"] == created["client_id"]]
        assert mine == [
            {
                "client_id": created["client_id"],
                "name": "Listed",
                "created_at": mine[0]["created_at"],
                "environments": ["sandbox"],
            }
        ]
        text_out = gingham.ok("client", "list")
        assert f"{created['client_id']}  Listed  created " in text_out
        assert "(sandbox)" in text_out
        for output in (text_out, json.dumps(listed)):
            assert created["secret"] not in output

    def test_bad_flag(self, gingham: Gingham) -> None:
        result = gingham.run("client", "list", "--all")
        assert result.returncode == 2 and "unrecognized arguments: --all" in result.stderr


class TestRotateSecret:
    def test_new_secret_once_and_the_old_one_stops_working(self, gingham: Gingham) -> None:
        client_id = gingham.create_client()
        old = gingham.environment["PLAID_SECRET"]
        rotated = json.loads(gingham.ok("client", "rotate-secret", "--json"))
        assert rotated["client_id"] == client_id and rotated["environment"] == "sandbox"
        assert len(rotated["secret"]) == 30 and rotated["secret"] != old
        refused = gingham.run("clock", "show")
        assert "INVALID_API_KEYS" in one_line(refused)
        out = gingham.ok("clock", "show", "--secret", rotated["secret"])
        assert out.startswith(f"Sandbox clock of client {client_id}")

    def test_another_environment_in_words(self, gingham: Gingham) -> None:
        client_id = gingham.create_client()
        out = gingham.ok("client", "rotate-secret", "--environment", "production")
        assert out.startswith(f"New production secret for client {client_id}:")
        listed = json.loads(gingham.ok("client", "list", "--json"))
        mine = next(client for client in listed if client["client_id"] == client_id)
        assert mine["environments"] == ["production", "sandbox"]
        # The sandbox secret still works.
        gingham.ok("clock", "show")

    def test_refusals(self, gingham: Gingham) -> None:
        gingham.create_client()
        unknown = gingham.run("client", "rotate-secret", "--environment", "staging")
        assert unknown.returncode == 2 and "invalid choice: 'staging'" in unknown.stderr
        wrong = gingham.run("client", "rotate-secret", "--secret", "0" * 30)
        assert "INVALID_API_KEYS" in one_line(wrong)


class TestClientRedirectUri:
    def test_add_list_remove(self, gingham: Gingham) -> None:
        client_id = gingham.create_client()
        uri = "https://*.example.com/oauth.html"
        where = f"the sandbox redirect URIs of client {client_id}"

        assert gingham.ok("client", "redirect-uri", "add", uri) == f"Added {uri} to {where}.\n"
        again = gingham.ok("client", "redirect-uri", "add", "--client-id", client_id, uri)
        assert again == f"{uri} is already on {where}; nothing changed.\n"
        gingham.ok("client", "redirect-uri", "add", "http://localhost:3000/oauth")
        listed = gingham.ok("client", "redirect-uri", "list", "--client-id", client_id)
        assert listed == f"http://localhost:3000/oauth\n{uri}\n"
        removed = gingham.ok("client", "redirect-uri", "remove", uri)
        assert removed == f"Removed {uri} from {where}.\n"
        assert gingham.ok("client", "redirect-uri", "list") == "http://localhost:3000/oauth\n"

    def test_refused_entry_exits_1_with_the_rule(self, gingham: Gingham) -> None:
        client_id = gingham.create_client()
        result = gingham.run("client", "redirect-uri", "add", "https://*.co.uk/oauth.html")
        assert (
            "redirect_uri cannot use a subdomain wildcard directly under co.uk: it is a public "
            "suffix" in one_line(result)
        )
        listed = gingham.run("client", "redirect-uri", "list")
        assert (listed.returncode, listed.stdout) == (0, "")
        assert listed.stderr == f"No redirect URIs are allowed for client {client_id} (sandbox).\n"

    def test_unknown_client_is_refused(self, gingham: Gingham) -> None:
        gingham.create_client()
        result = gingham.run("client", "redirect-uri", "list", "--client-id", "nope")
        assert "INVALID_API_KEYS" in one_line(result)

    def test_uri_is_required_to_add(self, gingham: Gingham) -> None:
        result = gingham.run("client", "redirect-uri", "add", "--client-id", "x")
        assert result.returncode == 2 and "URI" in result.stderr


class TestClientAndroidPackage:
    def test_add_list_remove(self, gingham: Gingham) -> None:
        client_id = gingham.create_client()
        where = f"the sandbox Android package names of client {client_id}"
        command = ("client", "android-package")
        assert gingham.ok(*command, "add", "com.example.app") == (
            f"Added com.example.app to {where}.\n"
        )
        assert gingham.ok(*command, "list") == "com.example.app\n"
        assert gingham.ok(*command, "remove", "com.example.app") == (
            f"Removed com.example.app from {where}.\n"
        )
        assert gingham.ok(*command, "remove", "com.example.app") == (
            f"com.example.app is not on {where}; nothing removed.\n"
        )

    def test_invalid_name_exits_1(self, gingham: Gingham) -> None:
        gingham.create_client()
        result = gingham.run("client", "android-package", "add", "myapp")
        assert "android_package_name must be an Android package name" in one_line(result)


class TestFilePermissions:
    def test_the_data_directory_and_database_are_the_owners_alone(self, tmp_path: Path) -> None:
        data_dir = tmp_path / "fresh"
        migrated = subprocess.run(
            [sys.executable, "-m", "gingham.cli", "migrate"],
            env={"GINGHAM_DATA_DIR": str(data_dir), "PATH": "/usr/bin:/bin"},
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert migrated.returncode == 0, migrated.stderr
        assert stat.S_IMODE(data_dir.stat().st_mode) == 0o700
        database = data_dir / "gingham.db"
        assert stat.S_IMODE(database.stat().st_mode) == 0o600
        for companion in data_dir.glob("gingham.db-*"):
            assert stat.S_IMODE(companion.stat().st_mode) == 0o600, companion.name

    def test_the_key_file_is_the_owners_alone(self, tmp_path: Path) -> None:
        load_or_create_key("", tmp_path / "keys")
        assert stat.S_IMODE((tmp_path / "keys").stat().st_mode) == 0o700
        assert stat.S_IMODE((tmp_path / "keys" / KEY_FILE_NAME).stat().st_mode) == 0o600
