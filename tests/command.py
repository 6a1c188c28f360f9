"""The `gingham` command, run in a subprocess as a user runs it, on a database of its own."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.conftest import fresh_postgres_schema, require_postgres


class Gingham:
    """The `gingham` command with the settings of one database."""

    def __init__(self, environment: dict[str, str]) -> None:
        self.environment = environment

    @property
    def database_url(self) -> str:
        return self.environment["GINGHAM_DATABASE_URL"]

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "gingham.cli", *args],
            env={**self.environment, "PATH": os.environ.get("PATH", "/usr/bin:/bin")},
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )

    def ok(self, *args: str) -> str:
        result = self.run(*args)
        assert result.returncode == 0, result.stderr
        return result.stdout

    def create_client(self) -> str:
        client_id: str = json.loads(self.ok("client", "create", "--name", "CLI app", "--json"))[
            "client_id"
        ]
        return client_id


@contextmanager
def gingham_command(backend: str, tmp_path: Path, schema_prefix: str) -> Iterator[Gingham]:
    """The command on a fresh SQLite file or a fresh PostgreSQL schema (`backend`)."""
    environment = {"GINGHAM_DATA_DIR": str(tmp_path)}
    if backend == "sqlite":
        environment["GINGHAM_DATABASE_URL"] = f"sqlite:///{tmp_path / 'gingham.db'}"
        yield Gingham(environment)
        return
    with fresh_postgres_schema(require_postgres(), schema_prefix) as url:
        environment["GINGHAM_DATABASE_URL"] = url
        yield Gingham(environment)
