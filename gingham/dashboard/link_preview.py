"""What Link would show with a draft customization: the pane JSON Link's own builders
(gingham.link.panes) make, for a session that exists only in memory.

The link token and the session are never added to the database session, and the transaction
the preview reads in is rolled back, so a preview leaves no Link session (nothing appears in
Link logs), no Item and no event. Link's frame (static/link.js, opened with `preview=1`) draws
the JSON as it draws any pane.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy.orm import Session

from gingham.bank.accounts import DEFAULT_ACCOUNTS
from gingham.bank.credentials import DEFAULT_USERNAME
from gingham.link import panes
from gingham.link.flow import FlowContext, LinkFlow
from gingham.link.models import LinkSession
from gingham.link.state import Login, OfferedAccount
from gingham.link.steps.institution import default_results
from gingham.link_customizations.appearance import frame_json
from gingham.link_customizations.service import Customization
from gingham.link_tokens.models import LinkToken
from gingham.wire.context import Caller, Runtime
from gingham.wire.ids import new_request_id

# The bank the preview signs in at, and the products it asks for: those of the demo.
_INSTITUTION_ID = "ins_109508"
_PRODUCTS = ["transactions"]


class PreviewPane(StrEnum):
    """The panes a customization changes, in the order a user meets them."""

    CONSENT = "CONSENT"
    SELECT_INSTITUTION = "SELECT_INSTITUTION"
    SELECT_ACCOUNT = "SELECT_ACCOUNT"
    CONNECTED = "CONNECTED"


PANE_LABELS = {
    PreviewPane.CONSENT: "Consent",
    PreviewPane.SELECT_INSTITUTION: "Institution select",
    PreviewPane.SELECT_ACCOUNT: "Account select",
    PreviewPane.CONNECTED: "Connected",
}


class _PreviewFlow(LinkFlow):
    """A flow whose customization is the draft, not the one its link token names."""

    def __init__(
        self, ctx: FlowContext, token: LinkToken, row: LinkSession, draft: Customization
    ) -> None:
        self._draft = draft
        super().__init__(ctx, token, row)

    @property
    def customization(self) -> Customization:
        return self._draft


def pane_json(
    runtime: Runtime,
    session: Session,
    caller: Caller,
    client_name: str,
    draft: Customization,
    pane: PreviewPane,
    *,
    update_mode: bool,
    now: datetime,
) -> dict[str, Any]:
    """The pane as Link's frame gets it, with the draft's looks and words applied."""
    config = {
        "client_name": client_name,
        "language": "en",
        "country_codes": ["US"],
        "products": _PRODUCTS,
        "user": {"client_user_id": "dashboard-preview"},
        "link_customization_name": draft.name,
    }
    token = LinkToken(
        id="preview",
        token_hash="",
        token_hint=None,
        client_id=caller.client_id,
        environment=caller.environment,
        client_user_id=None,
        item_id=None,
        user_id=None,
        config=config,
        created_at=now,
        expires_at=now,
    )
    row = LinkSession(
        id="preview",
        link_token_id=token.id,
        view=pane.value,
        institution_id=None if pane is PreviewPane.CONSENT else _INSTITUTION_ID,
        state={},
        status="open",
        item_id=None,
        result=None,
        started_at=now,
        finished_at=None,
    )
    ctx = FlowContext(session, now, new_request_id(), runtime.secrets, real_now=now)
    flow = _PreviewFlow(ctx, token, row, draft)
    if pane is PreviewPane.SELECT_INSTITUTION:
        row.institution_id = None
        flow.state.results = default_results(flow)
    if pane in (PreviewPane.SELECT_ACCOUNT, PreviewPane.CONNECTED):
        flow.state.login = Login(DEFAULT_USERNAME, list(DEFAULT_ACCOUNTS))
        flow.state.offered = [
            OfferedAccount(f"preview-{index}", template)
            for index, template in enumerate(DEFAULT_ACCOUNTS)
        ]
        chosen = flow.state.offered[:1] if draft.single_account else flow.state.offered[:2]
        flow.state.selected = [account.id for account in chosen]
    view = panes.pane(flow)
    # Update mode's Connected pane says the Re-Connected text: only the words change, so the
    # preview asks Link's own rule for them rather than building an update-mode session.
    view["customization"] = frame_json(draft.appearance, update_mode=update_mode)
    return view
