"""The dashboard's routes: signing in and out, the overview, and each area's pages
(gingham.dashboard.keys, .items, .sandbox and the rest)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from gingham import errors
from gingham.clients.models import ApiClient
from gingham.dashboard import auth, customization, items, keys, link_logs, sandbox
from gingham.dashboard import inbox as inbox_pages
from gingham.dashboard import profile as profile_pages
from gingham.dashboard import requests as requests_pages
from gingham.dashboard import webhooks as webhooks_pages
from gingham.dashboard.auth import DashboardSession
from gingham.dashboard.web import (
    SIGN_IN_PATH,
    Dashboard,
    Form,
    Notice,
    plaid_notice,
    read_form,
)
from gingham.sandbox_clock.offsets import clock_state
from gingham.wire.context import Caller, Runtime
from gingham.wire.endpoint import Endpoint

STATIC_PATH = "/dashboard/static"


def routes(runtime: Runtime, endpoints: list[Endpoint]) -> list[BaseRoute]:
    """`endpoints` are the API's, which the dashboard's actions call as the signed-in client."""
    by_path: Mapping[str, Endpoint] = {endpoint.path: endpoint for endpoint in endpoints}
    dashboard = Dashboard(runtime, by_path)

    async def sign_in_page(request: Request) -> Response:
        if await dashboard.signed_in(request) is not None:
            return RedirectResponse("/dashboard", status_code=303)
        return _sign_in_form(dashboard, request, _anonymous(dashboard, request))

    async def sign_in(request: Request) -> Response:
        current = _anonymous(dashboard, request)
        form = await read_form(request)
        if form is None or not auth.csrf_ok(
            auth.read(request, runtime.secrets, runtime.clock.now()), form.get(auth.CSRF_FIELD)
        ):
            return dashboard.refused(request, current)
        client_id = form.get("client_id").strip()
        secret = form.get("secret").strip()
        if not client_id or not secret:
            notice = Notice("Enter your client_id and secret.", "error")
            return _sign_in_form(dashboard, request, current, notice, client_id, status=400)
        address = request.client.host if request.client else None

        def check(session: Session) -> tuple[str, str | None]:
            environment = runtime.authenticator.authenticate(session, client_id, secret, address)
            return environment, auth.secret_id_of(session, client_id, secret)

        try:
            environment, secret_id = await dashboard.in_transaction(check)
        except errors.PlaidError as error:
            notice = (
                Notice(
                    "That client_id and secret do not match. Check both and try again.",
                    "error",
                    error.error_code,
                )
                if error.error_code == "INVALID_API_KEYS"
                else plaid_notice(error)
            )
            status = 429 if error.status == 429 else 400
            return _sign_in_form(dashboard, request, current, notice, client_id, status=status)
        if secret_id is None:  # revoked between the two queries
            return _sign_in_form(dashboard, request, current, None, client_id, status=400)
        opened = auth.signed_in(runtime.clock.now(), client_id, environment, secret_id)
        response = RedirectResponse("/dashboard", status_code=303)
        auth.keep(response, opened, runtime.secrets, secure=dashboard.secure)
        return response

    async def sign_out(request: Request) -> Response:
        form = await read_form(request)
        current = auth.read(request, runtime.secrets, runtime.clock.now())
        if form is None or not auth.csrf_ok(current, form.get(auth.CSRF_FIELD)):
            return dashboard.refused(request, _anonymous(dashboard, request))
        response = RedirectResponse(SIGN_IN_PATH, status_code=303)
        auth.forget(response, secure=dashboard.secure)
        return response

    async def overview_context(caller: Caller) -> dict[str, Any]:
        def read(db: Session) -> dict[str, Any]:
            live = items.live_items(db, caller)
            return {
                "client_name": db.scalar(
                    select(ApiClient.name).where(ApiClient.id == caller.client_id)
                ),
                "item_count": len(live),
                "unhealthy_count": sum(1 for item in live if item.error is not None),
                "clock": clock_state(db, caller.client_id, runtime.clock.now()),
            }

        return await dashboard.in_transaction(read)

    async def overview(request: Request, session: DashboardSession, caller: Caller) -> Response:
        return dashboard.render(request, "overview.html", session, **await overview_context(caller))

    async def reset(
        request: Request, session: DashboardSession, caller: Caller, form: Form
    ) -> Response:
        # What `gingham reset` does, for the signed-in client only, once its box is ticked.
        if form.get("confirm") != "yes":
            notice = Notice("Nothing was wiped: tick “I understand…” to confirm.", "error")
            context = await overview_context(caller)
            return dashboard.render(
                request,
                "overview.html",
                session,
                status=400,
                notice=notice,
                confirm_missing=True,
                **context,
            )
        wiped = await dashboard.call(caller, "/_gingham/client/reset", {"confirm": True})
        removed = wiped["items"]
        notice = Notice(
            f"Your sandbox data was wiped ({removed} Item{'' if removed == 1 else 's'}); "
            "your keys and settings are as they were."
        )
        return dashboard.redirect("/dashboard", session, notice)

    async def not_found(request: Request, session: DashboardSession, caller: Caller) -> Response:
        return dashboard.render(request, "not_found.html", session, status=404)

    return [
        Route("/dashboard", dashboard.page(overview), methods=["GET"]),
        Route("/dashboard/reset", dashboard.form(reset), methods=["POST"]),
        Route(SIGN_IN_PATH, sign_in_page, methods=["GET"]),
        Route(SIGN_IN_PATH, sign_in, methods=["POST"]),
        Route("/dashboard/sign-out", sign_out, methods=["POST"]),
        *keys.routes(dashboard),
        *items.routes(dashboard),
        *sandbox.routes(dashboard),
        *link_logs.routes(dashboard),
        *customization.routes(dashboard),
        *profile_pages.routes(dashboard),
        *webhooks_pages.routes(dashboard),
        *requests_pages.routes(dashboard),
        *inbox_pages.routes(dashboard),
        Mount(
            STATIC_PATH,
            app=StaticFiles(packages=[("gingham.dashboard", "static")]),
            name="dashboard-static",
        ),
        # Last: any other page under /dashboard is the dashboard's own "not found".
        Route("/dashboard/{rest:path}", dashboard.page(not_found), methods=["GET"]),
    ]


def _anonymous(dashboard: Dashboard, request: Request) -> DashboardSession:
    """The browser's session if it has one (its CSRF token stays), else a new one."""
    now = dashboard.runtime.clock.now()
    return auth.read(request, dashboard.runtime.secrets, now) or auth.anonymous(now)


def _sign_in_form(
    dashboard: Dashboard,
    request: Request,
    current: DashboardSession,
    notice: Notice | None = None,
    client_id: str = "",
    *,
    status: int = 200,
) -> Response:
    # A signed-in session that failed its check (a rotated secret) starts over as anonymous.
    if current.caller is not None:
        current = auth.anonymous(dashboard.runtime.clock.now())
    response = dashboard.render(
        request, "sign_in.html", current, status=status, notice=notice, client_id=client_id
    )
    auth.keep(response, current, dashboard.runtime.secrets, secure=dashboard.secure)
    return response
