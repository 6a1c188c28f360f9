"""Plaid's /institutions/* endpoints over the sandbox catalogue."""

from __future__ import annotations

from gingham import errors
from gingham.institutions import catalogue
from gingham.institutions.schemas import InstitutionOptions, institution_json
from gingham.wire.endpoint import JSONObject, RequestContext


def get_institutions(ctx: RequestContext, body: JSONObject) -> JSONObject:
    options = body.get("options") or {}
    found = catalogue.matching(
        country_codes=body["country_codes"],
        products=options.get("products"),
        oauth=options.get("oauth"),
        routing_numbers=options.get("routing_numbers"),
    )
    offset, count = body["offset"], body["count"]
    shown = InstitutionOptions.from_request(options)
    return {
        "institutions": [institution_json(i, shown) for i in found[offset : offset + count]],
        "total": len(found),
    }


def get_institution_by_id(ctx: RequestContext, body: JSONObject) -> JSONObject:
    institution_id = body["institution_id"]
    institution = catalogue.find(institution_id)
    if institution is None:
        raise errors.InvalidInput(
            "INVALID_INSTITUTION", f"invalid institution_id provided: {institution_id}"
        )
    if set(body["country_codes"]).isdisjoint(institution.country_codes):
        raise errors.InvalidInput(
            "INVALID_INSTITUTION",
            f"institution {institution_id} is not available in the requested country_codes "
            f"({', '.join(body['country_codes'])}); it serves {', '.join(institution.country_codes)}",
        )
    options = InstitutionOptions.from_request(body.get("options"))
    return {"institution": institution_json(institution, options)}


def search_institutions(ctx: RequestContext, body: JSONObject) -> JSONObject:
    options = body.get("options") or {}
    found = catalogue.search(
        body["query"],
        country_codes=body["country_codes"],
        products=body.get("products"),
        oauth=options.get("oauth"),
    )
    shown = InstitutionOptions.from_request(options)
    return {"institutions": [institution_json(i, shown) for i in found]}
