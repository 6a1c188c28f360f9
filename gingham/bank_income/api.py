"""Plaid's bank income endpoints: /credit/bank_income/get, /pdf/get, /refresh, /webhook/update
and /credit/sessions/get."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from gingham import errors
from gingham.bank_income import service, timers, watch
from gingham.link.models import LinkSession
from gingham.link_tokens.models import LinkToken
from gingham.users import service as users_service
from gingham.users.models import User
from gingham.wire.context import FileBody, JSONObject, RequestContext
from gingham.wire.endpoint import Endpoint
from gingham.wire.json import format_datetime

# How many reports one /credit/bank_income/get may ask for.
MAX_COUNT = 100


def _user(ctx: RequestContext, body: JSONObject) -> User:
    """The user of `user_token` (or of the `user_id` Plaid's newer user APIs send instead)."""
    user_token, user_id = body.get("user_token"), body.get("user_id")
    if user_token:
        user = users_service.user_for_token(ctx.session, ctx.caller, user_token)
        if user_id and user_id != user.id:
            raise errors.invalid_field("user_id and user_token name different users")
        return user
    if user_id:
        return users_service.user_by_id(ctx.session, ctx.caller, user_id)
    raise errors.missing_fields(["user_token"])


def get_bank_income(ctx: RequestContext, body: JSONObject) -> JSONObject:
    count = (body.get("options") or {}).get("count")
    count = 1 if count is None else count
    if not 1 <= count <= MAX_COUNT:
        raise errors.invalid_field(f"options.count must be between 1 and {MAX_COUNT} (got {count})")
    user = _user(ctx, body)
    service.materialise_session_reports(ctx.session, user)
    reports = service.ready_reports(ctx.session, user, count)
    if not reports:
        raise service.income_verification_not_found()
    return {"bank_income": [report.report for report in reports]}


def get_bank_income_pdf(ctx: RequestContext, body: JSONObject) -> FileBody:
    user = _user(ctx, body)
    service.materialise_session_reports(ctx.session, user)
    reports = service.ready_reports(ctx.session, user, 1)
    if not reports or reports[0].report is None:
        raise service.income_verification_not_found()
    report = reports[0]
    assert report.report is not None
    # Imported here: the PDF library takes a tenth of a second to import, and few requests
    # ask for a PDF; the server starts faster without it.
    from gingham.bank_income import pdf

    return FileBody(pdf.render(report.report), "application/pdf", f"bank_income_{report.id}.pdf")


def refresh_bank_income(ctx: RequestContext, body: JSONObject) -> JSONObject:
    user = _user(ctx, body)
    timers.request_refresh(
        ctx.session,
        user,
        days_requested=(body.get("options") or {}).get("days_requested"),
        now=ctx.now,
        build_seconds=ctx.runtime.settings.report_build_seconds,
    )
    return {}


def update_webhook(ctx: RequestContext, body: JSONObject) -> JSONObject:
    watch.subscribe(ctx.session, _user(ctx, body), body["enable_webhooks"], ctx.now)
    return {}


def get_sessions(ctx: RequestContext, body: JSONObject) -> JSONObject:
    user = _user(ctx, body)
    rows = ctx.session.execute(
        select(LinkSession, LinkToken.config)
        .join(LinkToken, LinkToken.id == LinkSession.link_token_id)
        .where(LinkToken.user_id == user.id, LinkSession.status.in_(("success", "exit")))
        .order_by(LinkSession.started_at.desc(), LinkSession.id)
    ).all()
    return {"sessions": [_session_json(row.LinkSession, row.config) for row in rows]}


def _session_json(link_session: LinkSession, config: dict[str, Any]) -> dict[str, Any]:
    results: dict[str, Any] = {
        "item_add_results": [],
        "bank_income_results": [],
        "bank_employment_results": [],
        "payroll_income_results": [],
    }
    found_errors = []
    if link_session.status == "success" and link_session.item_id:
        linked = {"item_id": link_session.item_id, "institution_id": link_session.institution_id}
        results["item_add_results"].append(linked)
        if service.PRODUCT in (config.get("products") or ()):
            results["bank_income_results"].append({"status": "APPROVED", **linked})
    elif (error := (link_session.result or {}).get("error")) is not None:
        found_errors.append(errors.from_stored(error).summary())
    return {
        "link_session_id": link_session.id,
        "session_start_time": format_datetime(link_session.started_at),
        "results": results,
        "errors": found_errors,
    }


# The endpoints this package serves, wired by gingham.app.
ENDPOINTS: list[Endpoint] = [
    Endpoint("/credit/bank_income/get", get_bank_income),
    Endpoint("/credit/bank_income/pdf/get", get_bank_income_pdf),
    Endpoint("/credit/bank_income/refresh", refresh_bank_income),
    Endpoint("/credit/bank_income/webhook/update", update_webhook),
    Endpoint("/credit/sessions/get", get_sessions),
]
