"""Who may call /_gingham/admin/*, which acts for no one client (creating clients, listing them,
wiping everything).

Gingham is a sandbox on a developer's machine: anyone who can run a command there can read its
database, so a request from loopback needs nothing more. From anywhere else (another container,
the host of a container, a colleague's machine) the request must carry the server's
GINGHAM_ADMIN_TOKEN in the Gingham-Admin-Token header, and is refused when the server has none.
A token that is sent must match, even from loopback, so a mistyped one is noticed; an address
that sends too many wrong ones is refused for a while (GINGHAM_FAILED_CREDENTIALS_LIMIT a minute).
"""

from __future__ import annotations

import hmac
import ipaddress

from starlette.requests import Request

from gingham import errors
from gingham.clients.attempts import FailedCredentials
from gingham.wire.json_route import BeforeBody


def is_loopback(address: str | None) -> bool:
    if not address:
        return False
    try:
        return ipaddress.ip_address(address.split("%", 1)[0]).is_loopback
    except ValueError:
        return False


def check_admin(admin_token: str, address: str | None, sent_token: str | None) -> None:
    """Raise the Plaid error to answer unless the request may act as the administrator."""
    if sent_token:
        if not admin_token or not hmac.compare_digest(sent_token.encode(), admin_token.encode()):
            if not admin_token and not is_loopback(address):
                raise errors.admin_only_from_loopback(address)
            raise errors.invalid_admin_token()
        return
    if is_loopback(address):
        return
    if admin_token:
        raise errors.admin_token_required()
    raise errors.admin_only_from_loopback(address)


def admin_checker(admin_token: str, failures: FailedCredentials) -> BeforeBody:
    """Checked before the body is read, as API credentials in headers are. Wrong tokens are
    counted per address like wrong secrets, so a token cannot be guessed at speed."""

    async def check(request: Request) -> None:
        address = request.client.host if request.client else None
        failures.refuse_if_limited(address)
        try:
            check_admin(admin_token, address, request.headers.get(errors.ADMIN_TOKEN_HEADER))
        except errors.PlaidError as refused:
            if refused.error_code == "INVALID_ADMIN_TOKEN":
                failures.failed(None, address)
            raise

    return check
