"""Gingham's management API for what Plaid's dashboard edits on its "API" page: a client's
allow-lists (Allowed redirect URIs, Allowed Android package names) and its legacy public key
with the switches that turn it off per environment, for Link and for the API.

The paths are Gingham's own (under /_gingham/), authenticated with the client's API credentials
like any Plaid endpoint; each call acts on the caller's list for the environment its secret
belongs to, and answers with the list as it now stands. The application profile's endpoints are
in gingham.clients.profile_api.
"""

from __future__ import annotations

from functools import partial

from gingham.clients import allow_lists, profile_api, public_keys
from gingham.clients.allow_lists import AllowList
from gingham.clients.android_packages import ANDROID_PACKAGES
from gingham.clients.models import ENVIRONMENTS
from gingham.clients.redirect_uris import REDIRECT_URIS
from gingham.wire.context import JSONObject, RequestContext
from gingham.wire.endpoint import Endpoint
from gingham.wire.validation import Schema


def _listing(ctx: RequestContext, allow_list: AllowList) -> JSONObject:
    return {
        "environment": ctx.caller.environment,
        allow_list.listed_as: allow_lists.list_entries(
            ctx.session, allow_list, ctx.caller.client_id, ctx.caller.environment
        ),
    }


def add(ctx: RequestContext, body: JSONObject, *, allow_list: AllowList) -> JSONObject:
    _, added = allow_lists.add(
        ctx.session,
        allow_list,
        ctx.caller.client_id,
        ctx.caller.environment,
        body[allow_list.field],
        ctx.now,
    )
    return {"added": added, **_listing(ctx, allow_list)}


def remove(ctx: RequestContext, body: JSONObject, *, allow_list: AllowList) -> JSONObject:
    _, removed = allow_lists.remove(
        ctx.session,
        allow_list,
        ctx.caller.client_id,
        ctx.caller.environment,
        body[allow_list.field],
    )
    return {"removed": removed, **_listing(ctx, allow_list)}


def list_all(ctx: RequestContext, body: JSONObject, *, allow_list: AllowList) -> JSONObject:
    return _listing(ctx, allow_list)


def _endpoints(allow_list: AllowList) -> list[Endpoint]:
    path = f"/_gingham/client/{allow_list.listed_as}"
    one_entry: Schema = {
        "type": "object",
        "required": [allow_list.field],
        "properties": {allow_list.field: {"type": "string", "minLength": 1}},
    }
    return [
        Endpoint(f"{path}/add", partial(add, allow_list=allow_list), one_entry),
        Endpoint(f"{path}/remove", partial(remove, allow_list=allow_list), one_entry),
        Endpoint(f"{path}/list", partial(list_all, allow_list=allow_list), _NO_FIELDS),
    ]


def get_public_key(ctx: RequestContext, body: JSONObject) -> JSONObject:
    client_id = ctx.caller.client_id
    return {
        "public_key": public_keys.public_key_of(ctx.session, client_id, now=ctx.now),
        "environments": public_keys.switches(ctx.session, client_id),
    }


def set_public_key_switches(ctx: RequestContext, body: JSONObject) -> JSONObject:
    public_keys.set_switches(
        ctx.session,
        ctx.caller.client_id,
        body["environment"],
        link=body.get("link"),
        api=body.get("api"),
        now=ctx.now,
    )
    return get_public_key(ctx, body)


_NO_FIELDS: Schema = {"type": "object", "properties": {}}
_SWITCHES: Schema = {
    "type": "object",
    "required": ["environment"],
    "properties": {
        "environment": {"type": "string", "enum": list(ENVIRONMENTS)},
        "link": {"type": "boolean"},
        "api": {"type": "boolean"},
    },
}
ENDPOINTS: list[Endpoint] = [
    *_endpoints(REDIRECT_URIS),
    *_endpoints(ANDROID_PACKAGES),
    Endpoint("/_gingham/client/public_key/get", get_public_key, _NO_FIELDS),
    Endpoint("/_gingham/client/public_key/set", set_public_key_switches, _SWITCHES),
    *profile_api.ENDPOINTS,
]
