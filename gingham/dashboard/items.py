"""Items: the list, one Item's detail (status, error, products, accounts, webhook), and what can
happen to it — the sandbox's reset login and webhooks, removal, and events at its bank."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from gingham import errors
from gingham.accounts.models import Account
from gingham.bank.credentials import DEFAULT_USERNAME
from gingham.bank_simulation import logins as bank_logins
from gingham.dashboard.auth import DashboardSession
from gingham.dashboard.web import Dashboard, Form, Notice, plaid_notice
from gingham.institutions import catalogue
from gingham.items import lifecycle
from gingham.items import service as items_service
from gingham.items.models import Item, ItemOAuthConnection
from gingham.items.service import ItemRecord
from gingham.sandbox import api as sandbox_api
from gingham.webhooks.log import last_sent_webhook
from gingham.wire.context import Caller, JSONObject, RequestContext

# Every code /sandbox/item/fire_webhook fires, with the webhook types each can go as.
WEBHOOK_CHOICES = [
    (f"{webhook_type}:{code}", f"{webhook_type} · {code}")
    for code, firings in sandbox_api.FIRINGS.items()
    for webhook_type in firings
]


def live_items(session: Session, caller: Caller) -> list[ItemRecord]:
    """The caller's live Items in its environment, newest first."""
    found = items_service.items_where(
        session,
        Item.client_id == caller.client_id,
        Item.environment == caller.environment,
        Item.removed_at.is_(None),
    )
    return sorted(found, key=lambda item: item.created_at, reverse=True)


def item_of(session: Session, caller: Caller, item_id: str) -> ItemRecord:
    """The caller's live Item with this id, or the error its access token would get."""
    found = items_service.items_where(
        session,
        Item.id == item_id,
        Item.client_id == caller.client_id,
        Item.environment == caller.environment,
        Item.removed_at.is_(None),
    )
    if not found:
        raise errors.InvalidInput(
            "ITEM_NOT_FOUND", f"there is no Item {item_id} of this client: it may have been removed"
        )
    return found[0]


def _institution_name(institution_id: str | None) -> str:
    institution = catalogue.find(institution_id or "")
    return institution.name if institution else (institution_id or "—")


def _summary(item: ItemRecord) -> dict[str, Any]:
    return {
        "item": item,
        "institution_name": _institution_name(item.institution_id),
        "health": "Needs attention" if item.error else "Healthy",
    }


ItemAction = Callable[[RequestContext, ItemRecord, Form], JSONObject]


def _reset_login(ctx: RequestContext, item: ItemRecord, form: Form) -> JSONObject:
    # What /sandbox/item/reset_login does.
    lifecycle.require_login(ctx.session, item, lifecycle.Cause.SANDBOX_RESET, ctx.now, again=True)
    return {"notice": "The Item now needs its user to sign in again (ITEM_LOGIN_REQUIRED)."}


def _fire_webhook(ctx: RequestContext, item: ItemRecord, form: Form) -> JSONObject:
    webhook_type, _, code = form.get("webhook").partition(":")
    if code not in sandbox_api.FIRINGS:
        raise errors.invalid_field(
            f"choose one of the webhooks listed (got {form.get('webhook')!r})"
        )
    sandbox_api.fire_item_webhook(ctx, item, webhook_type, code, {})
    return {"notice": f"{webhook_type} {code} is on its way to {item.webhook}."}


def _remove(ctx: RequestContext, item: ItemRecord, form: Form) -> JSONObject:
    # What /item/remove does.
    items_service.remove_item(ctx.session, item, ctx.now)
    return {"notice": f"Item {item.id} was removed; its access tokens no longer work."}


def _change_password(ctx: RequestContext, item: ItemRecord, form: Form) -> JSONObject:
    affected = bank_logins.change_password(
        ctx.session,
        item.institution_id or "",
        form.get("username").strip(),
        form.get("password"),
        real_now=ctx.runtime.clock.now(),
    )
    mine = [change for change in affected if change.client_id == ctx.caller.client_id]
    return {
        "notice": f"The password changed at the bank; {len(mine)} of your Items with that login "
        "now need their user (ITEM_LOGIN_REQUIRED)."
    }


def _expire_otp(ctx: RequestContext, item: ItemRecord, form: Form) -> JSONObject:
    affected = bank_logins.expire_otp(
        ctx.session,
        item.institution_id or "",
        form.get("username").strip(),
        real_now=ctx.runtime.clock.now(),
    )
    mine = [change for change in affected if change.client_id == ctx.caller.client_id]
    return {
        "notice": f"The bank wants a new one-time code; {len(mine)} of your Items with that login "
        "now need their user (ITEM_LOGIN_REQUIRED), and update mode asks only for the code."
    }


def _revoke_consent(ctx: RequestContext, item: ItemRecord, form: Form) -> JSONObject:
    noticed_at = bank_logins.revoke_consent(
        ctx.session, item, form.get("account_id") or None, real_now=ctx.runtime.clock.now()
    )
    return {
        "notice": "Consent was withdrawn at the bank. Gingham notices at its next check of the "
        f"Item, at {noticed_at:%Y-%m-%d %H:%M} UTC sandbox time."
    }


