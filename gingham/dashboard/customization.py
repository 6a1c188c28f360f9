"""The Link customization editor: every option a customization has, a live preview of Link
beside it, and Publish, which saves through /_gingham/link_customizations/save.

A draft lives only in the page: the preview draws it with Link's own pane builders
(gingham.dashboard.link_preview) and Link's own frame, and nothing is stored until Publish, so
a draft never changes what Link does.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from gingham import errors
from gingham.clients.models import ApiClient
from gingham.dashboard import link_preview
from gingham.dashboard.auth import DashboardSession
from gingham.dashboard.link_preview import PANE_LABELS, PreviewPane
from gingham.dashboard.web import Dashboard, Form, Notice, plaid_notice
from gingham.institutions import catalogue
from gingham.link_customizations.api import SAVE_SCHEMA, customization_from_request
from gingham.link_customizations.appearance import TEXT_STRINGS, InstitutionSelect
from gingham.link_customizations.models import LinkCustomization
from gingham.link_customizations.service import BUILT_IN, AccountSelect
from gingham.wire.context import Caller, JSONObject, RequestContext
from gingham.wire.json import dumps
from gingham.wire.page_headers import page_headers
from gingham.wire.validation import validate

PATH = "/dashboard/customization"
# What each text string is called in the editor, as Plaid's dashboard groups them.
TEXT_LABELS = {
    "consent": "Consent: what the app connects",
    "institution_select": "Institution Select: headline",
    "institution_search": "Institution Search: placeholder",
    "connected": "Connected: headline",
    "reconnected": "Re-Connected (update mode): headline",
}
assert set(TEXT_LABELS) == set(TEXT_STRINGS)


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def draft_body(form: Form) -> JSONObject:
    """The save request the editor's fields make (the fields a developer left blank are left
    out, so Link keeps its own words for them)."""
    mode = form.get("institution_mode") or InstitutionSelect.AUTOMATIC.value
    body: JSONObject = {
        "name": form.get("name").strip(),
        "account_select": form.get("account_select") or AccountSelect.MULTIPLE.value,
        "data_transparency_messaging": {
            "enabled": form.get("dtm_enabled") == "on",
            "use_cases": _lines(form.get("use_cases")),
        },
        "background_color": (
            form.get("background_color").strip() or None
            if form.get("background_enabled") == "on"
            else None
        ),
        "text_strings": {
            name: form.get(f"text_{name}").strip()
            for name in TEXT_STRINGS
            if form.get(f"text_{name}").strip()
        },
        "institution_select": {"mode": mode},
    }
    if mode == InstitutionSelect.CUSTOM.value:
        body["institution_select"]["institution_ids"] = _lines(form.get("institution_ids"))
    return body


def _fields(customization: JSONObject) -> dict[str, Any]:
    """The editor's field values for a customization as /_gingham/link_customizations/get
    answers it (or for a draft, as draft_body made it)."""
    dtm = customization.get("data_transparency_messaging") or {}
    select_ = customization.get("institution_select") or {}
    return {
        "name": customization.get("name", ""),
        "account_select": customization.get("account_select", AccountSelect.MULTIPLE.value),
        "dtm_enabled": bool(dtm.get("enabled")),
        "use_cases": "\n".join(dtm.get("use_cases") or []),
        "background_enabled": customization.get("background_color") is not None,
        "background_color": customization.get("background_color") or "#0A5C5C",
        "text_strings": dict(customization.get("text_strings") or {}),
        "institution_mode": select_.get("mode", InstitutionSelect.AUTOMATIC.value),
        "institution_ids": "\n".join(select_.get("institution_ids") or []),
    }


def _names(session: Session, caller: Caller) -> list[str]:
    saved = session.scalars(
        select(LinkCustomization.name).where(
            LinkCustomization.client_id == caller.client_id,
            LinkCustomization.environment == caller.environment,
        )
    ).all()
    return sorted({*saved, *BUILT_IN})


def routes(dashboard: Dashboard) -> list[BaseRoute]:
    async def editor_context(caller: Caller, fields: dict[str, Any]) -> dict[str, Any]:
        names = await dashboard.in_transaction(lambda session: _names(session, caller))
        return {
            "fields": fields,
            "names": names,
            "saved": fields["name"] in names,
            "text_labels": TEXT_LABELS,
            "account_selects": [choice.value for choice in AccountSelect],
            "panes": PANE_LABELS,
            "institutions": catalogue.CATALOGUE,
        }

    async def editor(request: Request, session: DashboardSession, caller: Caller) -> Response:
        name = request.query_params.get("name", "").strip()
        new_name = request.query_params.get("new", "").strip()
        notice = None
        fields = _fields({"name": new_name})
        if name and not new_name:
            try:
                found = await dashboard.call(
                    caller, "/_gingham/link_customizations/get", {"name": name}
                )
                fields = _fields(found["link_customization"])
            except errors.PlaidError as error:
                notice = plaid_notice(error)
        context = await editor_context(caller, fields)
        status = 404 if notice else 200
        return dashboard.render(
            request, "customization.html", session, status=status, notice=notice, **context
        )

    async def publish(
        request: Request, session: DashboardSession, caller: Caller, form: Form
    ) -> Response:
        body = draft_body(form)
        try:
            await dashboard.call(caller, "/_gingham/link_customizations/save", body)
        except errors.PlaidError as error:
            context = await editor_context(caller, _fields(body) | _kept(form))
            return dashboard.render(
                request,
                "customization.html",
                session,
                status=400,
                notice=plaid_notice(error),
                **context,
            )
        notice = Notice(
            f"Published {body['name']}: link tokens made with link_customization_name "
            f"{body['name']!r} now use it."
        )
        return dashboard.redirect(f"{PATH}?name={body['name']}", session, notice)

    async def preview(
        request: Request, session: DashboardSession, caller: Caller, form: Form
    ) -> Response:
        pane = form.get("preview_pane")
        known = {choice.value for choice in PreviewPane}
        chosen = PreviewPane(pane) if pane in known else PreviewPane.CONSENT
        body = draft_body(form)
        # A draft may be unnamed yet; its name changes nothing Link shows.
        body["name"] = body["name"] or "draft"

        def build(ctx: RequestContext, _: JSONObject) -> JSONObject:
            validate(body, SAVE_SCHEMA)
            client_name = ctx.session.scalar(
                select(ApiClient.name).where(ApiClient.id == caller.client_id)
            )
            view = link_preview.pane_json(
                dashboard.runtime,
                ctx.session,
                caller,
                client_name or "Your app",
                customization_from_request(body),
                chosen,
                update_mode=form.get("preview_update_mode") == "on",
                now=ctx.now,
            )
            # The preview's token and session were never added; this makes sure nothing the
            # builders loaded can be written back when the transaction ends.
            ctx.session.expunge_all()
            return {"view": view}

        try:
            answer = await dashboard.act(caller, build)
        except errors.PlaidError as error:
            answer = {"error": {"error_code": error.error_code, "message": error.error_message}}
        headers = page_headers()
        headers["Cache-Control"] = "no-store"
        return Response(dumps(answer), media_type="application/json", headers=headers)

    return [
        Route(PATH, dashboard.page(editor), methods=["GET"]),
        Route(PATH, dashboard.form(publish), methods=["POST"]),
        Route(f"{PATH}/preview", dashboard.form(preview), methods=["POST"]),
    ]


def _kept(form: Form) -> dict[str, Any]:
    """What the developer typed that the save request leaves out, kept in the form when it is
    shown again (the colour with its switch off, the institutions with Automatic)."""
    return {
        "background_color": form.get("background_color").strip() or "#0A5C5C",
        "institution_ids": form.get("institution_ids"),
    }
