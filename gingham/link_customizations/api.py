"""Gingham's endpoints for Link customizations (Plaid keeps them in its dashboard), authenticated
with an API client's credentials like Plaid's endpoints."""

from __future__ import annotations

from gingham.link_customizations import service
from gingham.link_customizations.appearance import (
    MAX_FEATURED_INSTITUTIONS,
    TEXT_MAX_LENGTH,
    TEXT_STRINGS,
    InstitutionSelect,
    appearance_from_request,
    appearance_json,
)
from gingham.link_customizations.service import AccountSelect, Customization
from gingham.wire.context import JSONObject, RequestContext
from gingham.wire.endpoint import Endpoint
from gingham.wire.validation import Schema

_NAME: Schema = {"type": "string", "minLength": 1, "maxLength": 100}

SAVE_SCHEMA: Schema = {
    "type": "object",
    "required": ["name"],
    "properties": {
        "name": _NAME,
        "account_select": {"type": "string", "enum": [choice.value for choice in AccountSelect]},
        "data_transparency_messaging": {
            "type": "object",
            "required": ["enabled"],
            "properties": {
                "enabled": {"type": "boolean"},
                "use_cases": {
                    "type": "array",
                    "items": {"type": "string", "minLength": 1, "maxLength": 200},
                    "maxItems": 10,
                },
            },
        },
        "background_color": {"type": "string", "nullable": True},
        "text_strings": {
            "type": "object",
            "properties": {
                name: {"type": "string", "minLength": 1, "maxLength": TEXT_MAX_LENGTH}
                for name in TEXT_STRINGS
            },
        },
        "institution_select": {
            "type": "object",
            "required": ["mode"],
            "properties": {
                "mode": {"type": "string", "enum": [mode.value for mode in InstitutionSelect]},
                "institution_ids": {
                    "type": "array",
                    "items": {"type": "string", "minLength": 1, "maxLength": 100},
                    "maxItems": MAX_FEATURED_INSTITUTIONS,
                },
            },
        },
    },
}
GET_SCHEMA: Schema = {"type": "object", "required": ["name"], "properties": {"name": _NAME}}


def customization_json(customization: Customization) -> JSONObject:
    return {
        "name": customization.name,
        "account_select": customization.account_select.value,
        "data_transparency_messaging": {
            "enabled": customization.data_transparency,
            "use_cases": customization.consented_use_cases or [],
        },
        **appearance_json(customization.appearance),
    }


def customization_from_request(body: JSONObject) -> Customization:
    """The customization a save request (checked against SAVE_SCHEMA) asks for, or
    INVALID_FIELD; the dashboard's preview builds its drafts with it too."""
    dtm = body.get("data_transparency_messaging") or {}
    return Customization(
        name=body["name"],
        account_select=AccountSelect(body.get("account_select", AccountSelect.MULTIPLE)),
        data_transparency=bool(dtm.get("enabled")),
        use_cases=tuple(dtm.get("use_cases") or ()),
        appearance=appearance_from_request(body),
    )


def save(ctx: RequestContext, body: JSONObject) -> JSONObject:
    customization = service.save_customization(
        ctx.session, ctx.caller, customization_from_request(body), ctx.now
    )
    return {"link_customization": customization_json(customization)}


def get(ctx: RequestContext, body: JSONObject) -> JSONObject:
    customization = service.customization_named(ctx.session, ctx.caller, body["name"])
    return {"link_customization": customization_json(customization)}


ENDPOINTS: list[Endpoint] = [
    Endpoint("/_gingham/link_customizations/save", save, SAVE_SCHEMA),
    Endpoint("/_gingham/link_customizations/get", get, GET_SCHEMA),
]
