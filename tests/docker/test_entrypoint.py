"""The container's entrypoint script (docker/entrypoint.sh), run as the image runs it: with the
installed `gingham` on PATH, on SQLite and on PostgreSQL. Building the image is not needed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.live_server import empty_database, free_port, server_environment

ENTRYPOINT = Path(__file__).parents[2] / "docker" / "entrypoint.sh"


@pytest.fixture(params=["sqlite", "postgresql"])
def environment(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, str]]:
    with empty_database(request.param, tmp_path_factory) as database:
        yield _image_environment(database)


def _image_environment(database: dict[str, str]) -> dict[str, str]:
    environment = server_environment(database)
    # The image puts the installed `gingham` on PATH; so does this virtualenv's bin directory.
    environment["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{environment['PATH']}"
    environment["GINGHAM_PORT"] = str(free_port())
    environment["GINGHAM_BANK_PORT"] = str(free_port())
    return environment


def run(environment: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(ENTRYPOINT), *args],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


class TestServe:
    def test_no_command_migrates_and_serves_until_stopped(
        self, environment: dict[str, str], tmp_path: Path
    ) -> None:
        log = tmp_path / "entrypoint.log"
        with log.open("wb") as output:
            process = subprocess.Popen(
                [str(ENTRYPOINT)], env=environment, stdout=output, stderr=subprocess.STDOUT
            )
        try:
            health = f"http://127.0.0.1:{environment['GINGHAM_PORT']}/_gingham/health"
            deadline = time.monotonic() + 60
            while True:
                assert process.poll() is None, log.read_text()
                try:
                    if httpx.get(health, timeout=2).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                assert time.monotonic() < deadline, log.read_text()
                time.sleep(0.2)
            # `exec`: the signal `docker stop` sends reaches gingham itself (not a shell that
            # ignores it), which shuts its servers down and then, as uvicorn does, ends by that
            # signal (exit status 143 in the container).
            process.send_signal(signal.SIGTERM)
            assert process.wait(timeout=30) == -signal.SIGTERM
            with pytest.raises(httpx.TransportError):  # no server left behind the shell
                httpx.get(health, timeout=2)
        finally:
            if process.poll() is None:
                process.kill()
        printed = log.read_text()
        assert "PLAID_CLIENT_ID=" in printed and "waiting for the database" not in printed


class TestCommands:
    def test_other_commands_pass_through(self, environment: dict[str, str]) -> None:
        version = run(environment, "--version")
        assert version.returncode == 0 and version.stdout.startswith("gingham "), version.stderr
        # They reach the container's server, found on GINGHAM_PORT; none runs here.
        listed = run(environment, "client", "list")
        assert listed.returncode == 1
        assert listed.stderr == (
            f"gingham: no Gingham server at http://127.0.0.1:{environment['GINGHAM_PORT']} — "
            "start one with `gingham serve`, or set GINGHAM_URL\n"
        )

    def test_migrate_alone_exits_0(self, environment: dict[str, str]) -> None:
        migrated = run(environment, "migrate")
        assert migrated.returncode == 0, migrated.stderr


class TestDatabaseNotAnswering:
    def test_waits_then_gives_up_in_two_lines(self, tmp_path: Path) -> None:
        environment = _image_environment(
            {
                "GINGHAM_DATA_DIR": str(tmp_path),
                # A port nothing listens on.
                "GINGHAM_DATABASE_URL": f"postgresql+psycopg://gingham@127.0.0.1:{free_port()}/g",
                "GINGHAM_DATABASE_WAIT_SECONDS": "2",
            }
        )
        started = time.monotonic()
        refused = run(environment)
        assert refused.returncode == 1
        assert time.monotonic() - started >= 2  # it did wait
        lines = refused.stderr.strip().splitlines()
        assert lines[0] == "gingham: waiting for the database..."
        assert lines[1].startswith("gingham: cannot use the database at 127.0.0.1:")
        assert "Connection refused" in lines[1] and "Traceback" not in refused.stderr
        assert lines[2] == (
            "gingham: gave up on the database after 2 s (GINGHAM_DATABASE_WAIT_SECONDS)"
        )
