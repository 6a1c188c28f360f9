"""A client's application profile: what Plaid's dashboard asks for under the OAuth guide's
"Complete the registration requirements".

Two parts. The application display information is public: the bank's consent page shows it to
users (name, logo, website, why the app wants their data). The company information is only for
Plaid, the team and the banks registered with. /application/get serves both.

Some institutions (`Behaviour.REGISTRATION_REQUIRED`, the large US banks that do in Plaid's
production) refuse an app whose profile is not complete, with INSTITUTION_REGISTRATION_REQUIRED:
in Link, at /sandbox/public_token/create and in headless Link alike.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from gingham import errors
from gingham.clients.models import ApiClient, ApplicationProfile
from gingham.institutions.catalogue import Behaviour, SandboxInstitution
from gingham.wire.ids import new_object_id


@dataclass(frozen=True, slots=True)
class ProfileField:
    name: str
    max_length: int
    label: str  # as the dashboard's form names it
    url: bool = False
    multiline: bool = False
    # Shown to users at the bank (application display information) or kept for Plaid, the
    # team and the banks (company information).
    public: bool = True


FIELDS: Final = (
    ProfileField("display_name", 100, "Application name"),
    ProfileField("logo_url", 2048, "Logo URL", url=True),
    ProfileField("application_url", 2048, "Website", url=True),
    ProfileField("reason_for_access", 1000, "What the data is used for", multiline=True),
    ProfileField("use_case", 100, "Use case"),
    ProfileField("company_legal_name", 200, "Legal name", public=False),
    ProfileField("street_address", 200, "Street address", public=False),
    ProfileField("city", 100, "City", public=False),
    ProfileField("region", 100, "State or region", public=False),
    ProfileField("postal_code", 20, "Postal code", public=False),
    ProfileField("country_code", 2, "Country code", public=False),
)
FIELD_NAMES: Final = tuple(f.name for f in FIELDS)
# What a registration-requiring institution needs filled in: what its users are shown (the logo
# may be left out: the bank shows the name instead) and who is asking.
REQUIRED_FOR_REGISTRATION: Final = (
    "display_name",
    "application_url",
    "reason_for_access",
    "use_case",
    "company_legal_name",
    "city",
    "country_code",
)


def demo_profile(base_url: str) -> dict[str, str]:
    """The profile Gingham's first client (`gingham serve` on an empty database) starts with,
    so that every sandbox institution links out of the box (README, "Application profile")."""
    return {
        "display_name": "Gingham Demo App",
        "application_url": base_url,
        "reason_for_access": "Shows your balances and transactions in the Gingham demo, so you "
        "can try linking a bank account. Nothing leaves this computer.",
        "use_case": "Personal finance management",
        "company_legal_name": "Gingham Sandbox",
        "city": "Localhost",
        "country_code": "US",
    }


# Letters, digits, punctuation and spaces; a tab or line break only where a field is multiline.
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_CONTROL_BUT_NEWLINE = re.compile(r"[\x00-\x09\x0b-\x1f\x7f]")
_COUNTRY = re.compile(r"[A-Z]{2}")


def profile_row(session: Session, client_id: str, now: datetime) -> ApplicationProfile:
    """The client's profile, made empty (with a new application_id) if it has none yet."""
    row = session.get(ApplicationProfile, client_id)
    if row is None:
        row = ApplicationProfile(
            client_id=client_id, application_id=new_object_id(), updated_at=now
        )
        session.add(row)
        session.flush()
    return row


def by_application_id(session: Session, application_id: str) -> ApplicationProfile | None:
    return session.scalar(
        select(ApplicationProfile).where(ApplicationProfile.application_id == application_id)
    )


def missing(row: ApplicationProfile) -> list[str]:
    """The fields a registration-requiring institution needs that are not filled in."""
    return [name for name in REQUIRED_FOR_REGISTRATION if not getattr(row, name)]


