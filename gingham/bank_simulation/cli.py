"""`gingham bank …`: the bank simulation from a terminal, through the running server's
/_gingham/bank/* endpoints, with a client's API credentials (the banks are shared by every
client; the answers list the caller's Items). `gingham bank reset` restores the banks'
defaults through /_gingham/admin/bank/reset.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from typing import Any

from gingham.bank_simulation import institutions
from gingham.cli.remote import CommandFailed, add_credentials, admin_headers, call, credentials
from gingham.institutions.catalogue import Health


def add_parser(commands: Any) -> None:
    bank = commands.add_parser(
        "bank", help="make things happen at the sandbox banks (password change, new account, …)"
    )
    actions = bank.add_subparsers(dest="bank_command", required=True)

    password = actions.add_parser(
        "change-password",
        help="set a new password for a login at a credential bank: its Items need login again",
    )
    password.add_argument("--institution", required=True, help="an institution_id")
    password.add_argument("--username", required=True, help="e.g. user_good")
    password.add_argument("--password", required=True, help="the new password")

    otp = actions.add_parser(
        "expire-otp",
        help="make a credential bank ask the login's Items for a new one-time code",
    )
    otp.add_argument("--institution", required=True, help="an institution_id")
    otp.add_argument("--username", required=True, help="e.g. user_good")

    account = actions.add_parser(
        "open-account",
        help="open an account for a login: its Items hear NEW_ACCOUNTS_AVAILABLE",
    )
    account.add_argument("--institution", required=True, help="an institution_id")
    account.add_argument("--username", required=True, help="the login's username")
    account.add_argument(
        "--account",
        default="{}",
        help="the account as JSON, like an entry of user_custom's override_accounts "
        '(e.g. \'{"subtype": "savings", "meta": {"mask": "4321"}}\')',
    )

    status = actions.add_parser(
        "set-status",
        help="make an institution HEALTHY, DEGRADED or DOWN (Link and /institutions/*)",
    )
    status.add_argument("--institution", required=True, help="an institution_id")
    status.add_argument("--status", required=True, choices=[h.value for h in Health])

    migrate = actions.add_parser(
        "migrate-to-oauth",
        help="move a credential institution to OAuth: its Items need login, spread over a window",
    )
    migrate.add_argument("--institution", required=True, help="an institution_id")
    migrate.add_argument(
        "--window-days",
        type=int,
        default=institutions.DEFAULT_MIGRATION_WINDOW_DAYS,
        help="days over which existing Items move to ITEM_LOGIN_REQUIRED (default %(default)s)",
    )

    revoke = actions.add_parser(
        "revoke-consent",
        help="withdraw an OAuth Item's consent at its bank (noticed 24-48 h later)",
    )
    revoke.add_argument("--item", required=True, help="the Item's item_id")
    revoke.add_argument("--account", help="withdraw only this account_id of the Item")

    for action in (password, otp, account, status, migrate, revoke):
        add_credentials(action)

    actions.add_parser(
        "reset",
        help="restore every sandbox bank's defaults: passwords, opened accounts, one-time codes, "
        "withdrawn consents, institution status, migrations to OAuth",
    )


def run(args: argparse.Namespace) -> None:
    """Run one `gingham bank` command."""
    if args.bank_command == "reset":
        restored = call("/_gingham/admin/bank/reset", {}, admin_headers())["banks"]
        print(
            "Restored the sandbox banks' defaults: "
            f"{restored['logins']} login(s) (passwords, opened accounts, one-time codes), "
            f"{restored['consents']} withdrawn consent(s), "
            f"{restored['institutions']} institution(s) (status, migration to OAuth)."
        )
        print("  Items these events broke stay broken until their users go through update mode.")
        return
    path, body, lines = _ACTIONS[args.bank_command](args)
    for line in lines(call(path, body, credentials(args))):
        print(line)


Lines = Callable[[dict[str, Any]], list[str]]


def _items(answer: dict[str, Any]) -> list[str]:
    if not answer["items"]:
        return ["None of your Items was made with this login."]
    return [f"  {item['item_id']}: {item['outcome']}" for item in answer["items"]]


def _change_password(args: argparse.Namespace) -> tuple[str, dict[str, Any], Lines]:
    body = {
        "institution_id": args.institution,
        "username": args.username,
        "password": args.password,
    }
    return (
        "/_gingham/bank/password/change",
        body,
        lambda answer: [
            f"New password set for {args.username} at {args.institution}.",
            *_items(answer),
        ],
    )


def _expire_otp(args: argparse.Namespace) -> tuple[str, dict[str, Any], Lines]:
    return (
        "/_gingham/bank/otp/expire",
        {"institution_id": args.institution, "username": args.username},
        lambda answer: [
            f"The one-time code of {args.username} at {args.institution} has expired.",
            *_items(answer),
        ],
    )


def _open_account(args: argparse.Namespace) -> tuple[str, dict[str, Any], Lines]:
    try:
        spec = json.loads(args.account)
    except ValueError as problem:
        raise CommandFailed(f"--account is not JSON: {problem}") from None
    if not isinstance(spec, dict):
        raise CommandFailed("--account must be a JSON object")

    def lines(answer: dict[str, Any]) -> list[str]:
        opened = answer["account"]
        return [
            f"Opened {opened['name']} ({opened['type']}/{opened['subtype']}, mask "
            f"{opened['mask']}) for {args.username} at {args.institution}.",
            *_items(answer),
        ]

    body = {"institution_id": args.institution, "username": args.username, "account": spec}
    return "/_gingham/bank/accounts/open", body, lines


def _set_status(args: argparse.Namespace) -> tuple[str, dict[str, Any], Lines]:
    return (
        "/_gingham/bank/institutions/set_status",
        {"institution_id": args.institution, "status": args.status},
        lambda answer: [
            f"{answer['name']} ({answer['institution_id']}) is now {answer['status']}."
        ],
    )


def _migrate_to_oauth(args: argparse.Namespace) -> tuple[str, dict[str, Any], Lines]:
    def lines(answer: dict[str, Any]) -> list[str]:
        return [
            f"{answer['name']} ({answer['institution_id']}) now uses OAuth; "
            f"{len(answer['items'])} of your Item(s) will need their users over "
            f"{answer['window_days']} days:",
            *(
                f"  {item['item_id']}: ITEM_LOGIN_REQUIRED at {item['login_required_at']}"
                for item in answer["items"]
            ),
        ]

    body = {"institution_id": args.institution, "window_days": args.window_days}
    return "/_gingham/bank/institutions/migrate_to_oauth", body, lines


def _revoke_consent(args: argparse.Namespace) -> tuple[str, dict[str, Any], Lines]:
    body = {"item_id": args.item, **({"account_id": args.account} if args.account else {})}
    what = f"account {args.account} of Item {args.item}" if args.account else f"Item {args.item}"
    return (
        "/_gingham/bank/consent/revoke",
        body,
        lambda answer: [
            f"Consent withdrawn at the bank for {what}.",
            f"  Gingham notices at {answer['noticed_at']} on your client's clock "
            "(advance it with `gingham clock advance`).",
        ],
    )


_ACTIONS: dict[str, Callable[[argparse.Namespace], tuple[str, dict[str, Any], Lines]]] = {
    "change-password": _change_password,
    "expire-otp": _expire_otp,
    "open-account": _open_account,
    "revoke-consent": _revoke_consent,
    "set-status": _set_status,
    "migrate-to-oauth": _migrate_to_oauth,
}
