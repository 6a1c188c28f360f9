"""Plaid's assets endpoints: /asset_report/create, get, pdf/get, refresh, filter and remove, and
the audit copies (/asset_report/audit_copy/create, get, pdf/get, remove)."""

from __future__ import annotations

from typing import Any

from gingham import errors
from gingham.assets import service
from gingham.assets.models import AssetReport
from gingham.assets.schemas import report_view
from gingham.assets.service import AssetReportError
from gingham.items import service as items_service
from gingham.items.service import ItemRecord
from gingham.wire.context import FileBody, JSONObject, RequestContext
from gingham.wire.endpoint import Endpoint

# The create options a report keeps (and a refresh may override).
_KEPT_OPTIONS = (
    "client_report_id",
    "webhook",
    "user",
    "include_fast_report",
    "require_all_items",
)


def _report_token(body: JSONObject) -> str:
    token = body.get("asset_report_token")
    if token:
        return str(token)
    if body.get("user_token"):
        raise errors.invalid_field(
            "asset reports by user_token are not supported; pass the asset_report_token that "
            "/asset_report/create returned"
        )
    raise errors.missing_fields(["asset_report_token"])


def create(ctx: RequestContext, body: JSONObject) -> JSONObject:
    access_tokens = body.get("access_tokens")
    if not access_tokens:
        if body.get("user_token"):
            raise errors.invalid_field(
                "asset reports by user_token are not supported; pass the Items' access_tokens"
            )
        raise errors.missing_fields(["access_tokens"])
    items = service.items_of_tokens(ctx.session, ctx.caller, access_tokens)
    given = body.get("options") or {}
    options: dict[str, Any] = {key: given[key] for key in _KEPT_OPTIONS if key in given}
    # options.add_ons ["fast_assets"] is the current name of include_fast_report.
    add_ons = given.get("add_ons") or []
    if "fast_assets" in add_ons:
        options["include_fast_report"] = True
    # options.products ["investments"] is the deprecated name of the investments add-on.
    if "investments" in add_ons or "investments" in (given.get("products") or []):
        options["include_investments"] = True
    return _issue(ctx, [item.id for item in items], body["days_requested"], options)


def _issue(
    ctx: RequestContext,
    item_ids: list[str],
    days_requested: int,
    options: dict[str, Any],
    *,
    excluded_account_ids: list[str] | None = None,
    source_report_id: str | None = None,
) -> JSONObject:
    token, report = service.create_report(
        ctx.session,
        ctx.caller,
        item_ids=item_ids,
        days_requested=days_requested,
        options=options,
        now=ctx.now,
        build_seconds=ctx.runtime.settings.report_build_seconds,
        excluded_account_ids=excluded_account_ids,
        source_report_id=source_report_id,
    )
    return {"asset_report_token": token, "asset_report_id": report.id}


def _view(report: AssetReport, body: JSONObject, *, insights: bool) -> dict[str, Any]:
    data = service.built(report, fast=bool(body.get("fast_report")))
    days = (body.get("options") or {}).get("days_to_include")
    return report_view(data, include_insights=insights, days_to_include=days)


def get(ctx: RequestContext, body: JSONObject) -> JSONObject:
    report = service.report_for_token(ctx.session, ctx.caller, _report_token(body))
    view = _view(report, body, insights=bool(body.get("include_insights")))
    return {"report": view, "warnings": report.warnings}


def _pdf(report: AssetReport, body: JSONObject) -> FileBody:
    # Imported here: the PDF library takes a tenth of a second to import, and few requests
    # ask for a PDF; the server starts faster without it.
    from gingham.assets import pdf

    view = _view(report, body, insights=True)
    return FileBody(pdf.render(view), "application/pdf", f"asset_report_{report.id}.pdf")


def get_pdf(ctx: RequestContext, body: JSONObject) -> FileBody:
    return _pdf(service.report_for_token(ctx.session, ctx.caller, _report_token(body)), body)


