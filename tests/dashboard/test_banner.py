"""`gingham serve` says where the dashboard is."""

from __future__ import annotations

from gingham.cli.serving import banner
from gingham.config import Settings


def test_the_banner_prints_the_dashboard_url() -> None:
    settings = Settings(port=9123)
    assert f"dashboard:               {settings.base_url}/dashboard" in banner(settings, None)
