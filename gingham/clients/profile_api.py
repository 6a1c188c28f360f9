"""The application profile over HTTP: Gingham's management endpoints for what Plaid's dashboard
edits on its "Application profile" and "Company profile" pages, and Plaid's /application/get.

The management endpoints act on the caller's own profile, like the other /_gingham/client/*
endpoints. /application/get answers for the caller's own application only: in Plaid it serves
the banks an app registered with, and no other Gingham client is such a bank.
"""

from __future__ import annotations

from gingham import errors
from gingham.clients import profile
from gingham.wire.context import JSONObject, RequestContext
from gingham.wire.endpoint import Endpoint
from gingham.wire.validation import Schema


def get_profile(ctx: RequestContext, body: JSONObject) -> JSONObject:
    return profile.as_json(profile.profile_row(ctx.session, ctx.caller.client_id, ctx.now))


def update_profile(ctx: RequestContext, body: JSONObject) -> JSONObject:
    row = profile.update(ctx.session, ctx.caller.client_id, body, ctx.now)
    return profile.as_json(row)


def get_application(ctx: RequestContext, body: JSONObject) -> JSONObject:
    application_id = body["application_id"]
    row = profile.by_application_id(ctx.session, application_id)
    if row is None or row.client_id != ctx.caller.client_id:
        raise errors.invalid_field(
            f"application_id {application_id!r} does not name your application "
            "(see /_gingham/client/profile/get)"
        )
    return {"application": profile.application(ctx.session, row)}


# Types and lengths are checked here, the way Plaid's schema checks its own; what a value must
# look like (a web address, a country code) is checked by gingham.clients.profile.
_UPDATE: Schema = {
    "type": "object",
    "properties": {
        spec.name: {"type": "string", "nullable": True, "maxLength": spec.max_length}
        for spec in profile.FIELDS
    },
}
_APPLICATION_GET: Schema = {
    "type": "object",
    "required": ["application_id"],
    "properties": {"application_id": {"type": "string", "minLength": 1, "maxLength": 64}},
}
ENDPOINTS: list[Endpoint] = [
    Endpoint("/_gingham/client/profile/get", get_profile, {"type": "object", "properties": {}}),
    Endpoint("/_gingham/client/profile/update", update_profile, _UPDATE),
    Endpoint("/application/get", get_application, _APPLICATION_GET),
]
