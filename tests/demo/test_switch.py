"""The demo can be switched off, and is off by default when Gingham listens beyond loopback."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest
from sqlalchemy.orm import Session, sessionmaker
from starlette.testclient import TestClient

from gingham.app import create_app
from gingham.clock import FrozenClock
from gingham.config import Settings


@pytest.fixture
def demo_off(
    settings: Settings, clock: FrozenClock, session_factory: sessionmaker[Session]
) -> Iterator[TestClient]:
    app = create_app(replace(settings, demo=False), clock=clock, session_factory=session_factory)
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


class TestDemoSwitch:
    def test_off_the_start_page_says_so_and_keeps_the_api_address(
        self, demo_off: TestClient
    ) -> None:
        page = demo_off.get("/")
        assert page.status_code == 200
        assert "The demo app is off" in page.text
        assert "GINGHAM_DEMO=1" in page.text
        assert "gingham_demo_csrf" not in page.headers.get("set-cookie", "")

    @pytest.mark.parametrize(
        "path", ["/_gingham/demo/link_token", "/_gingham/demo/exchange", "/_gingham/demo/plaid"]
    )
    def test_off_its_endpoints_do_not_exist(self, demo_off: TestClient, path: str) -> None:
        response = demo_off.post(path, json={}, headers={"Origin": "http://testserver"})
        assert response.status_code == 404
        assert response.json()["error_code"] == "NOT_FOUND"

    @pytest.mark.parametrize(
        ("host", "enabled"),
        [
            ("127.0.0.1", True),
            ("localhost", True),
            ("::1", True),
            ("0.0.0.0", False),
            ("10.1.2.3", False),
        ],
    )
    def test_by_default_it_is_on_only_for_loopback(self, host: str, enabled: bool) -> None:
        assert Settings(host=host).demo_enabled is enabled

    def test_the_setting_decides_either_way(self) -> None:
        assert Settings.from_env({"GINGHAM_HOST": "0.0.0.0", "GINGHAM_DEMO": "1"}).demo_enabled
        assert not Settings.from_env({"GINGHAM_DEMO": "0"}).demo_enabled
