"""The bank simulation's endpoints: Gingham's own paths under /_gingham/bank/, authenticated with
an API client's credentials like Plaid's endpoints.

The banks are shared by every client, as real banks are: a password changed at a bank breaks
the Items every client made with that login. Answers list only the caller's own Items.
"""

from __future__ import annotations

from collections.abc import Sequence

from gingham import errors
from gingham.bank_simulation import institutions, logins
from gingham.bank_simulation.logins import Affected
from gingham.items import service as items_service
from gingham.items.service import ItemRecord
from gingham.wire.context import JSONObject, RequestContext
from gingham.wire.endpoint import Endpoint
from gingham.wire.json import format_datetime
from gingham.wire.validation import Schema

_TEXT: Schema = {"type": "string", "minLength": 1}

CHANGE_PASSWORD_SCHEMA: Schema = {
    "type": "object",
    "required": ["institution_id", "username", "password"],
    "properties": {"institution_id": _TEXT, "username": _TEXT, "password": _TEXT},
}
EXPIRE_OTP_SCHEMA: Schema = {
    "type": "object",
    "required": ["institution_id", "username"],
    "properties": {"institution_id": _TEXT, "username": _TEXT},
}
OPEN_ACCOUNT_SCHEMA: Schema = {
    "type": "object",
    "required": ["institution_id", "username"],
    "properties": {
        "institution_id": _TEXT,
        "username": _TEXT,
        # An entry of user_custom's override_accounts; gingham.bank.credentials checks it.
        "account": {"type": "object", "open": True},
    },
}
# The Item by its access_token, as Plaid's endpoints name it, or (Gingham's own, for the
# terminal, where the access token is not at hand) by its item_id.
REVOKE_CONSENT_SCHEMA: Schema = {
    "type": "object",
    "properties": {"access_token": _TEXT, "item_id": _TEXT, "account_id": _TEXT},
}


def _own(ctx: RequestContext, affected: Sequence[Affected]) -> list[JSONObject]:
    return [
        {"item_id": change.item_id, "outcome": change.outcome}
        for change in affected
        if change.client_id == ctx.caller.client_id
    ]


def change_password(ctx: RequestContext, body: JSONObject) -> JSONObject:
    affected = logins.change_password(
        ctx.session,
        body["institution_id"],
        body["username"],
        body["password"],
        real_now=ctx.runtime.clock.now(),
    )
    return {"items": _own(ctx, affected)}


def expire_otp(ctx: RequestContext, body: JSONObject) -> JSONObject:
    affected = logins.expire_otp(
        ctx.session, body["institution_id"], body["username"], real_now=ctx.runtime.clock.now()
    )
    return {"items": _own(ctx, affected)}


def open_account(ctx: RequestContext, body: JSONObject) -> JSONObject:
    account, affected = logins.open_account(
        ctx.session,
        body["institution_id"],
        body["username"],
        body.get("account") or {},
        real_now=ctx.runtime.clock.now(),
    )
    return {
        "account": {
            "name": account.name,
            "mask": account.mask,
            "type": account.type,
            "subtype": account.subtype,
        },
        "items": _own(ctx, affected),
    }


def _item_to_revoke(ctx: RequestContext, body: JSONObject) -> ItemRecord:
    if "access_token" in body:
        return items_service.item_for_access_token(ctx.session, ctx.caller, body["access_token"])
    if "item_id" not in body:
        raise errors.missing_fields(["access_token"])
    item = items_service.item_by_id(ctx.session, body["item_id"])
    if item is None or item.removed_at is not None or item.client_id != ctx.caller.client_id:
        raise errors.invalid_field(f"none of your live Items has item_id {body['item_id']}")
    return item


def revoke_consent(ctx: RequestContext, body: JSONObject) -> JSONObject:
    item = _item_to_revoke(ctx, body)
    noticed_at = logins.revoke_consent(
        ctx.session, item, body.get("account_id"), real_now=ctx.runtime.clock.now()
    )
    return {"item_id": item.id, "noticed_at": format_datetime(noticed_at)}


ENDPOINTS: list[Endpoint] = [
    Endpoint("/_gingham/bank/password/change", change_password, CHANGE_PASSWORD_SCHEMA),
    Endpoint("/_gingham/bank/otp/expire", expire_otp, EXPIRE_OTP_SCHEMA),
    Endpoint("/_gingham/bank/accounts/open", open_account, OPEN_ACCOUNT_SCHEMA),
    Endpoint("/_gingham/bank/consent/revoke", revoke_consent, REVOKE_CONSENT_SCHEMA),
    *institutions.ENDPOINTS,
]