def as_json(row: ApplicationProfile) -> dict[str, Any]:
    """The profile as Gingham's API shows it: every field (null when empty), with whether
    registration-requiring institutions accept it."""
    gaps = missing(row)
    return {
        "application_id": row.application_id,
        "profile": {name: getattr(row, name) for name in FIELD_NAMES},
        "complete": not gaps,
        "missing": gaps,
    }


def application(session: Session, row: ApplicationProfile) -> dict[str, Any]:
    """The `application` object of /application/get (plaid-python 46's Application: every key
    present, the nullable ones null when not filled in)."""
    client = session.get(ApiClient, row.client_id)
    assert client is not None
    return {
        "application_id": row.application_id,
        # `name` is required and never null: the client's own name stands in until the
        # profile gives one.
        "name": row.display_name or client.name,
        "display_name": row.display_name,
        # Plaid's date of production access; a Gingham client has had it since it was made.
        "join_date": client.created_at.date().isoformat(),
        "logo_url": row.logo_url,
        "application_url": row.application_url,
        "reason_for_access": row.reason_for_access,
        "use_case": row.use_case,
        "company_legal_name": row.company_legal_name,
        "city": row.city,
        "region": row.region,
        "postal_code": row.postal_code,
        "country_code": row.country_code,
    }


def clean(changes: dict[str, Any]) -> dict[str, str | None]:
    """Each given field's value as it will be stored, or INVALID_FIELD naming the first that
    cannot be: trimmed, an empty string or null meaning "clear it"."""
    cleaned: dict[str, str | None] = {}
    for spec in FIELDS:
        if spec.name not in changes:
            continue
        value = changes[spec.name]
        if value is None:
            cleaned[spec.name] = None
            continue
        if not isinstance(value, str):
            raise errors.invalid_field(f"{spec.name} must be a string or null")
        value = value.strip()
        if not value:
            cleaned[spec.name] = None
            continue
        if len(value) > spec.max_length:
            raise errors.invalid_field(
                f"{spec.name} must be at most {spec.max_length} characters long"
            )
        control = _CONTROL_BUT_NEWLINE if spec.multiline else _CONTROL
        if control.search(value):
            raise errors.invalid_field(
                f"{spec.name} must not contain control characters"
                + ("" if spec.multiline else " or line breaks")
            )
        if spec.url:
            _check_web_url(value, spec.name)
        if spec.name == "country_code":
            value = value.upper()
            if not _COUNTRY.fullmatch(value):
                raise errors.invalid_field(
                    "country_code must be a two-letter ISO 3166-1 country code, such as US or GB"
                )
        cleaned[spec.name] = value
    return cleaned


def _check_web_url(value: str, name: str) -> None:
    try:
        parts = urlsplit(value)
        port_ok = parts.port is None or parts.port > 0
    except ValueError:
        parts, port_ok = None, False
    if (
        parts is None
        or not port_ok
        or parts.scheme not in ("http", "https")
        or not parts.hostname
        or any(c.isspace() for c in value)
        # A user name or password in the address would be shown to every user at the bank.
        or parts.username is not None
    ):
        raise errors.invalid_field(
            f"{name} must be an absolute http or https URL without spaces or credentials "
            f"(got {value!r})"
        )


def update(
    session: Session, client_id: str, changes: dict[str, Any], now: datetime
) -> ApplicationProfile:
    """Set the given fields (null or "" clears one); the others stay as they are."""
    cleaned = clean(changes)
    row = profile_row(session, client_id, now)
    for name, value in cleaned.items():
        setattr(row, name, value)
    row.updated_at = now
    session.flush()
    return row


def registration_refusal(
    session: Session, client_id: str, institution: SandboxInstitution, now: datetime
) -> errors.InstitutionError | None:
    """INSTITUTION_REGISTRATION_REQUIRED if `institution` needs a completed profile and the
    client's is not; None when the institution lets the client in."""
    if not institution.has(Behaviour.REGISTRATION_REQUIRED):
        return None
    gaps = missing(profile_row(session, client_id, now))
    return errors.institution_registration_required(institution.name, gaps) if gaps else None
