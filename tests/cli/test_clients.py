"""The `gingham` command, run as a user runs it."""

from __future__ import annotations

import json
import stat
import subprocess
import sys
from pathlib import Path

from sqlalchemy import create_engine, text

from gingham.crypto import KEY_FILE_NAME, load_or_create_key


def run_gingham(*args: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "gingham.cli", *args],
        env={"GINGHAM_DATA_DIR": str(data_dir), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


class TestClientCreate:
    def test_prints_credentials_and_stores_only_a_hash(self, tmp_path: Path) -> None:
        result = run_gingham("client", "create", "--name", "My App", "--json", data_dir=tmp_path)
        assert result.returncode == 0, result.stderr
        created = json.loads(result.stdout)
        assert created["name"] == "My App" and created["environment"] == "sandbox"
        assert len(created["client_id"]) == 24 and len(created["secret"]) == 30
        assert len(created["public_key"]) == 30 and created["public_key"] != created["secret"]

        engine = create_engine(f"sqlite:///{tmp_path / 'gingham.db'}")
        with engine.connect() as connection:
            stored = (
                connection.execute(text("SELECT secret_hash FROM client_secrets")).scalars().all()
            )
            public_keys = (
                connection.execute(text("SELECT public_key FROM client_public_keys"))
                .scalars()
                .all()
            )
        engine.dispose()
        assert len(stored) == 1 and stored[0] != created["secret"] and len(stored[0]) == 64
        assert public_keys == [created["public_key"]]

    def test_human_readable_output(self, tmp_path: Path) -> None:
        result = run_gingham("client", "create", "--name", "Another", data_dir=tmp_path)
        assert result.returncode == 0, result.stderr
        assert "client_id:" in result.stdout and "shown once" in result.stdout

    def test_name_is_required(self, tmp_path: Path) -> None:
        result = run_gingham("client", "create", data_dir=tmp_path)
        assert result.returncode == 2
        assert "--name" in result.stderr


def create_client(data_dir: Path) -> str:
    result = run_gingham("client", "create", "--name", "My App", "--json", data_dir=data_dir)
    assert result.returncode == 0, result.stderr
    client_id: str = json.loads(result.stdout)["client_id"]
    return client_id


class TestClientRedirectUri:
    def test_add_list_remove(self, tmp_path: Path) -> None:
        client_id = create_client(tmp_path)
        uri = "https://*.example.com/oauth.html"

        added = run_gingham(
            "client", "redirect-uri", "add", "--client-id", client_id, uri, data_dir=tmp_path
        )
        assert added.returncode == 0, added.stderr
        assert added.stdout == f"Added {uri} to the sandbox redirect URIs of client {client_id}.\n"

        again = run_gingham(
            "client", "redirect-uri", "add", "--client-id", client_id, uri, data_dir=tmp_path
        )
        assert again.returncode == 0, again.stderr
        assert again.stdout == (
            f"{uri} is already on the sandbox redirect URIs of client {client_id}; nothing changed.\n"
        )
        run_gingham(
            "client",
            "redirect-uri",
            "add",
            "--client-id",
            client_id,
            "http://localhost:3000/oauth",
            data_dir=tmp_path,
        )

        listed = run_gingham(
            "client", "redirect-uri", "list", "--client-id", client_id, data_dir=tmp_path
        )
        assert listed.returncode == 0, listed.stderr
        assert listed.stdout == f"http://localhost:3000/oauth\n{uri}\n"

        removed = run_gingham(
            "client", "redirect-uri", "remove", "--client-id", client_id, uri, data_dir=tmp_path
        )
        assert removed.returncode == 0, removed.stderr
        assert (
            removed.stdout
            == f"Removed {uri} from the sandbox redirect URIs of client {client_id}.\n"
        )
        listed = run_gingham(
            "client", "redirect-uri", "list", "--client-id", client_id, data_dir=tmp_path
        )
        assert listed.stdout == "http://localhost:3000/oauth\n"

    def test_refused_entry_exits_2_with_the_rule(self, tmp_path: Path) -> None:
        client_id = create_client(tmp_path)
        result = run_gingham(
            "client",
            "redirect-uri",
            "add",
            "--client-id",
            client_id,
            "https://*.co.uk/oauth.html",
            data_dir=tmp_path,
        )
        assert result.returncode == 2
        assert result.stdout == ""
        assert result.stderr.startswith(
            "gingham: redirect_uri cannot use a subdomain wildcard directly under co.uk: it is a public suffix"
        )
        listed = run_gingham(
            "client", "redirect-uri", "list", "--client-id", client_id, data_dir=tmp_path
        )
        assert (listed.returncode, listed.stdout) == (0, "")
        assert listed.stderr == f"No redirect URIs are allowed for client {client_id} (sandbox).\n"

    def test_unknown_client_exits_2(self, tmp_path: Path) -> None:
        result = run_gingham(
            "client", "redirect-uri", "list", "--client-id", "nope", data_dir=tmp_path
        )
        assert result.returncode == 2
        assert "no API client has client_id 'nope'" in result.stderr

    def test_uri_is_required_to_add(self, tmp_path: Path) -> None:
        result = run_gingham("client", "redirect-uri", "add", "--client-id", "x", data_dir=tmp_path)
        assert result.returncode == 2
        assert "URI" in result.stderr


class TestClientAndroidPackage:
    def test_add_list_remove(self, tmp_path: Path) -> None:
        client_id = create_client(tmp_path)
        command = ("client", "android-package")

        added = run_gingham(
            *command, "add", "--client-id", client_id, "com.example.app", data_dir=tmp_path
        )
        assert added.returncode == 0, added.stderr
        assert added.stdout == (
            f"Added com.example.app to the sandbox Android package names of client {client_id}.\n"
        )
        listed = run_gingham(*command, "list", "--client-id", client_id, data_dir=tmp_path)
        assert listed.stdout == "com.example.app\n"
        removed = run_gingham(
            *command, "remove", "--client-id", client_id, "com.example.app", data_dir=tmp_path
        )
        assert removed.stdout == (
            f"Removed com.example.app from the sandbox Android package names of client {client_id}.\n"
        )
        absent = run_gingham(
            *command, "remove", "--client-id", client_id, "com.example.app", data_dir=tmp_path
        )
        assert absent.returncode == 0
        assert absent.stdout == (
            f"com.example.app is not on the sandbox Android package names of client {client_id}; nothing removed.\n"
        )

    def test_invalid_name_exits_2(self, tmp_path: Path) -> None:
        client_id = create_client(tmp_path)
        result = run_gingham(
            "client", "android-package", "add", "--client-id", client_id, "myapp", data_dir=tmp_path
        )
        assert result.returncode == 2
        assert result.stderr.startswith(
            "gingham: android_package_name must be an Android package name"
        )


class TestFilePermissions:
    def test_the_data_directory_and_database_are_the_owners_alone(self, tmp_path: Path) -> None:
        data_dir = tmp_path / "fresh"
        created = run_gingham("client", "create", "--name", "Perm", "--json", data_dir=data_dir)
        assert created.returncode == 0, created.stderr
        assert stat.S_IMODE(data_dir.stat().st_mode) == 0o700
        database = data_dir / "gingham.db"
        assert stat.S_IMODE(database.stat().st_mode) == 0o600
        for companion in data_dir.glob("gingham.db-*"):
            assert stat.S_IMODE(companion.stat().st_mode) == 0o600, companion.name

    def test_the_key_file_is_the_owners_alone(self, tmp_path: Path) -> None:
        load_or_create_key("", tmp_path / "keys")
        assert stat.S_IMODE((tmp_path / "keys").stat().st_mode) == 0o700
        assert stat.S_IMODE((tmp_path / "keys" / KEY_FILE_NAME).stat().st_mode) == 0o600
