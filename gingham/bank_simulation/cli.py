"""`gingham bank …`: the bank simulation from a terminal, against the configured database.

The same events as the /_gingham/bank/* endpoints, for any client's Items. Webhooks they cause
are queued, and sent by a running `gingham serve` (or `gingham worker`) on the same database.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy.orm import Session

from gingham import errors
from gingham.bank_simulation import institutions, logins
from gingham.bank_simulation.logins import Affected
from gingham.clock import SystemClock
from gingham.config import Settings
from gingham.db import make_engine, make_session_factory
from gingham.institutions.catalogue import Health
from gingham.items import service as items_service
from gingham.wire.json import format_datetime


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


def run(settings: Settings, args: argparse.Namespace) -> int:
    """Run one `gingham bank` command; the exit status."""
    action = _ACTIONS[args.bank_command]
    engine = make_engine(settings.database_url)
    session_factory = make_session_factory(engine)
    try:
        with session_factory() as session, session.begin():
            for line in action(session, args):
                print(line)
        return 0
    except errors.PlaidError as error:
        print(f"gingham: {error.error_message}", file=sys.stderr)
        return 2
    except ValueError as problem:
        print(f"gingham: {problem}", file=sys.stderr)
        return 2
    finally:
        engine.dispose()


def _affected(affected: Sequence[Affected]) -> list[str]:
    if not affected:
        return ["No Item was made with this login."]
    return [f"  {a.item_id} (client {a.client_id}): {a.outcome}" for a in affected]


def _change_password(session: Session, args: argparse.Namespace) -> list[str]:
    affected = logins.change_password(
        session, args.institution, args.username, args.password, real_now=SystemClock().now()
    )
    return [f"New password set for {args.username} at {args.institution}.", *_affected(affected)]


def _expire_otp(session: Session, args: argparse.Namespace) -> list[str]:
    affected = logins.expire_otp(
        session, args.institution, args.username, real_now=SystemClock().now()
    )
    return [
        f"The one-time code of {args.username} at {args.institution} has expired.",
        *_affected(affected),
    ]


def _open_account(session: Session, args: argparse.Namespace) -> list[str]:
    try:
        spec = json.loads(args.account)
    except ValueError as problem:
        raise ValueError(f"--account is not JSON: {problem}") from None
    if not isinstance(spec, dict):
        raise ValueError("--account must be a JSON object")
    account, affected = logins.open_account(
        session, args.institution, args.username, spec, real_now=SystemClock().now()
    )
    return [
        f"Opened {account.name} ({account.type}/{account.subtype}, mask {account.mask}) for "
        f"{args.username} at {args.institution}.",
        *_affected(affected),
    ]


def _set_status(session: Session, args: argparse.Namespace) -> list[str]:
    institution, _ = institutions.set_status(
        session, args.institution, Health(args.status), real_now=SystemClock().now()
    )
    return [f"{institution.name} ({institution.institution_id}) is now {institution.health}."]


def _migrate_to_oauth(session: Session, args: argparse.Namespace) -> list[str]:
    migration = institutions.migrate_to_oauth(
        session, args.institution, window_days=args.window_days, real_now=SystemClock().now()
    )
    lines = [
        f"{migration.institution.name} ({migration.institution.institution_id}) now uses OAuth; "
        f"{len(migration.breaks)} Item(s) will need their users over {args.window_days} days:"
    ]
    lines += [
        f"  {b.item_id} (client {b.client_id}): ITEM_LOGIN_REQUIRED at "
        f"{format_datetime(b.login_required_at)}"
        for b in migration.breaks
    ]
    return lines


def _revoke_consent(session: Session, args: argparse.Namespace) -> list[str]:
    item = items_service.item_by_id(session, args.item)
    if item is None or item.removed_at is not None:
        raise ValueError(f"no live Item has item_id {args.item!r}")
    noticed_at = logins.revoke_consent(session, item, args.account, real_now=SystemClock().now())
    what = f"account {args.account} of Item {item.id}" if args.account else f"Item {item.id}"
    return [
        f"Consent withdrawn at the bank for {what}.",
        f"  Gingham notices at {format_datetime(noticed_at)} on client {item.client_id}'s clock "
        "(advance it with `gingham clock advance`).",
    ]


_ACTIONS: dict[str, Callable[[Session, argparse.Namespace], list[str]]] = {
    "change-password": _change_password,
    "expire-otp": _expire_otp,
    "open-account": _open_account,
    "revoke-consent": _revoke_consent,
    "set-status": _set_status,
    "migrate-to-oauth": _migrate_to_oauth,
}
