"""Every HTML page carries security headers; only the page that opened Link may frame it."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from gingham.link.oauth import CALLBACK_PATH
from gingham.wire.page_headers import frame_ancestor


def _csp(response_headers: object) -> dict[str, str]:
    policy = response_headers["content-security-policy"]  # type: ignore[index]
    return {
        part.strip().split(" ", 1)[0]: part.strip().split(" ", 1)[1]
        for part in policy.split(";")
        if part.strip()
    }


class TestPageHeaders:
    def test_the_start_page_may_not_be_framed_and_runs_only_its_own_scripts(
        self, client: TestClient
    ) -> None:
        response = client.get("/")
        csp = _csp(response.headers)
        assert csp["frame-ancestors"] == "'none'"
        assert csp["script-src"] == "'self'"
        assert response.headers["x-frame-options"] == "DENY"
        assert response.headers["x-content-type-options"] == "nosniff"

    def test_the_link_frame_may_be_framed_by_the_page_that_opened_it(
        self, client: TestClient
    ) -> None:
        response = client.get(
            "/link/v2/stable/link.html", params={"parent_origin": "http://localhost:3000"}
        )
        assert _csp(response.headers)["frame-ancestors"] == "http://localhost:3000"
        assert "x-frame-options" not in response.headers
        assert response.headers["x-content-type-options"] == "nosniff"

    def test_without_an_opener_the_link_frame_may_not_be_framed(self, client: TestClient) -> None:
        response = client.get("/link/v2/stable/link.html")
        assert _csp(response.headers)["frame-ancestors"] == "'none'"

    @pytest.mark.parametrize(
        "origin",
        [
            "http://app.example/path",
            "http://app.example; script-src *",
            "javascript:alert(1)",
            "*",
            "https://*.example.com",
        ],
    )
    def test_an_opener_that_is_not_an_origin_frames_nothing(self, origin: str) -> None:
        assert frame_ancestor(origin) == "'none'"

    @pytest.mark.parametrize(
        "origin", ["https://app.example.com", "http://127.0.0.1:8000", "http://[::1]:3000"]
    )
    def test_origins_are_kept_as_they_are(self, origin: str) -> None:
        assert frame_ancestor(origin) == origin


class TestOAuthReturnPages:
    def test_the_bank_return_page_is_not_framed(self, client: TestClient) -> None:
        response = client.get(CALLBACK_PATH, params={"state": "unknown", "code": "x"})
        assert response.headers["content-type"].startswith("text/html")
        assert _csp(response.headers)["frame-ancestors"] == "'none'"
        assert response.headers["x-frame-options"] == "DENY"
