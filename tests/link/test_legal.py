"""The end-user privacy policy Link's consent pane links to."""

from __future__ import annotations

from starlette.testclient import TestClient


class TestPrivacyPolicy:
    def test_is_a_page_with_the_security_headers(self, client: TestClient) -> None:
        response = client.get("/link/v2/stable/privacy")
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/html")
        assert "script-src 'self'" in response.headers["content-security-policy"]
        assert response.headers["x-frame-options"] == "DENY"
        assert "Gingham End User Privacy Policy" in response.text

    def test_says_what_is_kept(self, client: TestClient) -> None:
        text = client.get("/link/v2/stable/privacy").text
        assert "sandbox" in text
        assert "Not your password." in text
