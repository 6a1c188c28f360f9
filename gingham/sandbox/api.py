"""Plaid's /sandbox/* endpoints."""

from __future__ import annotations

import copy
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select

from gingham import errors
from gingham.accounts.models import Account
from gingham.bank.credentials import DEFAULT_PASSWORD, DEFAULT_USERNAME
from gingham.bank.logins import login_id, sign_in_at
from gingham.clients import profile
from gingham.institutions.service import institution_for_products
from gingham.investments import service as investments_service
from gingham.items import lifecycle
from gingham.items import service as items_service
from gingham.items.service import ItemRecord
from gingham.liabilities import service as liabilities_service
from gingham.products import check_products
from gingham.transactions import firings as transaction_firings
from gingham.webhooks.outbox import enqueue_webhook
from gingham.wire.context import JSONObject, RequestContext
from gingham.wire.endpoint import Endpoint
from gingham.wire.json import format_timestamp_ms
from gingham.wire.validation import Schema, check_url, request_schema


def create_public_token(ctx: RequestContext, body: JSONObject) -> JSONObject:
    """Create an Item without Link, as if a user had linked it with the given credentials."""
    products = body["initial_products"]
    check_products(products, "initial_products")
    institution = institution_for_products(body["institution_id"], products)
    refusal = profile.registration_refusal(ctx.session, ctx.caller.client_id, institution, ctx.now)
    if refusal is not None:
        raise refusal
    options = body.get("options") or {}
    webhook = options.get("webhook")
    login = sign_in_at(
        ctx.session,
        institution.institution_id,
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
        login_id=login_id(institution.institution_id, login.username),
        now=ctx.now,
    )
    return {
        "public_token": items_service.issue_public_token(ctx.session, ctx.caller, item_id, ctx.now)
    }


def reset_login(ctx: RequestContext, body: JSONObject) -> JSONObject:
    """Put the Item into ITEM_LOGIN_REQUIRED, as when its user's login stops working, and send
    ITEM / ERROR about it (when the Item has a webhook URL)."""
    item = items_service.item_for_access_token(ctx.session, ctx.caller, body["access_token"])
    lifecycle.require_login(ctx.session, item, lifecycle.Cause.SANDBOX_RESET, ctx.now, again=True)
    return {"reset_login": True}


# --- /sandbox/item/fire_webhook ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FireContext:
    ctx: RequestContext
    item: ItemRecord
    options: JSONObject

    def account_ids(self) -> list[str]:
        return list(
            self.ctx.session.scalars(
                select(Account.id).where(Account.item_id == self.item.id).order_by(Account.position)
            )
        )


Fields = Callable[[FireContext], JSONObject]


@dataclass(frozen=True, slots=True)
class Firing:
    """One webhook_type a code can be fired as: the product the Item needs, and the body."""

    product: str | None
    fields: Fields


def _item_only(fire: FireContext) -> JSONObject:
    return {"item_id": fire.item.id}


def _item_and_no_error(fire: FireContext) -> JSONObject:
    return {"item_id": fire.item.id, "error": None}


def _first_account(fire: FireContext) -> str | None:
    accounts = fire.account_ids()
    return accounts[0] if accounts else None


# An asset report error, for ERROR fired as ASSETS (the report id is made up: Gingham keeps no
# asset reports).
_ASSET_REPORT_ERROR = errors.of_type(
    "ASSET_REPORT_ERROR", "PRODUCT_NOT_READY", "the asset report could not be generated"
)

