"""What the frame renders: the JSON of the pane a Link session is on.

The frame (static/link.js) draws each view from this and nothing else; the names of its fields
are part of the frame's protocol (docs/LINK_PROTOCOL.md).
"""

from __future__ import annotations

from typing import Any

from gingham.accounts.service import accounts_of_item
from gingham.bank import mfa
from gingham.bank.accounts import AccountTemplate
from gingham.institutions import catalogue, logos
from gingham.institutions.catalogue import LoginKind, SandboxInstitution
from gingham.items.schemas import DATA_SCOPES
from gingham.link import oauth, policy
from gingham.link.eligibility import eligible_accounts
from gingham.link.flow import LinkFlow
from gingham.link.sandbox_profiles import display_phone
from gingham.link.state import MfaStep, OfferedAccount, View
from gingham.link.steps import returning_user
from gingham.link.wording import (
    PRODUCT_CONSENTS,
    SCOPE_NAMES,
    data_scope_name,
    product_name,
)
from gingham.link_customizations.appearance import frame_json
from gingham.wire.json import format_datetime


def response(flow: LinkFlow) -> dict[str, Any]:
    """The frame's answer to every call: the pane, the events recorded, how the session ended."""
    return {
        "link_session_id": flow.row.id,
        "view": pane(flow),
        "events": flow.events,
        "outcome": flow.outcome,
    }


def pane(flow: LinkFlow) -> dict[str, Any]:
    institution = flow.institution
    view = flow.view
    data: dict[str, Any] = {
        "name": view,
        "client_name": flow.config["client_name"],
        "institution": institution_json(institution) if institution else None,
        # Every pane carries the customization's looks and words, in every Link mode.
        "customization": frame_json(flow.customization.appearance, update_mode=flow.is_update_mode),
    }
    builder = _PANES.get(view)
    if builder is not None:
        data.update(builder(flow))
    return data


def institution_json(institution: SandboxInstitution) -> dict[str, Any]:
    words = [w for w in institution.name.replace("-", " ").split() if w[:1].isalnum()]
    return {
        "institution_id": institution.institution_id,
        "name": institution.name,
        "primary_color": institution.primary_color,
        "url": institution.url,
        "monogram": "".join(w[0] for w in words[:2]).upper(),
        "logo": logos.logo_path(institution),
        "oauth": institution.oauth,
        "health": institution.health.value,
    }


def account_choice(account: OfferedAccount) -> dict[str, Any]:
    t = account.template
    return {
        "id": account.id,
        "name": t.name,
        "mask": t.mask,
        "type": t.type,
        "subtype": t.subtype,
        "balance": t.available if t.available is not None else t.current,
    }


def _consent(flow: LinkFlow) -> dict[str, Any]:
    """The products asked for (in update mode, only those the session adds or asks consent for),
    with Data Transparency Messaging the use cases, and the consent each of Assets, Statements
    and Income asks for on its own."""
    s = flow.snapshot
    client = flow.config["client_name"]
    added = policy.added_products(s)
    asked = [*added, *policy.consented_products(s)] if s.update_mode else s.products
    return {
        "products": sorted({product_name(p) for p in asked}),
        "update_mode": s.update_mode,
        "use_cases": s.customization.consented_use_cases,
        "product_consents": [
            {
                "product": product,
                "name": product_name(product),
                "text": PRODUCT_CONSENTS[product].format(client=client),
            }
            for product in added
        ],
        "returning_user": _returning_user_offer(flow),
    }


def _review(flow: LinkFlow) -> dict[str, Any]:
    """Reauthorization: what the Item shares today, for the user to review and renew."""
    item = flow.snapshot.item
    assert item is not None
    scopes = {scope for p in item.consented_products for scope in DATA_SCOPES.get(p, ())}
    return {
        "accounts": [
            {"name": account.name, "mask": account.mask, "subtype": account.subtype}
            for account in accounts_of_item(flow.ctx.session, item.id)
        ],
        "data": [data_scope_name(s) for s in sorted(scopes)],
        "use_cases": list(
            dict.fromkeys(
                [
                    *(item.consented_use_cases or []),
                    *(flow.customization.consented_use_cases or []),
                ]
            )
        ),
        "consent_expiration_time": format_datetime(item.consent_expires_at),
    }


def _select_institution(flow: LinkFlow) -> dict[str, Any]:
    listed = [catalogue.find(found) for found in flow.state.results]
    return {
        "query": flow.state.query,
        "results": [
            institution_json(found)
            for found in flow.effective_institutions([i for i in listed if i is not None])
        ],
    }


def _credential(flow: LinkFlow) -> dict[str, Any]:
    return {
        "fields": [
            {"name": "username", "label": "Username", "type": "text"},
            {"name": "password", "label": "Password", "type": "password"},
        ],
        "error": flow.state.error,
        "notice": flow.state.notice,
    }


def _mfa(flow: LinkFlow) -> dict[str, Any]:
    progress = flow.state.mfa
    assert progress is not None
    step, plan = progress.step, progress.plan
    data: dict[str, Any] = {
        "mfa_type": step,
        "round": progress.round + 1,
        "rounds": plan.rounds,
        "error": flow.state.error,
    }
    if step is MfaStep.DEVICE:
        data["devices"] = list(mfa.DEVICES)
    elif step is MfaStep.QUESTIONS:
        data["questions"] = mfa.questions(progress.round, plan)
    elif step is MfaStep.SELECTIONS:
        data["selections"] = mfa.selections(progress.round, plan)
    return data


