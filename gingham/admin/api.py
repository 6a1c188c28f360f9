"""The endpoints behind the `gingham` command's management commands.

/_gingham/admin/* act for no one client: creating and listing API clients, wiping every
client's data, restoring the sandbox banks. They take no API credentials; gingham.admin.access
decides who may call them. The rest take a client's API credentials like Plaid's endpoints and
act on the caller: its live Items, a new secret, wiping its data.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.routing import Route

from gingham import errors
from gingham.admin import reset
from gingham.admin.access import admin_checker
from gingham.bank_simulation.reset import RestoredBanks, restore_banks
from gingham.clients import service as clients_service
from gingham.clients.attempts import FailedCredentials
from gingham.clients.models import ENVIRONMENTS, ApiClient, ClientSecret
from gingham.institutions import catalogue
from gingham.items.models import Item
from gingham.request_log import store as request_log_store
from gingham.wire.context import JSONObject, RequestContext, Runtime
from gingham.wire.endpoint import Endpoint, internal_route
from gingham.wire.json import format_datetime
from gingham.wire.validation import Schema

_NO_FIELDS: Schema = {"type": "object", "properties": {}}
_CONFIRMED: Schema = {"type": "object", "properties": {"confirm": {"type": "boolean"}}}
CREATE_CLIENT_SCHEMA: Schema = {
    "type": "object",
    "required": ["name"],
    "properties": {
        "name": {"type": "string", "minLength": 1, "maxLength": 200},
        "environment": {"type": "string", "enum": list(ENVIRONMENTS)},
    },
}
ROTATE_SECRET_SCHEMA: Schema = {
    "type": "object",
    "properties": {"environment": {"type": "string", "enum": list(ENVIRONMENTS)}},
}


def _confirmed(body: JSONObject, what: str) -> None:
    if body.get("confirm") is not True:
        raise errors.confirmation_required(what)


def banks_json(banks: RestoredBanks) -> JSONObject:
    return {
        "logins": banks.logins,
        "consents": banks.consents,
        "institutions": banks.institutions,
        "migration_turns": banks.migration_turns,
    }


# --- /_gingham/admin/* --------------------------------------------------------------------------


def admin_routes(runtime: Runtime) -> list[Route]:
    check = admin_checker(
        runtime.settings.admin_token,
        FailedCredentials(limit=runtime.settings.failed_credentials_limit),
    )

    def create_client(session: Session, body: JSONObject, _: Any, __: str) -> JSONObject:
        created = clients_service.create_client(
            session,
            body["name"],
            runtime.clock.now(),
            environment=body.get("environment", "sandbox"),
        )
        return {
            "client_id": created.client_id,
            "name": created.name,
            "environment": created.environment,
            "secret": created.secret,
            "public_key": created.public_key,
        }

    def list_clients(session: Session, body: JSONObject, _: Any, __: str) -> JSONObject:
        environments: dict[str, set[str]] = {}
        for client_id, environment in session.execute(
            select(ClientSecret.client_id, ClientSecret.environment).where(
                ClientSecret.revoked_at.is_(None)
            )
        ):
            environments.setdefault(client_id, set()).add(environment)
        clients = session.scalars(select(ApiClient).order_by(ApiClient.created_at, ApiClient.id))
        return {
            "clients": [
                {
                    "client_id": client.id,
                    "name": client.name,
                    "created_at": format_datetime(client.created_at),
                    # Where the client has a working secret; never the secrets (only hashes
                    # are kept).
                    "environments": sorted(environments.get(client.id, ())),
                }
                for client in clients
            ]
        }

    def reset_all(session: Session, body: JSONObject, _: Any, __: str) -> JSONObject:
        _confirmed(body, "this wipes the data of every API client")
        wiped = reset.wipe_all_data(session)
        request_log_store.wipe(runtime.request_log_sessions, None)
        assert wiped.banks is not None
        return {"clients": wiped.clients, "items": wiped.items, "banks": banks_json(wiped.banks)}

    def reset_banks(session: Session, body: JSONObject, _: Any, __: str) -> JSONObject:
        return {"banks": banks_json(restore_banks(session))}

    return [
        internal_route(path, work, runtime, schema=schema, before_body=check)
        for path, work, schema in (
            ("/_gingham/admin/clients/create", create_client, CREATE_CLIENT_SCHEMA),
            ("/_gingham/admin/clients/list", list_clients, _NO_FIELDS),
            ("/_gingham/admin/reset", reset_all, _CONFIRMED),
            ("/_gingham/admin/bank/reset", reset_banks, _NO_FIELDS),
        )
    ]


# --- The caller's own -----------------------------------------------------------------------


def item_json(item: Item) -> JSONObject:
    institution = catalogue.find(item.institution_id) if item.institution_id else None
    return {
        "item_id": item.id,
        "institution_id": item.institution_id,
        "institution_name": institution.name if institution else None,
        "error": item.error,
        "products": item.billed_products,
        "webhook": item.webhook,
        "created_at": format_datetime(item.created_at),
    }


def list_items(ctx: RequestContext, body: JSONObject) -> JSONObject:
    items = ctx.session.scalars(
        select(Item)
        .where(Item.client_id == ctx.caller.client_id, Item.removed_at.is_(None))
        .order_by(Item.created_at, Item.id)
    )
    return {"items": [item_json(item) for item in items]}


def rotate_secret(ctx: RequestContext, body: JSONObject) -> JSONObject:
    environment = body.get("environment", ctx.caller.environment)
    # Keys live in real time, not on the client's sandbox clock (as on the dashboard).
    secret = clients_service.rotate_secret(
        ctx.session, ctx.caller.client_id, environment, ctx.runtime.clock.now()
    )

    async def forget_old_secrets(_: JSONObject) -> None:
        ctx.runtime.authenticator.forget_secrets(ctx.caller.client_id)

    ctx.after_commit(forget_old_secrets)
    return {"environment": environment, "secret": secret}


def reset_client(ctx: RequestContext, body: JSONObject) -> JSONObject:
    _confirmed(body, "this wipes the caller's Items, users, webhooks and request log")
    wiped = reset.wipe_client_data(ctx.session, ctx.caller.client_id)
    request_log_store.wipe(ctx.runtime.request_log_sessions, ctx.caller.client_id)
    return {"items": wiped.items}


ENDPOINTS: list[Endpoint] = [
    Endpoint("/_gingham/items/list", list_items, _NO_FIELDS),
    Endpoint("/_gingham/client/secret/rotate", rotate_secret, ROTATE_SECRET_SCHEMA),
    Endpoint("/_gingham/client/reset", reset_client, _CONFIRMED),
]
