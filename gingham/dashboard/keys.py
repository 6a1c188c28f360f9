"""Keys (client_id, a secret per environment with rotation, the legacy public key and its
switches) and the allow-lists (redirect URIs, Android package names), as Plaid's dashboard
shows them on its "Keys" and "API" pages."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from gingham import errors
from gingham.clients import service as clients_service
from gingham.clients.android_packages import ANDROID_PACKAGES
from gingham.clients.models import ENVIRONMENTS, ApiClient, ClientSecret
from gingham.clients.redirect_uris import REDIRECT_URIS
from gingham.dashboard import auth
from gingham.dashboard.auth import DashboardSession
from gingham.dashboard.web import Dashboard, Form, Notice, plaid_notice
from gingham.wire.context import Caller, JSONObject, RequestContext

ALLOW_LISTS = {allow_list.listed_as: allow_list for allow_list in (REDIRECT_URIS, ANDROID_PACKAGES)}
# What the page calls each list, as Plaid's dashboard does.
ALLOW_LIST_TITLES = {
    REDIRECT_URIS.listed_as: ("Allowed redirect URIs", "Redirect URI"),
    ANDROID_PACKAGES.listed_as: ("Allowed Android package names", "Android package name"),
}


def _secrets_by_environment(session: Session, client_id: str) -> dict[str, list[datetime]]:
    """When each live secret of each environment was made (never the secrets: only hashes)."""
    made: dict[str, list[datetime]] = {environment: [] for environment in ENVIRONMENTS}
    for environment, created_at in session.execute(
        select(ClientSecret.environment, ClientSecret.created_at)
        .where(ClientSecret.client_id == client_id, ClientSecret.revoked_at.is_(None))
        .order_by(ClientSecret.created_at)
    ):
        made.setdefault(environment, []).append(created_at)
    return made


def routes(dashboard: Dashboard) -> list[BaseRoute]:
    async def keys_context(caller: Caller) -> dict[str, Any]:
        public_key = await dashboard.call(caller, "/_gingham/client/public_key/get", {})

        def read(session: Session) -> dict[str, Any]:
            return {
                "client_name": session.scalar(
                    select(ApiClient.name).where(ApiClient.id == caller.client_id)
                ),
                "secrets": _secrets_by_environment(session, caller.client_id),
            }

        return {
            **await dashboard.in_transaction(read),
            "public_key": public_key["public_key"],
            "switches": public_key["environments"],
            "environments": ENVIRONMENTS,
            "new_secret": None,
        }

    async def keys_page(request: Request, session: DashboardSession, caller: Caller) -> Response:
        context = await keys_context(caller)
        if session.shown_once is not None:
            context["new_secret"] = tuple(session.shown_once)
        return dashboard.render(request, "keys.html", session, **context)

    async def rotate(
        request: Request, session: DashboardSession, caller: Caller, form: Form
    ) -> Response:
        environment = form.get("environment")
        if environment not in ENVIRONMENTS:
            notice = Notice(f"There is no {environment or 'unnamed'} environment.", "error")
            context = await keys_context(caller)
            return dashboard.render(
                request, "keys.html", session, status=400, notice=notice, **context
            )

        def rotate_secret(ctx: RequestContext, body: JSONObject) -> JSONObject:
            # Keys live in real time, not on the client's sandbox clock.
            secret = clients_service.rotate_secret(
                ctx.session, caller.client_id, environment, ctx.runtime.clock.now()
            )
            return {
                "secret": secret,
                "secret_id": auth.secret_id_of(ctx.session, caller.client_id, secret),
            }

        rotated = await dashboard.act(caller, rotate_secret)
        dashboard.runtime.authenticator.forget_secrets(caller.client_id)
        if environment == session.environment:
            # The secret this browser signed in with is gone; it carries on with the new one.
            session = replace(session, secret_id=rotated["secret_id"])
        notice = Notice(
            f"A new {environment} secret is shown below, this once. The old one no longer works."
        )
        shown = replace(session, shown_once=[environment, rotated["secret"]])
        return dashboard.redirect("/dashboard/keys", shown, notice)

    async def set_switches(
        request: Request, session: DashboardSession, caller: Caller, form: Form
    ) -> Response:
        body = {
            "environment": form.get("environment"),
            "link": form.get("link") == "on",
            "api": form.get("api") == "on",
        }
        try:
            await dashboard.call(caller, "/_gingham/client/public_key/set", body)
        except errors.PlaidError as error:
            context = await keys_context(caller)
            return dashboard.render(
                request, "keys.html", session, status=400, notice=plaid_notice(error), **context
            )
        notice = Notice(
            f"Public key in {body['environment']}: Link {'on' if body['link'] else 'off'}, "
            f"API {'on' if body['api'] else 'off'}."
        )
        return dashboard.redirect("/dashboard/keys", session, notice)

    async def allowed_context(caller: Caller) -> dict[str, Any]:
        lists = []
        for listed_as, allow_list in ALLOW_LISTS.items():
            listing = await dashboard.call(caller, f"/_gingham/client/{listed_as}/list", {})
            title, entry_label = ALLOW_LIST_TITLES[listed_as]
            lists.append(
                {
                    "listed_as": listed_as,
                    "field": allow_list.field,
                    "title": title,
                    "entry_label": entry_label,
                    "entries": listing[listed_as],
                }
            )
        return {"lists": lists, "environment": caller.environment}

    async def allowed_page(request: Request, session: DashboardSession, caller: Caller) -> Response:
        return dashboard.render(request, "allowed.html", session, **await allowed_context(caller))

    def change_list(verb: str) -> Any:
        async def change(
            request: Request, session: DashboardSession, caller: Caller, form: Form
        ) -> Response:
            listed_as = request.path_params["listed_as"]
            allow_list = ALLOW_LISTS.get(listed_as)
            if allow_list is None:
                return dashboard.redirect("/dashboard/allowed", session)
            value = form.get(allow_list.field).strip()
            try:
                result = await dashboard.call(
                    caller, f"/_gingham/client/{listed_as}/{verb}", {allow_list.field: value}
                )
            except errors.PlaidError as error:
                context = await allowed_context(caller)
                return dashboard.render(
                    request,
                    "allowed.html",
                    session,
                    status=400,
                    notice=plaid_notice(error),
                    rejected={listed_as: value},
                    **context,
                )
            changed = result["added" if verb == "add" else "removed"]
            entry_label = ALLOW_LIST_TITLES[listed_as][1]
            text = (
                f"{entry_label} {'added' if verb == 'add' else 'removed'}: {value}"
                if changed
                else f"{entry_label} {value} was {'already' if verb == 'add' else 'not'} on the list."
            )
            return dashboard.redirect("/dashboard/allowed", session, Notice(text))

        return change

    return [
        Route("/dashboard/keys", dashboard.page(keys_page), methods=["GET"]),
        Route("/dashboard/keys/rotate", dashboard.form(rotate), methods=["POST"]),
        Route("/dashboard/keys/public_key", dashboard.form(set_switches), methods=["POST"]),
        Route("/dashboard/allowed", dashboard.page(allowed_page), methods=["GET"]),
        Route(
            "/dashboard/allowed/{listed_as}/add",
            dashboard.form(change_list("add")),
            methods=["POST"],
        ),
        Route(
            "/dashboard/allowed/{listed_as}/remove",
            dashboard.form(change_list("remove")),
            methods=["POST"],
        ),
    ]