def _open_account(ctx: RequestContext, item: ItemRecord, form: Form) -> JSONObject:
    account: JSONObject = {}
    if form.get("subtype"):
        account = {"type": form.get("type") or "depository", "subtype": form.get("subtype")}
    opened, _ = bank_logins.open_account(
        ctx.session,
        item.institution_id or "",
        form.get("username").strip(),
        account,
        real_now=ctx.runtime.clock.now(),
    )
    return {
        "notice": f"The user opened {opened.name} (…{opened.mask}) at the bank; the Item's "
        "client hears NEW_ACCOUNTS_AVAILABLE."
    }


ACTIONS: dict[str, ItemAction] = {
    "reset_login": _reset_login,
    "fire_webhook": _fire_webhook,
    "remove": _remove,
    "change_password": _change_password,
    "expire_otp": _expire_otp,
    "revoke_consent": _revoke_consent,
    "open_account": _open_account,
}


def routes(dashboard: Dashboard) -> list[BaseRoute]:
    async def list_context(caller: Caller) -> dict[str, Any]:
        items = await dashboard.in_transaction(lambda session: live_items(session, caller))
        return {"items": [_summary(item) for item in items]}

    async def items_page(request: Request, session: DashboardSession, caller: Caller) -> Response:
        return dashboard.render(request, "items.html", session, **await list_context(caller))

    async def items_table(request: Request, session: DashboardSession, caller: Caller) -> Response:
        # htmx refreshes the table in place while the page is open.
        return dashboard.render(request, "_items_table.html", session, **await list_context(caller))

    def detail_context(caller: Caller, item_id: str) -> Callable[[Session], dict[str, Any]]:
        def read(session: Session) -> dict[str, Any]:
            item = item_of(session, caller, item_id)
            accounts = session.scalars(
                select(Account).where(Account.item_id == item.id).order_by(Account.position)
            ).all()
            institution = catalogue.find(item.institution_id or "")
            return {
                **_summary(item),
                "accounts": accounts,
                "last_webhook": last_sent_webhook(session, item.id),
                "oauth": session.get(ItemOAuthConnection, item.id) is not None,
                "credential_bank": institution is not None and not institution.oauth,
                "webhook_choices": WEBHOOK_CHOICES,
                "default_username": DEFAULT_USERNAME,
            }

        return read

    async def item_page(request: Request, session: DashboardSession, caller: Caller) -> Response:
        item_id = request.path_params["item_id"]
        try:
            context = await dashboard.in_transaction(detail_context(caller, item_id))
        except errors.PlaidError as error:
            return dashboard.render(
                request,
                "items.html",
                session,
                status=404,
                notice=plaid_notice(error),
                **await list_context(caller),
            )
        return dashboard.render(request, "item.html", session, **context)

    async def act(
        request: Request, session: DashboardSession, caller: Caller, form: Form
    ) -> Response:
        item_id = request.path_params["item_id"]
        action = ACTIONS.get(request.path_params["action"])
        if action is None:
            return dashboard.redirect(f"/dashboard/items/{item_id}", session)
        chosen = action
        if chosen is _remove and form.get("confirm") != "yes":
            # Removal cannot be undone: it needs its box ticked, whether or not the browser
            # checked the form first.
            try:
                context = await dashboard.in_transaction(detail_context(caller, item_id))
            except errors.PlaidError as error:
                return dashboard.redirect("/dashboard/items", session, plaid_notice(error))
            notice = Notice(
                "Nothing was removed: tick “I understand…” to confirm the removal.", "error"
            )
            return dashboard.render(
                request,
                "item.html",
                session,
                status=400,
                notice=notice,
                confirm_missing=True,
                **context,
            )

        def handler(ctx: RequestContext, body: JSONObject) -> JSONObject:
            return chosen(ctx, item_of(ctx.session, caller, item_id), form)

        try:
            result = await dashboard.act(caller, handler)
        except errors.PlaidError as error:
            try:
                context = await dashboard.in_transaction(detail_context(caller, item_id))
            except errors.PlaidError:
                return dashboard.redirect("/dashboard/items", session, plaid_notice(error))
            return dashboard.render(
                request, "item.html", session, status=400, notice=plaid_notice(error), **context
            )
        back = "/dashboard/items" if chosen is _remove else f"/dashboard/items/{item_id}"
        return dashboard.redirect(back, session, Notice(result["notice"]))

    page = dashboard.page
    return [
        Route("/dashboard/items", page(items_page), methods=["GET"]),
        Route("/dashboard/items/table", page(items_table), methods=["GET"]),
        Route("/dashboard/items/{item_id}", page(item_page), methods=["GET"]),
        Route("/dashboard/items/{item_id}/{action}", dashboard.form(act), methods=["POST"]),
    ]
