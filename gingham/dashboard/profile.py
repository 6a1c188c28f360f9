"""The application profile, as Plaid's dashboard shows it on its "Application profile" and
"Company profile" pages: what the bank's consent page shows users, and who the company is.
Saving goes through /_gingham/client/profile/update, so the page has no rules of its own."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from gingham import errors
from gingham.clients import profile
from gingham.dashboard.auth import DashboardSession
from gingham.dashboard.web import Dashboard, Form, Notice, plaid_notice
from gingham.institutions.catalogue import CATALOGUE, Behaviour
from gingham.wire.context import Caller

PATH = "/dashboard/profile"
# The institutions that refuse an app without a completed profile, named on the page.
REGISTERING_BANKS = tuple(
    institution.name
    for institution in CATALOGUE
    if institution.has(Behaviour.REGISTRATION_REQUIRED)
)
_LABELS = {spec.name: spec.label for spec in profile.FIELDS}


def _invalid_field(error: errors.PlaidError) -> str | None:
    """The field an INVALID_FIELD message names first (its messages start with the field)."""
    for name in sorted(profile.FIELD_NAMES, key=len, reverse=True):
        if error.error_message.startswith(name + " "):
            return name
    return None


def routes(dashboard: Dashboard) -> list[BaseRoute]:
    def render(
        request: Request,
        session: DashboardSession,
        current: dict[str, Any],
        *,
        values: dict[str, str | None] | None = None,
        invalid: str | None = None,
        notice: Notice | None = None,
        status: int = 200,
    ) -> Response:
        return dashboard.render(
            request,
            "profile.html",
            session,
            status=status,
            notice=notice,
            fields=profile.FIELDS,
            required=profile.REQUIRED_FOR_REGISTRATION,
            values=values if values is not None else current["profile"],
            application_id=current["application_id"],
            complete=current["complete"],
            missing=[_LABELS[name] for name in current["missing"]],
            invalid=invalid,
            registering_banks=REGISTERING_BANKS,
        )

    async def profile_page(request: Request, session: DashboardSession, caller: Caller) -> Response:
        current = await dashboard.call(caller, "/_gingham/client/profile/get", {})
        return render(request, session, current)

    async def save(
        request: Request, session: DashboardSession, caller: Caller, form: Form
    ) -> Response:
        # Every field is on the form: an empty one clears what was there.
        body: dict[str, Any] = {
            name: form.get(name).strip() or None for name in profile.FIELD_NAMES
        }
        try:
            saved = await dashboard.call(caller, "/_gingham/client/profile/update", body)
        except errors.PlaidError as error:
            current = await dashboard.call(caller, "/_gingham/client/profile/get", {})
            return render(
                request,
                session,
                current,
                values=body,
                invalid=_invalid_field(error),
                notice=plaid_notice(error),
                status=400,
            )
        text = (
            "Profile saved. It is complete: every bank accepts this app."
            if saved["complete"]
            else "Profile saved. Still missing for registration: "
            + ", ".join(_LABELS[name] for name in saved["missing"])
            + "."
        )
        return dashboard.redirect(PATH, session, Notice(text))

    return [
        Route(PATH, dashboard.page(profile_page), methods=["GET"]),
        Route(PATH, dashboard.form(save), methods=["POST"]),
    ]
