"""`gingham items list`: the client's live Items, from the running server."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from gingham.cli.remote import add_credentials, call, credentials


def add_parsers(commands: Any) -> None:
    items = commands.add_parser("items", help="the client's Items on the running server")
    actions = items.add_subparsers(dest="items_command", required=True)
    listing = actions.add_parser(
        "list", help="print the client's live Items: item_id, institution, status, products"
    )
    listing.add_argument("--json", action="store_true", help="print JSON")
    add_credentials(listing)


def run(args: argparse.Namespace) -> None:
    headers = credentials(args)
    items = call("/_gingham/items/list", {}, headers)["items"]
    if args.json:
        print(json.dumps(items))
        return
    if not items:
        print(f"Client {headers['PLAID-CLIENT-ID']} has no live Items.", file=sys.stderr)
        return
    for item in items:
        print(item_line(item))


def item_line(item: dict[str, Any]) -> str:
    """`<item_id>  Tartan Bank (ins_109511)  ITEM_LOGIN_REQUIRED  transactions,auth  <created>`."""
    institution = (
        f"{item['institution_name']} ({item['institution_id']})"
        if item["institution_name"]
        else item["institution_id"] or "-"
    )
    status = item["error"]["error_code"] if item["error"] else "healthy"
    products = ",".join(item["products"]) or "-"
    return f"{item['item_id']}  {institution}  {status}  {products}  {item['created_at']}"
