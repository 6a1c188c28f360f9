"""One Link session, loaded for one call from the frame: its state, its snapshot, its events.

`LinkFlow` is the bookkeeping every step shares: the typed session state (gingham.link.state),
the snapshot of everything the session's decisions depend on, read once per call
(gingham.link.policy), and the events the call records. What the user's actions do is in
gingham.link.steps, which step runs for which action in gingham.link.actions, and what the frame
shows in gingham.link.panes.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import insert, inspect
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from gingham import errors
from gingham.accounts.service import accounts_of_item
from gingham.bank.accounts import AccountTemplate
from gingham.crypto import SecretBox
from gingham.institutions import catalogue
from gingham.institutions.catalogue import SandboxInstitution
from gingham.institutions.models import InstitutionState
from gingham.institutions.state import layered, states
from gingham.items import service as items_service
from gingham.link import policy
from gingham.link.models import LinkEvent, LinkSession
from gingham.link.state import SessionState, View
from gingham.link_customizations.service import DEFAULT, Customization, customization_named
from gingham.link_tokens.models import LinkToken
from gingham.wire.context import Caller
from gingham.wire.json import format_timestamp_ms

# Run in the transaction that ended a Link session (onSuccess or onExit: a frame call, or the
# session's deadline timer), for what else happens then (Hosted Link's LINK webhooks);
# gingham.app passes it to the frame routes and to the deadline timer.
SessionEnded = Callable[["FlowContext", LinkToken, LinkSession], None]

if TYPE_CHECKING:
    from gingham.oauth_bank.connector import BankConnector

# The metadata keys of every onEvent, null where they do not apply (Plaid's LinkEventMetadata).
EVENT_METADATA_KEYS = (
    "account_number_mask",
    "error_code",
    "error_message",
    "error_type",
    "exit_status",
    "institution_id",
    "institution_name",
    "institution_search_query",
    "is_update_mode",
    "link_session_id",
    "match_reason",
    "mfa_type",
    "request_id",
    "routing_number",
    "selection",
    "timestamp",
    "view_name",
)


@dataclass(slots=True)
class FlowContext:
    session: Session
    now: datetime
    request_id: str
    secrets: SecretBox
    # Gingham's connector to the OAuth bank, and the callback URL registered there.
    bank: BankConnector | None = None
    callback_url: str = ""
    # Wall-clock time, for changes that reach other clients' Items (each at its client's time).
    real_now: datetime | None = None
    # The link tokens this unit of work has read, by token hash: every call reads its token
    # more than once (its client's clock, then the token itself).
    link_tokens: dict[str, LinkToken] = field(default_factory=dict)


class LinkFlow:
    """One Link session, loaded for one call from the frame."""

    def __init__(self, ctx: FlowContext, token: LinkToken, link_session: LinkSession) -> None:
        self.ctx = ctx
        self.token = token
        self.row = link_session
        self.config: dict[str, Any] = token.config
        self.caller = Caller(token.client_id, token.environment)
        self.events: list[dict[str, Any]] = []
        self.outcome: dict[str, Any] | None = None
        self.state = SessionState.from_json(link_session.state)
        # The row's columns changed by this call, and the events it recorded: written by save(),
        # once each, so that a call runs one UPDATE of the session and one INSERT of its events
        # however many steps it takes (autoflush would write the row before every query).
        self._changes: dict[str, Any] = {}
        self._new_events: list[dict[str, Any]] = []
        self._institution_states: dict[str, InstitutionState] | None = None
        self._customization: Customization | None = None
        self._snapshot: tuple[tuple[str | None, str | None], policy.Snapshot] | None = None
        self.aim_at_users_item()

    def _column(self, name: str) -> Any:
        return self._changes[name] if name in self._changes else getattr(self.row, name)

    @property
    def view(self) -> View:
        return View(self._column("view"))

    @view.setter
    def view(self, view: View) -> None:
        self._changes["view"] = view

    @property
    def institution_id(self) -> str | None:
        institution_id: str | None = self._column("institution_id")
        return institution_id

    @institution_id.setter
    def institution_id(self, institution_id: str | None) -> None:
        self._changes["institution_id"] = institution_id

    @property
    def item_id(self) -> str | None:
        item_id: str | None = self._column("item_id")
        return item_id

    @item_id.setter
    def item_id(self, item_id: str | None) -> None:
        self._changes["item_id"] = item_id

    @property
    def status(self) -> str:
        status: str = self._column("status")
        return status

    @property
    def is_update_mode(self) -> bool:
        # The link token's Item; for a user's update mode, the one this session chose (below).
        return self.token.item_id is not None

    @property
    def updates_user(self) -> bool:
        """Update mode for the user of the link token's user_token (`update.user`)."""
        update = self.config.get("update") or {}
        return self.token.user_id is not None and bool(update.get("user"))

    def aim_at_users_item(self) -> None:
        """In a user's update mode, make the Item this session chose the one it updates.

        Update mode reads its Item from the link token (`token.item_id`). A user's link token
        names none: each session updates the Item that was the user's most recently broken when
        the session started (`state.user_item_id`), so that the same token then serves the next
        one. The Item is set as the token's loaded value, not as a change, so it is never
        written back.
        """
        if self.updates_user:
            set_committed_value(self.token, "item_id", self.state.user_item_id)

    @property
    def institution(self) -> SandboxInstitution | None:
        """The session's institution as the bank simulation left it (degraded, down, migrated to
        OAuth): every event recorded asks for it."""
        institution_id = self.institution_id
        if institution_id is None:
            return None
        institution = catalogue.find(institution_id)
        if institution is None:
            return None
        return layered(institution, self._states().get(institution_id))

    def effective_institutions(
        self, institutions: Iterable[SandboxInstitution] = catalogue.CATALOGUE
    ) -> list[SandboxInstitution]:
        """`institutions` (by default the whole catalogue) as the bank simulation left them."""
        known = self._states()
        return [layered(i, known.get(i.institution_id)) for i in institutions]

    def _states(self) -> dict[str, InstitutionState]:
        # What the simulation changed, read once per call: one query of a small table serves
        # the institution list, the chosen institution and every event's institution fields.
        if self._institution_states is None:
            self._institution_states = states(self.ctx.session)
        return self._institution_states

    @property
    def customization(self) -> Customization:
        """The link token's Link customization, read once per call."""
        if self._customization is None:
            name = self.config.get("link_customization_name")
            try:
                self._customization = customization_named(self.ctx.session, self.caller, name)
            except errors.PlaidError:
                # Checked when the token was made; it cannot be deleted since.
                self._customization = DEFAULT
        return self._customization

    @property
    def snapshot(self) -> policy.Snapshot:
        """What the session's decisions depend on, read once per call (again only if the
        session moved to another Item or institution meanwhile)."""
        key = (self.token.item_id, self.institution_id)
        if self._snapshot is not None and self._snapshot[0] == key:
            return self._snapshot[1]
        item_id = self.token.item_id
        item = items_service.item_by_id(self.ctx.session, item_id) if item_id else None
        snapshot = policy.Snapshot(
            config=self.config,
            update_mode=self.is_update_mode,
            item=item,
            shared_accounts=None,
            institution=self.institution,
            customization=self.customization,
            now=self.ctx.now,
        )
        if item is not None and policy.needs_shared_accounts(snapshot):
            shared = tuple(
                AccountTemplate(a.name, None, a.mask, a.type, a.subtype, None, None)
                for a in accounts_of_item(self.ctx.session, item.id)
            )
            snapshot = replace(snapshot, shared_accounts=shared)
        self._snapshot = (key, snapshot)
        return snapshot

    def forget_snapshot(self) -> None:
        """The Item changed (update mode repaired it): read it again if asked."""
        self._snapshot = None

    # -- events and views ----------------------------------------------------------------------

    def record(self, event_name: str, **metadata: Any) -> None:
        institution = self.institution
        full = dict.fromkeys(EVENT_METADATA_KEYS)
        full.update(
            link_session_id=self.row.id,
            request_id=self.ctx.request_id,
            timestamp=format_timestamp_ms(self.ctx.now),
            institution_id=institution.institution_id if institution else None,
            institution_name=institution.name if institution else None,
        )
        full.update(metadata)
        sequence = self.state.event_count
        self.state.event_count = sequence + 1
        self._new_events.append(
            {
                "id": str(uuid.uuid4()),
                "link_session_id": self.row.id,
                "sequence": sequence,
                "event_name": event_name,
                "metadata_": full,
                "occurred_at": self.ctx.now,
            }
        )
        self.events.append({"event_name": event_name, "metadata": full})

    def record_error(self, error: errors.PlaidError) -> None:
        self.record("ERROR", **error_event_fields(error.summary()))

    def show(self, view: View, **metadata: Any) -> None:
        self.view = view
        self.record("TRANSITION_VIEW", view_name=view, **metadata)

    def seal_public_token(self, public_token: str) -> None:
        self.state.public_token_sealed = self.ctx.secrets.seal(public_token, context=self.row.id)

    def public_token(self) -> str:
        assert self.state.public_token_sealed is not None
        return self.ctx.secrets.open(self.state.public_token_sealed, context=self.row.id)

    def end(self, status: str, result: dict[str, Any]) -> None:
        self._changes.update(status=status, finished_at=self.ctx.now, result=result)

    def save(self) -> None:
        """Write what the call changed: the session row once (inserted, for a session this
        call started), then the events it recorded in one executemany."""
        for name, value in self._changes.items():
            setattr(self.row, name, value)
        self._changes.clear()
        # The JSON column is replaced, never mutated in place, so SQLAlchemy sees every change.
        self.row.state = self.state.to_json()
        session = self.ctx.session
        if inspect(self.row).transient:
            # What a new row refers to (the Item it linked) is written before it.
            session.flush()
            session.add(self.row)
        # The events reference the session row (without an ORM relationship): the row first.
        session.flush()
        if self._new_events:
            session.execute(insert(LinkEvent), self._new_events)
            self._new_events = []


def error_event_fields(error: dict[str, Any]) -> dict[str, Any]:
    """The error fields of an ERROR or EXIT event, from a shown error (PlaidError.summary())."""
    return {key: error[key] for key in ("error_type", "error_code", "error_message")}
