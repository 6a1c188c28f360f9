"""The `gingham` command, run as a user runs it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from sqlalchemy import create_engine, text


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

        engine = create_engine(f"sqlite:///{tmp_path / 'gingham.db'}")
        with engine.connect() as connection:
            stored = (
                connection.execute(text("SELECT secret_hash FROM client_secrets")).scalars().all()
            )
        engine.dispose()
        assert len(stored) == 1 and stored[0] != created["secret"] and len(stored[0]) == 64

    def test_human_readable_output(self, tmp_path: Path) -> None:
        result = run_gingham("client", "create", "--name", "Another", data_dir=tmp_path)
        assert result.returncode == 0, result.stderr
        assert "client_id:" in result.stdout and "shown once" in result.stdout

    def test_name_is_required(self, tmp_path: Path) -> None:
        result = run_gingham("client", "create", data_dir=tmp_path)
        assert result.returncode == 2
        assert "--name" in result.stderr
