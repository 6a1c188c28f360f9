"""Plaid's /institutions/* endpoints over the sandbox catalogue, as the bank simulation left it."""

from __future__ import annotations

from gingham import errors
from gingham.institutions import catalogue, state
from gingham.institutions.schemas import InstitutionOptions, institution_json
from gingham.wire.context import JSONObject, RequestContext
from gingham.wire.endpoint import Endpoint


def _listing(ctx: RequestContext) -> state.Listing:
    return state.listing(ctx.session, ctx.caller.client_id, ctx.now)


def get_institutions(ctx: RequestContext, body: JSONObject) -> JSONObject:
    options = body.get("options") or {}
    listing = _listing(ctx)
    found = catalogue.matching(
        country_codes=body["country_codes"],
        products=options.get("products"),
        oauth=options.get("oauth"),
        routing_numbers=options.get("routing_numbers"),
        institutions=listing.institutions,
    )
    offset, count = body["offset"], body["count"]
    shown = InstitutionOptions.from_request(options)
    return {
        "institutions": [
            institution_json(i, shown, listing.status_changed_at.get(i.institution_id))
            for i in found[offset : offset + count]
        ],
        "total": len(found),
    }


def get_institution_by_id(ctx: RequestContext, body: JSONObject) -> JSONObject:
    institution_id = body["institution_id"]
    if catalogue.find(institution_id) is None:
        raise errors.InvalidInput(
            "INVALID_INSTITUTION", f"invalid institution_id provided: {institution_id}"
        )
    listing = _listing(ctx)
    institution = next(i for i in listing.institutions if i.institution_id == institution_id)
    if set(body["country_codes"]).isdisjoint(institution.country_codes):
        raise errors.InvalidInput(
            "INVALID_INSTITUTION",
            f"institution {institution_id} is not available in the requested country_codes "
            f"({', '.join(body['country_codes'])}); it serves {', '.join(institution.country_codes)}",
        )
    options = InstitutionOptions.from_request(body.get("options"))
    return {
        "institution": institution_json(
            institution, options, listing.status_changed_at.get(institution_id)
        )
    }


def search_institutions(ctx: RequestContext, body: JSONObject) -> JSONObject:
    options = body.get("options") or {}
    listing = _listing(ctx)
    found = catalogue.search(
        body["query"],
        country_codes=body["country_codes"],
        products=body.get("products"),
        oauth=options.get("oauth"),
        institutions=listing.institutions,
    )
    shown = InstitutionOptions.from_request(options)
    return {
        "institutions": [
            institution_json(i, shown, listing.status_changed_at.get(i.institution_id))
            for i in found
        ]
    }


# The endpoints this package serves, wired by gingham.app.
ENDPOINTS: list[Endpoint] = [
    Endpoint("/institutions/get", get_institutions),
    Endpoint("/institutions/get_by_id", get_institution_by_id, accepts_public_key=True),
    Endpoint("/institutions/search", search_institutions, accepts_public_key=True),
]
