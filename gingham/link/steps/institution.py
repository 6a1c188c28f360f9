"""The start of a session: consent, the review of a Data Transparency consent, and the bank.

Update mode knows the bank already, and goes from consent straight to signing in there again.
"""

from __future__ import annotations

from typing import Any

from gingham import errors
from gingham.clients import profile
from gingham.institutions import catalogue
from gingham.institutions.catalogue import Health, SandboxInstitution
from gingham.link import legacy, policy
from gingham.link.flow import LinkFlow
from gingham.link.state import View
from gingham.link.steps import credentials, ending
from gingham.link.wording import DEGRADED_NOTICE
from gingham.link_customizations.appearance import featured

# Institutions shown before the user searches.
DEFAULT_RESULTS = 10


def continue_from_consent(flow: LinkFlow, body: dict[str, Any]) -> None:
    if not flow.is_update_mode or flow.institution is None:
        flow.show(View.SELECT_INSTITUTION)
    elif policy.reauthorizes(flow.snapshot):
        flow.show(View.DATA_TRANSPARENCY_CONSENT)
    else:
        sign_in_again(flow)


def renew_consent(flow: LinkFlow, body: dict[str, Any]) -> None:
    """DATA_TRANSPARENCY_CONSENT: the user reviewed what the Item shares and renews it."""
    flow.state.reauthorized = True
    sign_in_again(flow)


def sign_in_again(flow: LinkFlow) -> None:
    """Update mode knows the institution: straight to signing in there again, or only to a new
    one-time code when that is all the bank wants, or not at all when the session only adds
    Assets, Statements or Income to a healthy Item linked less than two years ago."""
    institution = flow.institution
    assert institution is not None
    if policy.consent_is_enough(flow.snapshot):
        flow.show(View.LOADING)
        ending.finish_update_mode(flow)
        return
    if not institution.oauth and credentials.ask_only_for_a_new_code(flow):
        return
    flow.show(View.OAUTH if institution.oauth else View.CREDENTIAL)


def _candidates(flow: LinkFlow) -> list[SandboxInstitution]:
    return catalogue.matching(
        country_codes=flow.config["country_codes"],
        products=flow.config.get("products") or (),
        institutions=flow.effective_institutions(),
    )


def default_results(flow: LinkFlow) -> list[str]:
    offered = [institution.institution_id for institution in _candidates(flow)]
    # A customization's own institutions (those the session offers), else Link's list.
    return featured(flow.customization.appearance, offered) or offered[:DEFAULT_RESULTS]


def search(flow: LinkFlow, body: dict[str, Any]) -> None:
    query = str(body.get("query", "")).strip()
    flow.state.query = query
    if query:
        found = catalogue.search(
            query,
            country_codes=flow.config["country_codes"],
            products=flow.config.get("products") or (),
            institutions=_candidates(flow),
        )
        flow.state.results = [i.institution_id for i in found]
    else:
        flow.state.results = default_results(flow)
    flow.record("SEARCH_INSTITUTION", institution_search_query=query)


def select_institution(flow: LinkFlow, body: dict[str, Any]) -> None:
    institution_id = body.get("institution_id")
    offered = {i.institution_id: i for i in _candidates(flow)}
    institution = offered.get(institution_id) if isinstance(institution_id, str) else None
    if institution is None:
        raise errors.invalid_field(
            f"institution_id {institution_id!r} is not offered for this link token's products and country_codes"
        )
    flow.institution_id = institution.institution_id
    flow.state.error = flow.state.notice = None
    if institution.health is Health.DOWN:
        flow.record("SELECT_DOWN_INSTITUTION")
        ending.fail(flow, errors.institution_down(institution.name), origin=View.SELECT_INSTITUTION)
        return
    if not institution.supported:
        flow.record("SELECT_INSTITUTION")
        ending.fail(
            flow, errors.institution_not_supported(institution.name), origin=View.SELECT_INSTITUTION
        )
        return
    if institution.oauth and legacy.is_legacy(flow.config):
        flow.record("SELECT_INSTITUTION")
        ending.fail(
            flow,
            errors.oauth_needs_link_token(institution.name),
            origin=View.SELECT_INSTITUTION,
        )
        return
    if institution.health is Health.DEGRADED:
        flow.record("SELECT_DEGRADED_INSTITUTION")
        flow.state.notice = DEGRADED_NOTICE.format(name=institution.name)
    else:
        flow.record("SELECT_INSTITUTION")
    if refuses_unregistered_app(flow, institution):
        return
    flow.show(View.OAUTH if institution.oauth else View.CREDENTIAL)


def refuses_unregistered_app(flow: LinkFlow, institution: SandboxInstitution) -> bool:
    """The error pane, if the institution wants a completed application profile the app does not
    have (Link says so as soon as the bank is chosen, before the trip to it)."""
    refusal = profile.registration_refusal(
        flow.ctx.session, flow.caller.client_id, institution, flow.ctx.now
    )
    if refusal is None:
        return False
    ending.fail(flow, refusal, origin=View.SELECT_INSTITUTION)
    return True


def back_to_search(flow: LinkFlow, body: dict[str, Any]) -> None:
    if flow.is_update_mode:
        raise errors.invalid_field("the institution cannot be changed in update mode")
    flow.institution_id = None
    flow.state.error = flow.state.notice = None
    flow.show(View.SELECT_INSTITUTION)
