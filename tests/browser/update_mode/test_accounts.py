"""Update mode with account selection in a real browser: a user who opened an account at the bank
adds it to an existing Item through Link, and the app then sees it."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.conftest import create_link_token, plaid_post
from tests.browser.link_page import LinkInBrowser
from tests.live_server import LiveGingham

# A bank and login no other browser test uses: the live server's banks are shared by its tests.
BANK = "ins_109512"
USERNAME = "user_credit_joint_account"


def test_a_user_adds_a_newly_opened_account_in_update_mode(
    page: Page, app_origin: str, gingham: LiveGingham
) -> None:
    public_token = plaid_post(
        gingham,
        "/sandbox/public_token/create",
        {
            "institution_id": BANK,
            "initial_products": ["transactions"],
            "options": {"override_username": USERNAME, "override_password": "any"},
        },
    )["public_token"]
    exchanged = plaid_post(gingham, "/item/public_token/exchange", {"public_token": public_token})
    access_token = exchanged["access_token"]
    before = plaid_post(gingham, "/accounts/get", {"access_token": access_token})["accounts"]
    plaid_post(
        gingham,
        "/_gingham/bank/accounts/open",
        {
            "institution_id": BANK,
            "username": USERNAME,
            "account": {
                "subtype": "savings",
                "starting_balance": 640,
                "meta": {"name": "Browser savings", "mask": "5678"},
            },
        },
    )

    link = LinkInBrowser(page, app_origin, gingham)
    link.load_app()
    token = create_link_token(
        gingham,
        products=None,
        access_token=access_token,
        update={"account_selection_enabled": True},
    )
    link.create(token)
    link.open()
    link.pane("CONSENT")
    link.click("consent-continue")
    # Update mode knows the institution: straight to its sign-in.
    link.pane("CREDENTIAL")
    link.submit_credentials(password="any", username=USERNAME)
    link.pane("SELECT_ACCOUNT", "update-mode-select-account")

    rows = link.frame.locator("label.account")
    new_account = rows.filter(has_text="Browser savings").locator("input")
    expect(new_account).not_to_be_checked()
    # The accounts the Item shares are ticked already (those Link can show for transactions).
    checked = link.frame.locator("input[name=account]:checked")
    expect(checked).to_have_count(rows.count() - 1)
    new_account.check()
    link.click("accounts-continue")
    link.pane("CONNECTED", "update-mode-connected")
    link.click("connected-continue")

    terminal = link.wait_for_terminal()
    assert terminal["kind"] == "success"
    _, metadata = terminal["args"]
    assert "5678" in [a["mask"] for a in metadata["accounts"]]
    assert "TRANSITION_VIEW:SELECT_ACCOUNT" in link.event_names()

    after = plaid_post(gingham, "/accounts/get", {"access_token": access_token})["accounts"]
    assert [a["account_id"] for a in after[: len(before)]] == [a["account_id"] for a in before]
    [added] = after[len(before) :]
    assert (added["name"], added["mask"], added["balances"]["current"]) == (
        "Browser savings",
        "5678",
        640,
    )
