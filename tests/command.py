"""The `gingham` command, run in a subprocess as a user runs it, against a running server of its
own on a database of its own (which tests may also read and write directly)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.conftest import fresh_postgres_schema, require_postgres
from tests.live_server import ServerProcess, running_server, server_environment


class Gingham:
    """The `gingham` command pointed at one server (GINGHAM_URL), run from a directory of its
    own; after `create_client`, with that client's credentials in PLAID_CLIENT_ID/PLAID_SECRET."""

    def __init__(self, environment: dict[str, str], server: ServerProcess, cwd: Path) -> None:
        self.environment = environment
        self.server = server
        self.cwd = cwd

    @property
    def database_url(self) -> str:
        return self.environment["GINGHAM_DATABASE_URL"]

    def run(
        self, *args: str, stdin: int | None = subprocess.DEVNULL
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "gingham.cli", *args],
            env={
                **self.environment,
                "GINGHAM_URL": self.server.base_url,
                "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            },
            cwd=self.cwd,
            stdin=stdin,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )

    def ok(self, *args: str) -> str:
        result = self.run(*args)
        assert result.returncode == 0, result.stderr
        return result.stdout

    def create_client(self, name: str = "CLI app") -> str:
        created = json.loads(self.ok("client", "create", "--name", name, "--json"))
        self.environment["PLAID_CLIENT_ID"] = created["client_id"]
        self.environment["PLAID_SECRET"] = created["secret"]
        client_id: str = created["client_id"]
        return client_id


@contextmanager
def gingham_command(backend: str, tmp_path: Path, schema_prefix: str) -> Iterator[Gingham]:
    """The command and a `gingham serve` on a fresh SQLite file or PostgreSQL schema."""
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    database = {"GINGHAM_DATA_DIR": str(tmp_path / "data")}
    if backend == "sqlite":
        database["GINGHAM_DATABASE_URL"] = f"sqlite:///{tmp_path / 'data' / 'gingham.db'}"
        with _serving(database, tmp_path, cwd) as gingham:
            yield gingham
        return
    with fresh_postgres_schema(require_postgres(), schema_prefix) as url:
        database["GINGHAM_DATABASE_URL"] = url
        with _serving(database, tmp_path, cwd) as gingham:
            yield gingham


@contextmanager
def _serving(database: dict[str, str], tmp_path: Path, cwd: Path) -> Iterator[Gingham]:
    environment = {
        k: v for k, v in server_environment(database).items() if not k.startswith("PLAID_")
    }
    with running_server(environment, tmp_path / "server.log") as server:
        yield Gingham(environment, server, cwd)
