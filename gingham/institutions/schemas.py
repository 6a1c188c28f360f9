"""Institutions as they appear on Plaid's wire."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from gingham.institutions import logos
from gingham.institutions.catalogue import Health, SandboxInstitution
from gingham.wire.json import format_datetime

# The catalogue's health is fixed data, so its "last change" is a fixed moment too.
_STATUS_SINCE = "2026-01-01T00:00:00Z"

_BREAKDOWN = {
    Health.HEALTHY: {"success": 0.99, "error_plaid": 0.01, "error_institution": 0.0},
    Health.DEGRADED: {"success": 0.62, "error_plaid": 0.03, "error_institution": 0.35},
    Health.DOWN: {"success": 0.0, "error_plaid": 0.02, "error_institution": 0.98},
}

_STATUS_KEYS = (
    "item_logins",
    "transactions_updates",
    "auth",
    "identity",
    "investments_updates",
    "liabilities_updates",
    "liabilities",
    "investments",
)


@dataclass(frozen=True, slots=True)
class InstitutionOptions:
    """Which optional parts of the Institution object a request asked for."""

    optional_metadata: bool = False
    status: bool = False
    auth_metadata: bool = False
    payment_initiation_metadata: bool = False

    @classmethod
    def from_request(cls, options: dict[str, Any] | None) -> InstitutionOptions:
        options = options or {}
        return cls(
            optional_metadata=bool(options.get("include_optional_metadata")),
            status=bool(options.get("include_status")),
            auth_metadata=bool(options.get("include_auth_metadata")),
            payment_initiation_metadata=bool(options.get("include_payment_initiation_metadata")),
        )


def _product_status(health: Health, since: str) -> dict[str, Any]:
    return {
        "status": health.value,
        "last_status_change": since,
        "breakdown": {
            **_BREAKDOWN[health],
            "refresh_interval": "NORMAL" if health is Health.HEALTHY else "DELAYED",
        },
    }


def institution_json(
    institution: SandboxInstitution,
    options: InstitutionOptions,
    status_changed_at: datetime | None = None,
) -> dict[str, Any]:
    """The Institution object; `status_changed_at` is when the bank simulation last changed its
    status (None: never, the catalogue's)."""
    body: dict[str, Any] = {
        "institution_id": institution.institution_id,
        "name": institution.name,
        "products": list(institution.products),
        "country_codes": list(institution.country_codes),
        "routing_numbers": list(institution.routing_numbers),
        "dtc_numbers": [],
        "oauth": institution.oauth,
        "connection_availability": institution.connection_availability,
    }
    if options.optional_metadata:
        body["url"] = institution.url
        body["primary_color"] = institution.primary_color
        body["logo"] = logos.logo_base64(institution)
    if options.auth_metadata:
        methods = institution.auth_methods
        body["auth_metadata"] = {
            "supported_methods": {
                "instant_auth": methods.instant_auth,
                "instant_match": methods.instant_match,
                "automated_micro_deposits": methods.automated_micro_deposits,
                "instant_micro_deposits": methods.instant_micro_deposits,
            }
        }
    if options.payment_initiation_metadata:
        body["payment_initiation_metadata"] = None
    if options.status:
        since = format_datetime(status_changed_at) or _STATUS_SINCE
        status: dict[str, Any] = {
            key: _product_status(institution.health, since) for key in _STATUS_KEYS
        }
        status["health_incidents"] = []
        body["status"] = status
    return body