# Per code, the webhook types it can be fired as (the first is the default) and what each sends.
# Payloads are Plaid's documented bodies; counts that describe data Gingham does not simulate yet
# (new transactions, holdings) are 0 unless options say otherwise.
FIRINGS: dict[str, dict[str, Firing]] = {
    "DEFAULT_UPDATE": {
        "TRANSACTIONS": Firing(
            "transactions",
            lambda fire: transaction_firings.new_transactions(
                fire.ctx.session, fire.item, "DEFAULT_UPDATE", fire.options
            ),
        ),
        "AUTH": Firing(
            "auth",
            lambda fire: {
                "item_id": fire.item.id,
                "account_ids_with_new_auth": [],
                "account_ids_with_updated_auth": {},
                "error": None,
            },
        ),
        "IDENTITY": Firing(
            "identity",
            lambda fire: {
                "item_id": fire.item.id,
                "account_ids_with_updated_identity": {},
                "error": None,
            },
        ),
        # Investments and Liabilities report the Item's real data: its latest day of
        # investment activity, and the liability fields that changed since it was linked.
        "HOLDINGS": Firing(
            "investments",
            lambda fire: {
                "item_id": fire.item.id,
                "error": None,
                "new_holdings": 0,
                "updated_holdings": investments_service.latest_update(
                    fire.ctx.session, fire.item, fire.ctx.now
                ).updated_holdings,
            },
        ),
        "INVESTMENTS_TRANSACTIONS": Firing(
            "investments",
            lambda fire: {
                "item_id": fire.item.id,
                "error": None,
                "new_investments_transactions": investments_service.latest_update(
                    fire.ctx.session, fire.item, fire.ctx.now
                ).new_transactions,
                "cancelled_investments_transactions": 0,
            },
        ),
        "LIABILITIES": Firing(
            "liabilities",
            lambda fire: {
                "item_id": fire.item.id,
                "error": None,
                "account_ids_with_new_liabilities": [],
                "account_ids_with_updated_liabilities": liabilities_service.updated_since_linked(
                    fire.ctx.session, fire.item, fire.ctx.now.date()
                ),
            },
        ),
    },
    "NEW_ACCOUNTS_AVAILABLE": {"ITEM": Firing(None, _item_and_no_error)},
    "SMS_MICRODEPOSITS_VERIFICATION": {
        "AUTH": Firing(
            "auth",
            lambda fire: {
                "status": "MANUALLY_VERIFIED",
                "item_id": fire.item.id,
                "account_id": _first_account(fire),
            },
        )
    },
    # Plaid's spec names this code but documents no body; Gingham sends the Item's id.
    "AUTHORIZATION_GRANTED": {"ITEM": Firing(None, _item_only)},
    "USER_PERMISSION_REVOKED": {
        "ITEM": Firing(
            None,
            lambda fire: {
                "item_id": fire.item.id,
                "error": lifecycle.USER_PERMISSION_REVOKED.webhook_body(),
            },
        )
    },
    "USER_ACCOUNT_REVOKED": {
        "ITEM": Firing(
            None, lambda fire: {"item_id": fire.item.id, "account_id": _first_account(fire)}
        )
    },
    "PENDING_DISCONNECT": {
        "ITEM": Firing(
            None,
            lambda fire: {
                "item_id": fire.item.id,
                "reason": "INSTITUTION_TOKEN_EXPIRATION",
                "disconnect_time": format_timestamp_ms(fire.ctx.now + timedelta(days=7)),
            },
        )
    },
    # Not in Plaid's list for this endpoint; Gingham fires it too (EU/UK consent expiry): the
    # Item's consent expiry, or seven days from now for an Item whose consent does not expire.
    "PENDING_EXPIRATION": {
        "ITEM": Firing(
            None,
            lambda fire: {
                "item_id": fire.item.id,
                "consent_expiration_time": format_timestamp_ms(
                    fire.item.consent_expires_at or fire.ctx.now + timedelta(days=7)
                ),
            },
        )
    },
    "RECURRING_TRANSACTIONS_UPDATE": {
        "TRANSACTIONS": Firing(
            "transactions",
            lambda fire: {"item_id": fire.item.id, "account_ids": fire.account_ids()},
        )
    },
    "LOGIN_REPAIRED": {"ITEM": Firing(None, _item_only)},
    "SYNC_UPDATES_AVAILABLE": {
        "TRANSACTIONS": Firing(
            "transactions",
            lambda fire: transaction_firings.sync_updates_available(fire.ctx.session, fire.item),
        )
    },
    # Not in Plaid's list for this endpoint; Gingham fires the rest of the TRANSACTIONS codes
    # too, with the counts of the Item's stored transactions.
    "INITIAL_UPDATE": {
        "TRANSACTIONS": Firing(
            "transactions",
            lambda fire: transaction_firings.new_transactions(
                fire.ctx.session, fire.item, "INITIAL_UPDATE", fire.options
            ),
        )
    },
    "HISTORICAL_UPDATE": {
        "TRANSACTIONS": Firing(
            "transactions",
            lambda fire: transaction_firings.new_transactions(
                fire.ctx.session, fire.item, "HISTORICAL_UPDATE", fire.options
            ),
        )
    },
    "TRANSACTIONS_REMOVED": {
        "TRANSACTIONS": Firing(
            "transactions",
            lambda fire: transaction_firings.transactions_removed(fire.ctx.session, fire.item),
        )
    },
    "PRODUCT_READY": {
        "ASSETS": Firing(
            "assets",
            lambda fire: {"asset_report_id": str(uuid.uuid4()), "report_type": "FULL"},
        )
    },
    "ERROR": {
        "ITEM": Firing(
            None,
            lambda fire: {
                "item_id": fire.item.id,
                "error": lifecycle.login_required(lifecycle.Cause.SANDBOX_RESET).webhook_body(),
            },
        ),
        "ASSETS": Firing(
            "assets",
            lambda fire: {
                "asset_report_id": str(uuid.uuid4()),
                "error": _ASSET_REPORT_ERROR.webhook_body(),
            },
        ),
    },
}


