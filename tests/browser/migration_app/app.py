"""A small pre-2020 Plaid app, for rehearsing the Link token migration against Gingham.

Its page opens Link with the public key and repairs an Item with a public token from
/item/public_token/create; its backend calls /institutions/search, /institutions/get_by_id and
/sandbox/public_token/create with the public key. `Stage` says how far the app has migrated,
one switch per step of Plaid's Link token migration guide; the test flips them in order.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse
from starlette.routing import Route

from tests.live_server import LiveGingham, free_port

PAGE = Path(__file__).with_name("page.html")
INSTITUTION_ID = "ins_109508"


@dataclass
class Stage:
    # Steps 1-2 of the guide: the page opens Link with a link token from the backend.
    link_with: str = "public_key"  # or "link_token"
    # Step 3: update mode through a link token made with the Item's access_token.
    update_with: str = "public_token"  # or "link_token"
    # Step 5: the three endpoints with client_id and secret instead of the public key.
    api_with: str = "public_key"  # or "client_credentials"


class LegacyApp:
    def __init__(self, gingham: LiveGingham, public_key: str) -> None:
        self.gingham = gingham
        self.public_key = public_key
        self.stage = Stage()
        # The app's one user keeps the Item it linked last.
        self.access_token: str | None = None
        self.item_id: str | None = None

    def plaid(self, path: str, body: dict[str, Any], *, with_secret: bool = True) -> Any:
        headers = {"Plaid-Version": "2020-09-14"}
        if with_secret:
            headers["PLAID-CLIENT-ID"] = self.gingham.client_id
            headers["PLAID-SECRET"] = self.gingham.secret
        return httpx.post(f"{self.gingham.base_url}{path}", json=body, headers=headers).json()

    def starlette(self) -> Starlette:
        def page(request: Request) -> HTMLResponse:
            return HTMLResponse(
                PAGE.read_text(encoding="utf-8").replace("__GINGHAM__", self.gingham.base_url)
            )

        def config(request: Request) -> JSONResponse:
            return JSONResponse(
                {
                    "public_key": self.public_key,
                    "link_with": self.stage.link_with,
                    "update_with": self.stage.update_with,
                }
            )

        def create_link_token(request: Request) -> JSONResponse:
            return JSONResponse(self.plaid("/link/token/create", self._link_token_request()))

        def update_token(request: Request) -> JSONResponse:
            assert self.access_token is not None
            if self.stage.update_with == "link_token":
                body = {**self._link_token_request(), "access_token": self.access_token}
                body.pop("products")
                return JSONResponse(self.plaid("/link/token/create", body))
            return JSONResponse(
                self.plaid("/item/public_token/create", {"access_token": self.access_token})
            )

        async def exchange_public_token(request: Request) -> JSONResponse:
            public_token = (await request.json())["public_token"]
            exchanged = self.plaid("/item/public_token/exchange", {"public_token": public_token})
            self.access_token, self.item_id = exchanged["access_token"], exchanged["item_id"]
            return JSONResponse({"item_id": self.item_id})

        def institutions(request: Request) -> JSONResponse:
            return JSONResponse(self.find_banks())

        return Starlette(
            routes=[
                Route("/", page),
                Route("/api/config", config, methods=["POST"]),
                Route("/api/create_link_token", create_link_token, methods=["POST"]),
                Route("/api/update_token", update_token, methods=["POST"]),
                Route("/api/exchange_public_token", exchange_public_token, methods=["POST"]),
                Route("/api/institutions", institutions, methods=["POST"]),
            ]
        )

    def _link_token_request(self) -> dict[str, Any]:
        return {
            "client_name": "Legacy App",
            "language": "en",
            "country_codes": ["US"],
            "products": ["transactions"],
            "user": {"client_user_id": "legacy-app-user"},
        }

    def find_banks(self) -> dict[str, Any]:
        """The three endpoints that once took the public key, called the way the app is at."""
        with_key = self.stage.api_with == "public_key"
        auth = {"public_key": self.public_key} if with_key else {}
        calls = [
            (
                "/institutions/search",
                {"query": "Platypus", "products": ["transactions"], "country_codes": ["US"]},
            ),
            (
                "/institutions/get_by_id",
                {"institution_id": INSTITUTION_ID, "country_codes": ["US"]},
            ),
            (
                "/sandbox/public_token/create",
                {"institution_id": INSTITUTION_ID, "initial_products": ["transactions"]},
            ),
        ]
        answers = [
            self.plaid(path, {**body, **auth}, with_secret=not with_key) for path, body in calls
        ]
        for answer in answers:
            if "error_code" in answer:
                return dict(answer)
        search, by_id, sandbox = answers
        return {
            "names": sorted(
                {i["name"] for i in search["institutions"]} | {by_id["institution"]["name"]}
            ),
            "sandbox_public_token": sandbox["public_token"],
        }


@contextmanager
def serving(app: LegacyApp) -> Iterator[str]:
    """The app on a port of its own (its own origin, as a real app's would be)."""
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(app.starlette(), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        for _ in range(200):
            if server.started:
                break
            threading.Event().wait(0.05)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=5)
