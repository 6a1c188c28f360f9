"""Link customizations: the built-in ones and those a client saves, found by name.

Plaid's dashboard keeps customizations per client; Gingham keeps them per client and environment,
saved through `/_gingham/link_customizations/save`. A customization decides what Link does
differently: whether Account Select lets the user pick one account or several, whether Link shows
Data Transparency Messaging (DTM) — the client's use cases for the data, consented to on the
consent pane and kept on the Item (`consented_use_cases`) — and how Link looks and what it says
(gingham.link_customizations.appearance).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from gingham import errors
from gingham.db import add_once
from gingham.link_customizations.appearance import (
    PLAID_DEFAULTS,
    Appearance,
    InstitutionSelect,
)
from gingham.link_customizations.models import LinkCustomization
from gingham.wire.context import Caller


class AccountSelect(StrEnum):
    """Account Select's view behaviour."""

    MULTIPLE = "MULTI_SELECT"
    SINGLE = "SINGLE_SELECT"


# What a DTM consent pane says when the customization names no use case of its own.
DEFAULT_USE_CASES = ("Connect your accounts to the app and keep them up to date",)


@dataclass(frozen=True, slots=True)
class Customization:
    name: str
    account_select: AccountSelect = AccountSelect.MULTIPLE
    data_transparency: bool = False
    use_cases: tuple[str, ...] = ()
    appearance: Appearance = PLAID_DEFAULTS

    @property
    def single_account(self) -> bool:
        return self.account_select is AccountSelect.SINGLE

    @property
    def consented_use_cases(self) -> list[str] | None:
        """The use cases an Item linked with this customization is consented for; None without
        Data Transparency Messaging."""
        if not self.data_transparency:
            return None
        return list(self.use_cases or DEFAULT_USE_CASES)


DEFAULT = Customization("default")
# Every client has these without saving them. A saved customization of the same name wins.
BUILT_IN = {
    DEFAULT.name: DEFAULT,
    "single_account_select": Customization(
        "single_account_select", account_select=AccountSelect.SINGLE
    ),
}


def invalid_customization(name: str) -> errors.PlaidError:
    return errors.InvalidInput(
        "INVALID_LINK_CUSTOMIZATION",
        f"link_customization_name {name!r} names no Link customization of this client in this "
        "environment; save one with /_gingham/link_customizations/save or use one of "
        + ", ".join(sorted(BUILT_IN)),
    )


def customization_named(session: Session, caller: Caller, name: str | None) -> Customization:
    """The customization `link_customization_name` names, or INVALID_LINK_CUSTOMIZATION; without
    a name, the client's `default` (the built-in one unless the client saved its own)."""
    if name is None:
        name = DEFAULT.name
    row = session.scalar(
        select(LinkCustomization).where(
            LinkCustomization.client_id == caller.client_id,
            LinkCustomization.environment == caller.environment,
            LinkCustomization.name == name,
        )
    )
    if row is not None:
        return _customization(row)
    built_in = BUILT_IN.get(name)
    if built_in is None:
        raise invalid_customization(name)
    return built_in


def save_customization(
    session: Session, caller: Caller, customization: Customization, now: datetime
) -> Customization:
    """Create or replace the client's customization of that name."""
    values = {
        "account_select": customization.account_select.value,
        "data_transparency": customization.data_transparency,
        "use_cases": list(customization.use_cases),
        "background_color": customization.appearance.background_color,
        "text_strings": dict(customization.appearance.text_strings),
        "institution_select": customization.appearance.institution_select.value,
        "featured_institutions": list(customization.appearance.featured_institutions),
        "updated_at": now,
    }
    row = LinkCustomization(
        id=str(uuid.uuid4()),
        client_id=caller.client_id,
        environment=caller.environment,
        name=customization.name,
        **values,
    )
    if not add_once(session, row):
        existing = session.scalar(
            select(LinkCustomization)
            .where(
                LinkCustomization.client_id == caller.client_id,
                LinkCustomization.environment == caller.environment,
                LinkCustomization.name == customization.name,
            )
            .with_for_update()
        )
        assert existing is not None
        for key, value in values.items():
            setattr(existing, key, value)
        row = existing
    return _customization(row)


def _customization(row: LinkCustomization) -> Customization:
    return Customization(
        name=row.name,
        account_select=AccountSelect(row.account_select),
        data_transparency=row.data_transparency,
        use_cases=tuple(row.use_cases),
        appearance=Appearance(
            background_color=row.background_color,
            text_strings=dict(row.text_strings or {}),
            institution_select=InstitutionSelect(row.institution_select),
            featured_institutions=tuple(row.featured_institutions or ()),
        ),
    )
