"""Plaid's /sandbox/* endpoints."""

from __future__ import annotations

from gingham.bank.credentials import DEFAULT_PASSWORD, DEFAULT_USERNAME, sign_in
from gingham.institutions.service import institution_for_products
from gingham.items import service as items_service
from gingham.products import check_products
from gingham.wire.endpoint import JSONObject, RequestContext
from gingham.wire.validation import check_url


def create_public_token(ctx: RequestContext, body: JSONObject) -> JSONObject:
    """Create an Item without Link, as if a user had linked it with the given credentials."""
    products = body["initial_products"]
    check_products(products, "initial_products")
    institution = institution_for_products(body["institution_id"], products)
    options = body.get("options") or {}
    webhook = options.get("webhook")
    login = sign_in(
        options.get("override_username") or DEFAULT_USERNAME,
        options.get("override_password") or DEFAULT_PASSWORD,
    )
    item_id = items_service.create_item(
        ctx.session,
        ctx.caller,
        institution,
        login.accounts,
        products=products,
        webhook=check_url(webhook, "options.webhook") if webhook else None,
        now=ctx.now,
    )
    return {
        "public_token": items_service.issue_public_token(ctx.session, ctx.caller, item_id, ctx.now)
    }
