"""How the `gingham` command reaches the running server: over HTTP, at GINGHAM_URL (default the
local server), never through a database of its own.

Commands about one client send its API credentials, as an application would: PLAID_CLIENT_ID and
PLAID_SECRET, or --client-id and --secret. Commands about every client (creating and listing
clients, wiping everything) call /_gingham/admin/*, which the server answers from loopback, or
with GINGHAM_ADMIN_TOKEN, sent here from this process's environment when set. Every failure is
one line for the user (CommandFailed), which the command prints before exiting with status 1.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx

from gingham.errors import ADMIN_TOKEN_HEADER

DEFAULT_URL = "http://127.0.0.1:8765"
CONNECT_TIMEOUT_SECONDS = 5.0
# Long enough for an answer that waits on webhooks (`gingham clock advance --wait`).
READ_TIMEOUT_SECONDS = 120.0


class CommandFailed(Exception):
    """What to tell the user, in one line."""


def server_url() -> str:
    """GINGHAM_URL; else the local server on the port `gingham serve` would take here (so that,
    inside a container that sets GINGHAM_PORT, the command finds its server)."""
    if url := os.environ.get("GINGHAM_URL"):
        return url.rstrip("/")
    if port := os.environ.get("GINGHAM_PORT"):
        return f"http://127.0.0.1:{port}"
    return DEFAULT_URL


def add_credentials(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--client-id", help="the client's client_id (or PLAID_CLIENT_ID)")
    parser.add_argument("--secret", help="the client's secret (or PLAID_SECRET)")


def credentials(args: argparse.Namespace) -> dict[str, str]:
    """The client's API credentials as Plaid's headers, from the flags or the environment."""
    client_id = getattr(args, "client_id", None) or os.environ.get("PLAID_CLIENT_ID")
    secret = getattr(args, "secret", None) or os.environ.get("PLAID_SECRET")
    if not client_id or not secret:
        raise CommandFailed(
            "no API credentials; set PLAID_CLIENT_ID and PLAID_SECRET, or pass --client-id "
            "and --secret"
        )
    return {"PLAID-CLIENT-ID": client_id, "PLAID-SECRET": secret}


def admin_headers() -> dict[str, str]:
    token = os.environ.get("GINGHAM_ADMIN_TOKEN")
    return {ADMIN_TOKEN_HEADER: token} if token else {}


def call(path: str, body: dict[str, Any], headers: dict[str, str]) -> dict[str, Any]:
    """POST `body` to the server's `path`; its answer, without the request_id."""
    base_url = server_url()
    timeout = httpx.Timeout(CONNECT_TIMEOUT_SECONDS, read=READ_TIMEOUT_SECONDS)
    with talking_to(base_url), httpx.Client(timeout=timeout) as http:
        response = http.post(base_url + path, headers=headers, json=body)
    if response.status_code != 200:
        raise CommandFailed(refusal(base_url, response))
    try:
        answer = response.json()
    except ValueError:
        answer = None
    if not isinstance(answer, dict):
        raise CommandFailed(f"the server at {base_url} answered {path} with something not JSON")
    answer.pop("request_id", None)
    return answer


@contextmanager
def talking_to(base_url: str) -> Iterator[None]:
    """Turns httpx's failures into one line naming the server."""
    try:
        yield
    except (httpx.ConnectError, httpx.ConnectTimeout):
        raise CommandFailed(
            f"no Gingham server at {base_url} — start one with `gingham serve`, or set GINGHAM_URL"
        ) from None
    except (httpx.UnsupportedProtocol, httpx.InvalidURL):
        raise CommandFailed(f"GINGHAM_URL is not an http(s) URL: {base_url}") from None
    except httpx.TimeoutException:
        raise CommandFailed(f"the server at {base_url} did not answer in time") from None
    except httpx.HTTPError as error:
        raise CommandFailed(f"lost the server at {base_url}: {type(error).__name__}") from None


def refusal(base_url: str, response: httpx.Response) -> str:
    try:
        body = response.json()
        reason = f"{body['error_code']}: {body['error_message']}"
    except (ValueError, KeyError, TypeError):
        return (
            f"{base_url} answered HTTP {response.status_code}, not as a Gingham server does "
            "(is GINGHAM_URL right?)"
        )
    return f"the server at {base_url} refused: {reason}"


def confirm(question: str, *, yes: bool) -> None:
    """Ask `question` on the terminal unless `yes`; refuse where no one can answer."""
    if yes:
        return
    if not sys.stdin.isatty():
        raise CommandFailed(
            "refusing without confirmation: stdin is not a terminal; pass --yes to go ahead"
        )
    try:
        answer = input(f"{question} [y/N] ")
    except EOFError:
        answer = ""
    if answer.strip().lower() not in ("y", "yes"):
        raise CommandFailed("cancelled; nothing changed")