def _select_account(flow: LinkFlow) -> dict[str, Any]:
    # Update mode ticks the accounts the Item already shares.
    preselected = set(flow.state.preselected)
    left_out = flow.state.left_out
    return {
        "accounts": [
            {**account_choice(a), "selected": a.id in preselected} for a in flow.state.offered
        ],
        "multi": not policy.single_select(flow.snapshot),
        "update_mode": flow.is_update_mode,
        "error": flow.state.error,
        "left_out": [{"name": t.name, "mask": t.mask, "subtype": t.subtype} for t in left_out],
        "left_out_products": _products_leaving_out(flow, left_out),
    }


def _products_leaving_out(flow: LinkFlow, left_out: list[AccountTemplate]) -> list[str]:
    """The products (by name) that some of the accounts left out cannot serve."""
    products = policy.products_to_suit(flow.snapshot)
    return [
        product_name(p)
        for p in products
        if left_out and len(eligible_accounts(left_out, [p], None)) < len(left_out)
    ]


def _connected(flow: LinkFlow) -> dict[str, Any]:
    return {
        "accounts": [account_choice(a) for a in flow.state.offered_by_id(flow.state.selected)],
        # A guest can save the connection with their phone number (the returning user experience).
        "remember": returning_user.can_remember(flow),
    }


def _oauth(flow: LinkFlow) -> dict[str, Any]:
    institution = flow.institution
    trip = flow.state.oauth
    return {
        "redirect_available": oauth.redirect_available(flow.config),
        "qr_available": institution is not None and institution.login is LoginKind.OAUTH_QR,
        "app2app": institution is not None and institution.login is LoginKind.OAUTH_APP2APP,
        **({"qr_svg": oauth.qr_svg(trip.url)} if trip and trip.mode == "qr" and trip.url else {}),
        "oauth_url": trip.url if trip else None,
        "oauth_state_id": trip.state_id if trip else None,
        "mode": trip.mode if trip else None,
        "permissions": _permissions_to_grant(flow),
        "update_mode": flow.is_update_mode,
    }


def _permissions_to_grant(flow: LinkFlow) -> list[str]:
    """What the OAuth pane tells the user to share at the bank: the data scopes the products
    need (in update mode, the Item's as well as any the session adds)."""
    s = flow.snapshot
    wanted = set(policy.products_to_suit(s)) | set(policy.validated_products(s))
    wanted |= set(s.config.get("additional_consented_products") or ())
    if s.update_mode and s.item is not None:
        wanted |= set(s.item.consented_products)
    return [
        SCOPE_NAMES[scope]
        for scope in dict.fromkeys(
            sorted(oauth.PRODUCT_SCOPES[p] for p in wanted if p in oauth.PRODUCT_SCOPES)
        )
    ]


def _error(flow: LinkFlow) -> dict[str, Any]:
    return {"error": flow.state.error, "can_retry": flow.state.can_retry}


def _exit(flow: LinkFlow) -> dict[str, Any]:
    return {"previous_view": flow.state.previous_view}


# -- the returning user experience -------------------------------------------------------------


def _returning_user_offer(flow: LinkFlow) -> dict[str, Any] | None:
    """On the consent pane: whether the user can find their saved accounts by phone number, and
    the number the link token gave (then Continue asks for its code)."""
    if not returning_user.is_offered(flow):
        return None
    phone = returning_user.token_phone(flow)
    return {"phone_number": display_phone(phone) if phone else None}


def _submit_phone(flow: LinkFlow) -> dict[str, Any]:
    phone = flow.state.phone
    number = (phone.number if phone else None) or returning_user.token_phone(flow)
    return {
        "phone_number": display_phone(number) if number else "",
        "error": phone.error if phone else None,
        "remembering": bool(phone and phone.remembering),
    }


def _verify_phone(flow: LinkFlow) -> dict[str, Any]:
    phone = flow.state.phone
    assert phone is not None and phone.number is not None
    return {
        "phone_number": display_phone(phone.number),
        "code_length": 6,
        "error": phone.error,
        "notice": phone.notice,
        "remembering": phone.remembering,
    }


def _select_saved_institution(flow: LinkFlow) -> dict[str, Any]:
    saved = []
    for connection in returning_user.saved_connections(flow):
        found = catalogue.find(connection.institution_id)
        if found is None:
            continue
        listed = flow.effective_institutions([found])
        saved.append({**institution_json(listed[0]), "masks": list(connection.masks)})
    phone = flow.state.phone
    return {
        "saved": saved,
        "phone_number": display_phone(phone.number) if phone and phone.number else None,
    }


def _select_saved_account(flow: LinkFlow) -> dict[str, Any]:
    preselected = set(flow.state.preselected)
    return {
        "accounts": [
            {**account_choice(a), "selected": a.id in preselected} for a in flow.state.offered
        ],
        "multi": not policy.single_select(flow.snapshot),
        "error": flow.state.error,
    }


_PANES = {
    View.CONSENT: _consent,
    View.DATA_TRANSPARENCY_CONSENT: _review,
    View.SELECT_INSTITUTION: _select_institution,
    View.CREDENTIAL: _credential,
    View.MFA: _mfa,
    View.SELECT_ACCOUNT: _select_account,
    View.CONNECTED: _connected,
    View.OAUTH: _oauth,
    View.ERROR: _error,
    View.EXIT: _exit,
    View.SUBMIT_PHONE: _submit_phone,
    View.VERIFY_PHONE: _verify_phone,
    View.SELECT_SAVED_INSTITUTION: _select_saved_institution,
    View.SELECT_SAVED_ACCOUNT: _select_saved_account,
}
