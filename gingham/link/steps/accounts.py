"""Account Select: the accounts the products can use, offered for the user to choose.

Accounts the bank holds that the link token's products cannot use are left out, and the pane
says so. In update mode the login's accounts are matched to the Item's, and those it shares are
ticked beforehand.
"""

from __future__ import annotations

from typing import Any

from gingham import errors
from gingham.bank.accounts import AccountTemplate
from gingham.items import account_selection
from gingham.link import policy
from gingham.link.eligibility import eligible_accounts, no_eligible_accounts
from gingham.link.flow import LinkFlow
from gingham.link.state import OfferedAccount, View
from gingham.link.steps import ending
from gingham.link.wording import select_an_account_for
from gingham.wire.ids import new_object_id


def offer_accounts(flow: LinkFlow) -> None:
    """After the sign-in: Account Select, or straight to the end of update mode when it does
    not select accounts."""
    s = flow.snapshot
    if s.update_mode and not policy.selects_accounts_in_update_mode(s):
        ending.finish_update_mode(flow)
        return
    assert flow.state.login is not None
    templates = flow.state.login.accounts
    products = policy.products_to_suit(s)
    filters = flow.config.get("account_filters")
    eligible = eligible_accounts(templates, products, filters)
    if not eligible:
        ending.fail(flow, no_eligible_accounts(products), origin=View.CREDENTIAL)
        return
    # Those account_filters admit but the products cannot use: the pane says they were left out.
    admitted = eligible_accounts(templates, [], filters)
    flow.state.left_out = [t for t in admitted if t not in eligible]
    if s.update_mode:
        _offer_accounts_for_update(flow, eligible)
    else:
        flow.state.offered = [OfferedAccount(new_object_id(), t) for t in eligible]
    flow.show(View.SELECT_ACCOUNT)


def _offer_accounts_for_update(flow: LinkFlow, eligible: list[AccountTemplate]) -> None:
    """The login's accounts as the bank holds them now, those the Item knows under their
    account_id, and those it shares ticked (one only where the customization allows one)."""
    assert flow.token.item_id is not None
    choices = account_selection.choices_for_item(flow.ctx.session, flow.token.item_id, eligible)
    flow.state.offered = [OfferedAccount(c.account_id, c.template) for c in choices]
    preselected = [c.account_id for c in choices if c.shared]
    single = policy.single_select(flow.snapshot)
    flow.state.preselected = preselected[:1] if single else preselected


def take_selection(
    flow: LinkFlow, body: dict[str, Any], *, pane: View, event: str | None = None
) -> bool:
    """Check the accounts chosen on `pane` (Account Select, or a returning user's saved
    accounts) and record `event`: True when they are kept and Link moves on (LOADING), False when
    product validations leave the user on `pane` to fix the selection."""
    account_ids = body.get("account_ids")
    offered = {account.id for account in flow.state.offered}
    if not isinstance(account_ids, list) or not account_ids or not set(account_ids) <= offered:
        raise errors.invalid_field("account_ids must list one or more of the accounts offered")
    s = flow.snapshot
    if policy.single_select(s) and len(account_ids) != 1:
        raise errors.invalid_field("this Link customization allows exactly one account")
    if event is not None:
        flow.record(event)
    chosen = flow.state.offered_by_id(account_ids)
    unserved = policy.unserved_product(s, [a.template for a in chosen])
    if unserved is not None:
        # Product validations: the user is asked to fix the selection, and stays here.
        error = no_eligible_accounts([unserved])
        flow.record_error(error)
        flow.state.error = {
            **error.summary(),
            "display_message": select_an_account_for(flow.config["client_name"], unserved),
        }
        flow.show(pane)
        return False
    flow.state.error = None
    flow.state.selected = [a.id for a in chosen]
    flow.show(View.LOADING)
    return True


def select_accounts(flow: LinkFlow, body: dict[str, Any]) -> None:
    if not take_selection(flow, body, pane=View.SELECT_ACCOUNT):
        return
    if flow.is_update_mode:
        ending.finish_update_mode(flow)
        return
    ending.link_item(flow)