def refresh(ctx: RequestContext, body: JSONObject) -> JSONObject:
    source = service.report_for_token(ctx.session, ctx.caller, _report_token(body))
    items = _live_items(ctx, source)
    options = dict(source.options)
    # An empty string clears an option the original report had, as Plaid documents.
    for key, value in (body.get("options") or {}).items():
        options[key] = None if value == "" else value
    days = body.get("days_requested")
    return _issue(
        ctx,
        [item.id for item in items],
        source.days_requested if days is None else days,
        options,
        excluded_account_ids=source.excluded_account_ids,
    )


def _live_items(ctx: RequestContext, report: AssetReport) -> list[ItemRecord]:
    """The report's Items, which a refresh reads again: none may have been removed since."""
    items = []
    for item_id in report.item_ids:
        item = items_service.item_by_id(ctx.session, item_id)
        if item is None or item.removed_at is not None:
            raise AssetReportError(
                "DATA_UNAVAILABLE",
                f"Item {item_id} of this asset report was removed with /item/remove, so its "
                "data can no longer be read; create a new report over the Items still linked",
            )
        items.append(item)
    service.require_healthy(items)
    return items


def filter_report(ctx: RequestContext, body: JSONObject) -> JSONObject:
    source = service.report_for_token(ctx.session, ctx.caller, _report_token(body))
    data = service.built(source)
    present = {a["account_id"] for item in data["items"] for a in item["accounts"]}
    excluding = list(dict.fromkeys(body["account_ids_to_exclude"]))
    unknown = [account_id for account_id in excluding if account_id not in present]
    if unknown:
        raise errors.InvalidInput(
            "INVALID_ACCOUNT_ID",
            "account_ids_to_exclude names accounts that are not in this asset report: "
            + ", ".join(unknown),
        )
    if present and present <= set(excluding):
        raise errors.invalid_field(
            "account_ids_to_exclude excludes every account of the asset report; leave at least one"
        )
    return _issue(
        ctx,
        source.item_ids,
        source.days_requested,
        source.options,
        excluded_account_ids=[*source.excluded_account_ids, *excluding],
        source_report_id=source.id,
    )


def remove(ctx: RequestContext, body: JSONObject) -> JSONObject:
    report = service.report_for_token(ctx.session, ctx.caller, _report_token(body))
    service.remove_report(report, ctx.now)
    return {"removed": True}


def create_audit_copy(ctx: RequestContext, body: JSONObject) -> JSONObject:
    report = service.report_for_token(ctx.session, ctx.caller, _report_token(body))
    token = service.create_audit_copy(ctx.session, report, body.get("auditor_id"), ctx.now)
    return {"audit_copy_token": token}


def get_audit_copy(ctx: RequestContext, body: JSONObject) -> JSONObject:
    _, report = service.audit_copy_for_token(
        ctx.session, ctx.caller, body["audit_copy_token"], owner_only=False
    )
    return {"report": _view(report, {}, insights=False), "warnings": report.warnings}


def get_audit_copy_pdf(ctx: RequestContext, body: JSONObject) -> FileBody:
    _, report = service.audit_copy_for_token(
        ctx.session, ctx.caller, body["audit_copy_token"], owner_only=False
    )
    return _pdf(report, body)


def remove_audit_copy(ctx: RequestContext, body: JSONObject) -> JSONObject:
    copy, _ = service.audit_copy_for_token(
        ctx.session, ctx.caller, body["audit_copy_token"], owner_only=True
    )
    copy.removed_at = ctx.now
    return {"removed": True}


# The endpoints this package serves, wired by gingham.app.
ENDPOINTS: list[Endpoint] = [
    Endpoint("/asset_report/create", create),
    Endpoint("/asset_report/get", get),
    Endpoint("/asset_report/pdf/get", get_pdf),
    Endpoint("/asset_report/refresh", refresh),
    Endpoint("/asset_report/filter", filter_report),
    Endpoint("/asset_report/remove", remove),
    Endpoint("/asset_report/audit_copy/create", create_audit_copy),
    Endpoint("/asset_report/audit_copy/get", get_audit_copy),
    Endpoint("/asset_report/audit_copy/pdf/get", get_audit_copy_pdf),
    Endpoint("/asset_report/audit_copy/remove", remove_audit_copy),
]
