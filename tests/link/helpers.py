"""Driving the Link frame's API the way the frame does."""

from __future__ import annotations

from typing import Any

from starlette.testclient import TestClient


class FrameDriver:
    """One Link session, driven through /link/frame/* as the frame's JavaScript drives it."""

    def __init__(self, client: TestClient, link_token: str) -> None:
        self.client = client
        self.link_token = link_token
        self.events: list[dict[str, Any]] = []
        self.state: dict[str, Any] = {}

    def start(self) -> dict[str, Any]:
        response = self.client.post("/link/frame/sessions", json={"link_token": self.link_token})
        assert response.status_code == 200, response.text
        return self._took(response.json())

    def act(self, action: str, **fields: Any) -> dict[str, Any]:
        response = self.post(action, **fields)
        assert response.status_code == 200, response.text
        return self._took(response.json())

    def post(self, action: str, **fields: Any) -> Any:
        return self.client.post(
            f"/link/frame/sessions/{self.state['link_session_id']}/actions",
            json={"link_token": self.link_token, "action": action, **fields},
        )

    def _took(self, state: dict[str, Any]) -> dict[str, Any]:
        self.state = state
        self.events.extend(state["events"])
        return state

    @property
    def view(self) -> str:
        name: str = self.state["view"]["name"]
        return name

    def event_names(self) -> list[str]:
        return [
            e["event_name"]
            if e["event_name"] != "TRANSITION_VIEW"
            else f"TRANSITION_VIEW:{e['metadata']['view_name']}"
            for e in self.events
        ]

    def to_credentials(self, institution_id: str = "ins_109508") -> None:
        self.start()
        self.act("continue")
        self.act("select_institution", institution_id=institution_id)

    def login(self, password: str = "pass_good", username: str = "user_good") -> dict[str, Any]:
        self.to_credentials()
        return self.act("submit_credentials", username=username, password=password)


def legacy_options(**overrides: Any) -> dict[str, Any]:
    """Plaid.create options of a public-key integration, as link-initialize.js forwards them."""
    options: dict[str, Any] = {
        "clientName": "Legacy App",
        "env": "sandbox",
        "product": ["transactions"],
        "countryCodes": ["US"],
    }
    options.update(overrides)
    return {key: value for key, value in options.items() if value is not None}


class LegacyFrameDriver(FrameDriver):
    """A session opened with a public key: the frame starts it with the key and the legacy
    options, then acts with the link token the answer gives it (as link.js does)."""

    def __init__(self, client: TestClient, public_key: str, **options: Any) -> None:
        super().__init__(client, "")
        self.public_key = public_key
        self.options = legacy_options(**options)

    def start_response(self) -> Any:
        return self.client.post(
            "/link/frame/sessions", json={"public_key": self.public_key, "legacy": self.options}
        )

    def start(self) -> dict[str, Any]:
        response = self.start_response()
        assert response.status_code == 200, response.text
        state: dict[str, Any] = response.json()
        self.link_token = state.pop("link_token")
        return self._took(state)

    def link(self, **fields: Any) -> dict[str, Any]:
        """Through the whole flow at First Platypus Bank, choosing the first account offered."""
        self.login(**fields)
        if self.view == "SELECT_ACCOUNT":
            self.act("select_accounts", account_ids=[self.state["view"]["accounts"][0]["id"]])
        outcome: dict[str, Any] = self.act("continue")["outcome"]
        return outcome
