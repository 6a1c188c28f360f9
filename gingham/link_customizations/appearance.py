"""How a Link customization changes what Link looks like and says.

Plaid's "Customizing Link" page names what a customization may change besides Account Select and
Data Transparency Messaging, and Gingham keeps exactly those:

- the Background Color of its color scheme (Gingham: a hex colour, the colour behind Link's
  window; on a page of its own, the page),
- its text strings, set in Plaid's Consent, Institution Select, Institution Search, Connected and
  Re-Connected settings (Plaid's Consent headline is "[App name] uses Plaid to connect your
  [custom field]": the Consent setting is that custom field),
- its financial institutions: Automatic (Link's own list of banks shown before the user
  searches) or Custom (the institutions the customer chose, shown by their logos).

Plaid's `default` customization changes none of them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from gingham import errors
from gingham.institutions import catalogue


class InstitutionSelect(StrEnum):
    """Which banks the Institution Select pane shows before the user searches."""

    AUTOMATIC = "AUTOMATIC"
    CUSTOM = "CUSTOM"


# The text strings a customization may set, and where Link shows each.
TEXT_STRINGS = {
    "consent": "what the Consent pane's headline says the app connects",
    "institution_select": "the Institution Select pane's headline",
    "institution_search": "the placeholder of the institution search box",
    "connected": "the Connected pane's headline",
    "reconnected": "the Connected pane's headline in update mode",
}
TEXT_MAX_LENGTH = 100
MAX_FEATURED_INSTITUTIONS = 12
_HEX_COLOR = re.compile(r"#[0-9A-Fa-f]{6}")


@dataclass(frozen=True, slots=True)
class Appearance:
    background_color: str | None = None
    text_strings: Mapping[str, str] = field(default_factory=dict)
    institution_select: InstitutionSelect = InstitutionSelect.AUTOMATIC
    # Only with CUSTOM: institution ids, in the order Link shows them.
    featured_institutions: tuple[str, ...] = ()


PLAID_DEFAULTS = Appearance()


def appearance_from_request(body: Mapping[str, Any]) -> Appearance:
    """The appearance a save request asks for, or INVALID_FIELD naming what is wrong. The
    request's shapes are checked by its schema already; this checks what a schema cannot."""
    color = body.get("background_color")
    if color is not None and not _HEX_COLOR.fullmatch(color):
        raise errors.invalid_field(
            f"background_color must be a hex colour such as #1A2B3C (got {color!r})"
        )
    texts = {name: text.strip() for name, text in (body.get("text_strings") or {}).items()}
    for name, text in texts.items():
        if not text:
            raise errors.invalid_field(f"text_strings.{name} must not be blank")
    select = body.get("institution_select") or {}
    mode = InstitutionSelect(select.get("mode", InstitutionSelect.AUTOMATIC))
    featured = tuple(dict.fromkeys(select.get("institution_ids") or ()))
    if mode is InstitutionSelect.AUTOMATIC and featured:
        raise errors.invalid_field(
            "institution_select.institution_ids is only for institution_select.mode CUSTOM"
        )
    if mode is InstitutionSelect.CUSTOM and not featured:
        raise errors.invalid_field(
            "institution_select.institution_ids must name at least one institution when "
            "institution_select.mode is CUSTOM"
        )
    unknown = [i for i in featured if catalogue.find(i) is None]
    if unknown:
        raise errors.invalid_field(
            f"institution_select.institution_ids names no institution: {', '.join(unknown)}"
        )
    return Appearance(
        background_color=color.upper() if color else None,
        text_strings=texts,
        institution_select=mode,
        featured_institutions=featured,
    )


def appearance_json(appearance: Appearance) -> dict[str, Any]:
    """The appearance as /_gingham/link_customizations/get answers it."""
    return {
        "background_color": appearance.background_color,
        "text_strings": dict(appearance.text_strings),
        "institution_select": {
            "mode": appearance.institution_select.value,
            "institution_ids": list(appearance.featured_institutions),
        },
    }


def frame_json(appearance: Appearance, *, update_mode: bool) -> dict[str, Any]:
    """What the frame needs to apply the appearance to every pane; a text string left unset is
    absent and the frame says its own words. The Connected pane is the Re-Connected one in
    update mode."""
    texts = dict(appearance.text_strings)
    connected = texts.pop("reconnected", None) if update_mode else texts.get("connected")
    texts.pop("reconnected", None)
    texts.pop("connected", None)
    if connected:
        texts["connected"] = connected
    return {
        "background_color": appearance.background_color,
        "text_strings": texts,
        "institution_select": appearance.institution_select.value,
    }


def featured(appearance: Appearance, offered: list[str]) -> list[str]:
    """The chosen institutions that the session offers (its products and countries), in the
    chosen order; none with AUTOMATIC."""
    if appearance.institution_select is not InstitutionSelect.CUSTOM:
        return []
    available = set(offered)
    return [i for i in appearance.featured_institutions if i in available]