def _fire_webhook_schema() -> Schema:
    """Plaid's request schema, with PENDING_EXPIRATION added to the codes."""
    schema = copy.deepcopy(request_schema("/sandbox/item/fire_webhook"))
    codes = schema["properties"]["webhook_code"]["enum"]
    codes.extend(code for code in FIRINGS if code not in codes)
    return schema


FIRE_WEBHOOK_SCHEMA = _fire_webhook_schema()


def fire_webhook(ctx: RequestContext, body: JSONObject) -> JSONObject:
    """Send the Item's webhook URL one of Plaid's webhooks, as if the event had happened. Only
    the webhook is sent: the Item's state does not change (reset_login changes it)."""
    code = body["webhook_code"]
    firings = FIRINGS[code]
    webhook_type = body.get("webhook_type") or next(iter(firings))
    firing = firings.get(webhook_type)
    if firing is None:
        raise errors.invalid_field(
            f"webhook_type {webhook_type} cannot be fired with webhook_code {code}; "
            f"use {' or '.join(firings)}"
        )
    item = items_service.item_for_access_token(ctx.session, ctx.caller, body["access_token"])
    return fire_item_webhook(ctx, item, webhook_type, code, body.get("options") or {})


def fire_item_webhook(
    ctx: RequestContext, item: ItemRecord, webhook_type: str, code: str, options: JSONObject
) -> JSONObject:
    """fire_webhook for an Item already found (the dashboard names Items by id)."""
    firing = FIRINGS[code].get(webhook_type)
    if firing is None:
        raise errors.invalid_field(
            f"webhook_type {webhook_type} cannot be fired with webhook_code {code}; "
            f"use {' or '.join(FIRINGS[code])}"
        )
    if not item.webhook:
        raise errors.SandboxError(
            "SANDBOX_WEBHOOK_INVALID",
            "the Item has no webhook URL to fire a webhook at; set one with /item/webhook/update "
            "(or create the Item with options.webhook in /sandbox/public_token/create, or webhook "
            "in /link/token/create)",
        )
    if firing.product is not None and firing.product not in item.billed_products:
        raise errors.SandboxError(
            "SANDBOX_PRODUCT_NOT_ENABLED",
            f"{webhook_type} {code} needs the {firing.product} product, which this Item does not "
            f"have; create the Item with {firing.product} in its products",
        )
    enqueue_webhook(
        ctx.session,
        item=item,
        webhook_type=webhook_type,
        webhook_code=code,
        fields=firing.fields(FireContext(ctx, item, options)),
        now=ctx.now,
    )
    return {"webhook_fired": True}


# The endpoints this package serves, wired by gingham.app.
ENDPOINTS: list[Endpoint] = [
    Endpoint("/sandbox/public_token/create", create_public_token, accepts_public_key=True),
    Endpoint("/sandbox/item/reset_login", reset_login),
    # Takes more than Plaid's request schema says (a Gingham extension).
    Endpoint("/sandbox/item/fire_webhook", fire_webhook, FIRE_WEBHOOK_SCHEMA),
]
