"""Gingham's management API for a client's allow-lists: what Plaid's dashboard edits on its
"API" page (Allowed redirect URIs, Allowed Android package names).

The paths are Gingham's own (under /_gingham/), authenticated with the client's API credentials
like any Plaid endpoint; each call acts on the caller's list for the environment its secret
belongs to, and answers with the list as it now stands.
"""

from __future__ import annotations

from gingham.clients import android_packages, redirect_uris
from gingham.wire.endpoint import Endpoint, JSONObject, RequestContext
from gingham.wire.validation import Schema


def _schema(field: str | None) -> Schema:
    if field is None:
        return {"type": "object", "properties": {}}
    return {
        "type": "object",
        "required": [field],
        "properties": {field: {"type": "string", "minLength": 1}},
    }


def _redirect_uris(ctx: RequestContext) -> JSONObject:
    return {
        "environment": ctx.caller.environment,
        "redirect_uris": redirect_uris.list_redirect_uris(
            ctx.session, ctx.caller.client_id, ctx.caller.environment
        ),
    }


def add_redirect_uri(ctx: RequestContext, body: JSONObject) -> JSONObject:
    _, added = redirect_uris.add_redirect_uri(
        ctx.session, ctx.caller.client_id, ctx.caller.environment, body["redirect_uri"], ctx.now
    )
    return {"added": added, **_redirect_uris(ctx)}


def remove_redirect_uri(ctx: RequestContext, body: JSONObject) -> JSONObject:
    _, removed = redirect_uris.remove_redirect_uri(
        ctx.session, ctx.caller.client_id, ctx.caller.environment, body["redirect_uri"]
    )
    return {"removed": removed, **_redirect_uris(ctx)}


def list_redirect_uris(ctx: RequestContext, body: JSONObject) -> JSONObject:
    return _redirect_uris(ctx)


def _android_packages(ctx: RequestContext) -> JSONObject:
    return {
        "environment": ctx.caller.environment,
        "android_package_names": android_packages.list_android_packages(
            ctx.session, ctx.caller.client_id, ctx.caller.environment
        ),
    }


def add_android_package(ctx: RequestContext, body: JSONObject) -> JSONObject:
    _, added = android_packages.add_android_package(
        ctx.session,
        ctx.caller.client_id,
        ctx.caller.environment,
        body["android_package_name"],
        ctx.now,
    )
    return {"added": added, **_android_packages(ctx)}


def remove_android_package(ctx: RequestContext, body: JSONObject) -> JSONObject:
    _, removed = android_packages.remove_android_package(
        ctx.session, ctx.caller.client_id, ctx.caller.environment, body["android_package_name"]
    )
    return {"removed": removed, **_android_packages(ctx)}


def list_android_packages(ctx: RequestContext, body: JSONObject) -> JSONObject:
    return _android_packages(ctx)


_URIS, _PACKAGES = "/_gingham/client/redirect_uris", "/_gingham/client/android_package_names"
ENDPOINTS: list[Endpoint] = [
    Endpoint(f"{_URIS}/add", add_redirect_uri, _schema("redirect_uri")),
    Endpoint(f"{_URIS}/remove", remove_redirect_uri, _schema("redirect_uri")),
    Endpoint(f"{_URIS}/list", list_redirect_uris, _schema(None)),
    Endpoint(f"{_PACKAGES}/add", add_android_package, _schema("android_package_name")),
    Endpoint(
        f"{_PACKAGES}/remove",
        remove_android_package,
        _schema("android_package_name"),
    ),
    Endpoint(f"{_PACKAGES}/list", list_android_packages, _schema(None)),
]
