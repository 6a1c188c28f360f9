"""The sandbox: the client's clock (now, advance, the timers waiting on it) and the sandbox
institutions' status (healthy, degraded, down) and migration to OAuth."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from gingham import errors
from gingham.bank_simulation.institutions import DEFAULT_MIGRATION_WINDOW_DAYS
from gingham.dashboard.auth import DashboardSession
from gingham.dashboard.web import Dashboard, Form, Notice, plaid_notice
from gingham.institutions import catalogue
from gingham.institutions.catalogue import Health
from gingham.institutions.state import effective_institutions, states
from gingham.wire.context import Caller

# Durations a developer reaches for most, offered as one-click advances.
QUICK_ADVANCES = [("PT1H", "1 hour"), ("P1D", "1 day"), ("P7D", "7 days"), ("P30D", "30 days")]


def routes(dashboard: Dashboard) -> list[BaseRoute]:
    async def clock_context(caller: Caller) -> dict[str, Any]:
        clock = await dashboard.call(caller, "/_gingham/clock/get", {})
        timers = await dashboard.call(caller, "/_gingham/clock/timers", {})
        return {"clock": clock, "timers": timers["timers"], "quick_advances": QUICK_ADVANCES}

    async def clock_page(request: Request, session: DashboardSession, caller: Caller) -> Response:
        return dashboard.render(request, "clock.html", session, **await clock_context(caller))

    async def clock_status(request: Request, session: DashboardSession, caller: Caller) -> Response:
        # htmx refreshes the time and the timers in place while the page is open.
        return dashboard.render(
            request, "_clock_status.html", session, **await clock_context(caller)
        )

    async def advance(
        request: Request, session: DashboardSession, caller: Caller, form: Form
    ) -> Response:
        by = form.get("by").strip()
        try:
            result = await dashboard.call(caller, "/_gingham/clock/advance", {"by": by})
        except errors.PlaidError as error:
            context = await clock_context(caller)
            return dashboard.render(
                request,
                "clock.html",
                session,
                status=400,
                notice=plaid_notice(error),
                by=by,
                **context,
            )
        fired = len(result["fired"])
        notice = Notice(
            f"Advanced by {by}: the sandbox time is now {result['now']}; "
            f"{fired} timer{'' if fired == 1 else 's'} fired."
        )
        return dashboard.redirect("/dashboard/clock", session, notice)

    async def institutions_context() -> dict[str, Any]:
        def read(db: Any) -> dict[str, Any]:
            known = states(db)
            return {
                "institutions": [
                    {
                        "institution": institution,
                        "migrating_since": (
                            known[institution.institution_id].oauth_migration_started_at
                            if institution.institution_id in known
                            else None
                        ),
                    }
                    for institution in effective_institutions(db)
                ],
                "healths": [health.value for health in Health],
                "migration_days": DEFAULT_MIGRATION_WINDOW_DAYS,
            }

        return await dashboard.in_transaction(read)

    async def institutions_page(
        request: Request, session: DashboardSession, caller: Caller
    ) -> Response:
        return dashboard.render(
            request, "institutions.html", session, **await institutions_context()
        )

    async def institution_change(
        request: Request, session: DashboardSession, caller: Caller, form: Form
    ) -> Response:
        institution_id = request.path_params["institution_id"]
        name = getattr(catalogue.find(institution_id), "name", institution_id)
        if request.path_params["change"] not in ("status", "migrate"):
            return dashboard.redirect("/dashboard/institutions", session)
        try:
            if request.path_params["change"] == "status":
                status = form.get("status")
                await dashboard.call(
                    caller,
                    "/_gingham/bank/institutions/set_status",
                    {"institution_id": institution_id, "status": status},
                )
                notice = Notice(f"{name} is now {status.lower()}.")
            else:
                result = await dashboard.call(
                    caller,
                    "/_gingham/bank/institutions/migrate_to_oauth",
                    {"institution_id": institution_id},
                )
                notice = Notice(
                    f"{name} is migrating to OAuth until {result['ends_at']}; "
                    f"{len(result['items'])} of your Items there will need their users."
                )
        except errors.PlaidError as error:
            return dashboard.render(
                request,
                "institutions.html",
                session,
                status=400,
                notice=plaid_notice(error),
                **await institutions_context(),
            )
        return dashboard.redirect("/dashboard/institutions", session, notice)

    return [
        Route("/dashboard/clock", dashboard.page(clock_page), methods=["GET"]),
        Route("/dashboard/clock/status", dashboard.page(clock_status), methods=["GET"]),
        Route("/dashboard/clock/advance", dashboard.form(advance), methods=["POST"]),
        Route("/dashboard/institutions", dashboard.page(institutions_page), methods=["GET"]),
        Route(
            "/dashboard/institutions/{institution_id}/{change:str}",
            dashboard.form(institution_change),
            methods=["POST"],
        ),
    ]
