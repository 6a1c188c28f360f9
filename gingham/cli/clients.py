"""`gingham client …`: API clients (create, list, rotate-secret) and a client's allow-lists
(redirect-uri, android-package), through the running server."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from gingham.cli import remote
from gingham.cli.remote import add_credentials, admin_headers, call, credentials
from gingham.clients.allow_lists import AllowList
from gingham.clients.android_packages import ANDROID_PACKAGES
from gingham.clients.models import ENVIRONMENTS
from gingham.clients.redirect_uris import REDIRECT_URIS

ALLOW_LISTS: dict[str, AllowList] = {
    "redirect-uri": REDIRECT_URIS,
    "android-package": ANDROID_PACKAGES,
}


def add_parsers(client_commands: Any) -> None:
    """`client create|list|rotate-secret|redirect-uri|android-package`."""
    create = client_commands.add_parser(
        "create", help="provision an API client and print its credentials"
    )
    create.add_argument("--name", required=True, help="a name for the client, e.g. your app's")
    create.add_argument("--json", action="store_true", help="print the credentials as JSON")

    listing = client_commands.add_parser(
        "list", help="print every API client: client_id, name, created, environments (no secrets)"
    )
    listing.add_argument("--json", action="store_true", help="print JSON")

    rotate = client_commands.add_parser(
        "rotate-secret",
        help="give the client a new secret, printed once; the old one stops working at once",
    )
    rotate.add_argument(
        "--environment",
        choices=ENVIRONMENTS,
        help="whose secret to rotate (default: the environment of the secret you sign in with)",
    )
    rotate.add_argument("--json", action="store_true", help="print JSON")
    add_credentials(rotate)

    for name, allow_list in ALLOW_LISTS.items():
        list_parser = client_commands.add_parser(
            name, help=f"manage a client's allowed {allow_list.entries} (sandbox)"
        )
        actions = list_parser.add_subparsers(dest="allow_list_action", required=True)
        for action, help_text in (
            ("add", f"allow one of the {allow_list.entries}"),
            ("remove", f"remove one of the {allow_list.entries}"),
            ("list", f"print the allowed {allow_list.entries}, one a line"),
        ):
            action_parser = actions.add_parser(action, help=help_text)
            add_credentials(action_parser)
            if action != "list":
                action_parser.add_argument("value", metavar=allow_list.argument)


def run(args: argparse.Namespace) -> None:
    if args.client_command == "create":
        client_create(args.name, as_json=args.json)
    elif args.client_command == "list":
        client_list(as_json=args.json)
    elif args.client_command == "rotate-secret":
        rotate_secret(args)
    else:
        manage_allow_list(args, ALLOW_LISTS[args.client_command])


def client_create(name: str, *, as_json: bool) -> None:
    created = call("/_gingham/admin/clients/create", {"name": name}, admin_headers())
    if as_json:
        print(json.dumps(created))
        return
    print(f"Created API client {created['name']!r} ({created['environment']}).")
    print(f"  client_id: {created['client_id']}")
    print(f"  secret:    {created['secret']}   (shown once; only its hash is stored)")
    print(f"  public_key: {created['public_key']}   (legacy; POST /_gingham/client/public_key/get)")


def client_list(*, as_json: bool) -> None:
    clients = call("/_gingham/admin/clients/list", {}, admin_headers())["clients"]
    if as_json:
        print(json.dumps(clients))
        return
    if not clients:
        print(f"No API clients on {remote.server_url()}; create one with `gingham client create`.")
        return
    for client in clients:
        environments = ", ".join(client["environments"]) or "no live secret"
        print(
            f"{client['client_id']}  {client['name']}  created {client['created_at']}  "
            f"({environments})"
        )


def rotate_secret(args: argparse.Namespace) -> None:
    headers = credentials(args)
    body = {"environment": args.environment} if args.environment else {}
    rotated = call("/_gingham/client/secret/rotate", body, headers)
    if args.json:
        print(json.dumps({"client_id": headers["PLAID-CLIENT-ID"], **rotated}))
        return
    print(f"New {rotated['environment']} secret for client {headers['PLAID-CLIENT-ID']}:")
    print(f"  secret: {rotated['secret']}   (shown once; the old one no longer works)")


def manage_allow_list(args: argparse.Namespace, allow_list: AllowList) -> None:
    headers = credentials(args)
    path = f"/_gingham/client/{allow_list.listed_as}"
    action = args.allow_list_action
    if action == "list":
        answer = call(f"{path}/list", {}, headers)
        for entry in answer[allow_list.listed_as]:
            print(entry)
        if not answer[allow_list.listed_as]:
            print(
                f"No {allow_list.entries} are allowed for client {headers['PLAID-CLIENT-ID']} "
                f"({answer['environment']}).",
                file=sys.stderr,
            )
        return
    answer = call(f"{path}/{action}", {allow_list.field: args.value}, headers)
    where = (
        f"the {answer['environment']} {allow_list.entries} of client {headers['PLAID-CLIENT-ID']}"
    )
    if action == "add":
        print(
            f"Added {args.value} to {where}."
            if answer["added"]
            else f"{args.value} is already on {where}; nothing changed."
        )
    else:
        print(
            f"Removed {args.value} from {where}."
            if answer["removed"]
            else f"{args.value} is not on {where}; nothing removed."
        )
