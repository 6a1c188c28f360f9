"""A secret rotated through one `gingham serve` process is refused at once by another process
sharing the database, even one that has just accepted it (and remembers having verified it)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import ExitStack

import httpx
import pytest

from tests.live_server import (
    BACKENDS,
    ServerProcess,
    create_api_client,
    empty_database,
    running_server,
    server_environment,
)

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
NEW_SECRET = re.compile(r'data-testid="new-secret">([^<]+)<')


@pytest.fixture(params=BACKENDS)
def two_servers(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[ServerProcess, ServerProcess, str, str]]:
    """Two `gingham serve` processes on one database (on SQLite, one file in WAL mode), and the
    API client they share."""
    with empty_database(request.param, tmp_path_factory) as database:
        environment = server_environment(database)
        client_id, secret = create_api_client(environment, "rotation")
        logs = tmp_path_factory.mktemp(f"rotation-{request.param}")
        with ExitStack() as stack:
            first, second = (
                stack.enter_context(running_server(environment, logs / f"server-{n}.log"))
                for n in (1, 2)
            )
            yield first, second, client_id, secret


def clock_get(server: ServerProcess, client_id: str, secret: str) -> httpx.Response:
    # Credentials in headers: the path where a process may skip its early check for a secret
    # it verified lately.
    return httpx.post(
        f"{server.base_url}/_gingham/clock/get",
        json={},
        headers={"PLAID-CLIENT-ID": client_id, "PLAID-SECRET": secret},
        timeout=30,
    )


def rotate_in_dashboard(server: ServerProcess, client_id: str, secret: str) -> str:
    """Sign in to `server`'s dashboard and rotate the sandbox secret; the new secret."""
    with httpx.Client(base_url=server.base_url, timeout=30) as browser:

        def post_form(page: str, action: str, fields: dict[str, str]) -> httpx.Response:
            match = CSRF.search(browser.get(page).text)
            assert match, f"{page} has no form"
            return browser.post(action, data={**fields, "csrf_token": match.group(1)})

        signed_in = post_form(
            "/dashboard/sign-in", "/dashboard/sign-in", {"client_id": client_id, "secret": secret}
        )
        assert signed_in.status_code == 303, signed_in.text
        rotated = post_form("/dashboard/keys", "/dashboard/keys/rotate", {"environment": "sandbox"})
        assert rotated.status_code == 303, rotated.text
        shown = NEW_SECRET.search(browser.get("/dashboard/keys").text)
        assert shown, "the keys page shows no new secret"
        return shown.group(1)


class TestRotationAcrossProcesses:
    def test_the_other_process_refuses_the_old_secret_at_once(
        self, two_servers: tuple[ServerProcess, ServerProcess, str, str]
    ) -> None:
        first, second, client_id, secret = two_servers
        # The second process verifies the secret, twice: the second time from what it remembers.
        assert clock_get(second, client_id, secret).status_code == 200
        assert clock_get(second, client_id, secret).status_code == 200

        new_secret = rotate_in_dashboard(first, client_id, secret)

        refused = clock_get(second, client_id, secret)
        assert refused.status_code == 400, refused.text
        assert refused.json()["error_code"] == "INVALID_API_KEYS"
        assert clock_get(second, client_id, new_secret).status_code == 200
        assert clock_get(first, client_id, secret).json()["error_code"] == "INVALID_API_KEYS"
