"""Redirect URIs: the rules for a client's allow-list, and for `redirect_uri` in /link/token/create.

Plaid's rules ("Constructing valid redirect URIs"): https only, except http to localhost in
Sandbox; no custom URI schemes in any environment; no '#'; no query, because Link appends
`?oauth_state_id=…` when it returns; a subdomain wildcard only in the allow-list, only as the
leftmost label, and never directly under a public suffix. /link/token/create takes an exact URI
that must match an entry of the calling client's list for its environment.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from functools import cache
from urllib.parse import urlsplit

from publicsuffixlist import PublicSuffixList

from gingham import errors
from gingham.clients.allow_lists import AllowList
from gingham.clients.models import AllowedRedirectUri

# Entries are printable ASCII (see parse), so this also bounds the unique index's row size.
MAX_LENGTH = 1024
LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1"})
DEFAULT_PORTS = {"http": 80, "https": 443}
EXAMPLE = "https://example.com/oauth.html"

_PRINTABLE_ASCII = re.compile(r"[\x21-\x7e]+")
_HOST_LABEL = re.compile(r"(?!-)[a-z0-9-]{1,63}(?<!-)")


@dataclass(frozen=True, slots=True)
class RedirectUri:
    """A checked redirect URI or allow-list entry. `text` is its stored form: scheme and host in
    lower case, the rest as written."""

    text: str
    scheme: str
    host: str  # "*.example.com" for a wildcard entry
    port: int  # the scheme's default when none is written
    path: str  # "/" when none is written: browsers request the same page

    @property
    def is_wildcard(self) -> bool:
        return self.host.startswith("*.")

    def allows(self, uri: RedirectUri) -> bool:
        """Whether this entry admits `uri`: the same URI, or for a wildcard entry the same URI
        with exactly one label in place of the `*` (not the bare parent domain, not two labels)."""
        if (self.scheme, self.port, self.path) != (uri.scheme, uri.port, uri.path):
            return False
        if not self.is_wildcard:
            return self.host == uri.host
        label, _, parent = uri.host.partition(".")
        return bool(label) and parent == self.host[2:]


def parse(value: str, environment: str, *, wildcard_allowed: bool) -> RedirectUri:
    """`value` checked against the rules, or INVALID_FIELD saying what to change.

    Allow-list entries may hold a subdomain wildcard (`wildcard_allowed`); the `redirect_uri` of a
    link token may not.
    """
    field = "redirect_uri"
    got = f"(got {value!r})"
    if len(value) > MAX_LENGTH:
        raise errors.invalid_field(f"{field} must be at most {MAX_LENGTH} characters long")
    if not _PRINTABLE_ASCII.fullmatch(value):
        raise errors.invalid_field(
            f"{field} must be printable ASCII without spaces: percent-encode other characters "
            f"of the path and write an internationalised domain name in its xn-- form {got}"
        )
    if not wildcard_allowed and "*" in value:
        raise errors.invalid_field(
            f"{field} must not contain a wildcard (*): wildcards are only allowed in the "
            "allow-list of redirect URIs; pass the exact URI Link should return to, e.g. "
            f"https://app.example.com/oauth.html for the entry https://*.example.com/oauth.html {got}"
        )
    try:
        parts = urlsplit(value)
    except ValueError:  # e.g. an unclosed [ of an IPv6 address
        parts = None
    scheme = parts.scheme.lower() if parts else ""
    if parts is None or scheme not in DEFAULT_PORTS:
        if not scheme:
            raise errors.invalid_field(
                f"{field} must be an absolute https URL such as {EXAMPLE} {got}"
            )
        raise errors.invalid_field(
            f"{field} must use https: custom URI schemes such as {scheme}:// are not supported "
            f"in any environment; use an https page or universal link / app link such as {EXAMPLE} {got}"
        )
    if "#" in value:
        raise errors.invalid_field(
            f"{field} must not contain '#': hash routing is not supported, so point it at a page "
            f"of its own such as {EXAMPLE} {got}"
        )
    if "?" in value:
        raise errors.invalid_field(
            f"{field} must not contain a query string ('?'): Link adds ?oauth_state_id=… when it "
            f"returns to it; remove the query {got}"
        )
    if "@" in parts.netloc:
        raise errors.invalid_field(
            f"{field} must not contain a user name or password before the host {got}"
        )
    host = parts.hostname
    if not host:
        raise errors.invalid_field(f"{field} must be an absolute https URL such as {EXAMPLE} {got}")
    if scheme == "http" and not (environment == "sandbox" and host in LOCAL_HOSTS):
        raise errors.invalid_field(
            f"{field} must use https; plain http is allowed only for localhost and 127.0.0.1 "
            f"in sandbox {got}"
        )
    if "*" in value:
        _check_wildcard(value, host, scheme, parts.path)
    _check_host(host, got)
    try:
        explicit_port = parts.port
    except ValueError:
        raise errors.invalid_field(f"{field} has an invalid port {got}") from None
    netloc = f"[{host}]" if ":" in host else host
    # The default port is left out of the stored form, so that both spellings are one entry.
    if explicit_port is not None and explicit_port != DEFAULT_PORTS[scheme]:
        netloc += f":{explicit_port}"
    return RedirectUri(
        text=f"{scheme}://{netloc}{parts.path}",
        scheme=scheme,
        host=host,
        port=DEFAULT_PORTS[scheme] if explicit_port is None else explicit_port,
        path=parts.path or "/",
    )


def _check_wildcard(value: str, host: str, scheme: str, path: str) -> None:
    if value.count("*") != 1 or not host.startswith("*."):
        raise errors.invalid_field(
            "redirect_uri may contain '*' only as the whole leftmost label of the host, as in "
            f"https://*.example.com/oauth.html (got {value!r})"
        )
    parent = host[2:]
    if _is_ip_address(parent):
        raise errors.invalid_field(
            "redirect_uri can use a subdomain wildcard only under a domain name, not an IP "
            f"address (got {value!r})"
        )
    if _public_suffix_list().is_public(parent):
        raise errors.invalid_field(
            f"redirect_uri cannot use a subdomain wildcard directly under {parent}: it is a public "
            "suffix (a top-level domain or an entry of the Public Suffix List), so the wildcard "
            "would cover sites that other "
            f"people control; put it under a domain you own, as in {scheme}://*.yourapp.{parent}{path} "
            f"(got {value!r})"
        )


def _check_host(host: str, got: str) -> None:
    if _is_ip_address(host):
        return
    labels = host.split(".")
    if labels[0] == "*":
        labels = labels[1:]
    if not all(_HOST_LABEL.fullmatch(label) for label in labels):
        raise errors.invalid_field(
            f"redirect_uri has an invalid host name {host!r}: each dot-separated label takes "
            f"letters, digits and inner hyphens {got}"
        )


def _is_ip_address(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


@cache
def _public_suffix_list() -> PublicSuffixList:
    # The list ships inside the package (pinned in pyproject.toml): no network, and the same
    # answer on every machine running the same release. Parsing it takes ~50 ms, so only once.
    return PublicSuffixList()


# --- The allow-list ----------------------------------------------------------------------------


def _entry_of(value: str, environment: str) -> str:
    return parse(value, environment, wildcard_allowed=True).text


def _removal_entry_of(value: str, environment: str) -> str:
    try:
        return _entry_of(value, environment)
    except errors.PlaidError:
        # An entry stored under older rules must stay removable: match it as written.
        return value


def _admits(value: str, environment: str, entries: list[str]) -> bool:
    uri = parse(value, environment, wildcard_allowed=False)
    for text in entries:
        try:
            entry = parse(text, environment, wildcard_allowed=True)
        except errors.PlaidError:
            continue  # stored under older rules; it no longer admits anything
        if entry.allows(uri):
            return True
    return False


def _refusal(client_id: str, environment: str, value: str) -> str:
    return (
        f"OAuth redirect URI must be configured in this API client's allow-list for {environment}: "
        f"add {value} with `gingham client redirect-uri add --client-id {client_id} {value}` or "
        "POST /_gingham/client/redirect_uris/add with this client's credentials"
    )


# The `redirect_uri` of /link/token/create must be well formed, without wildcard, and admitted
# by an entry (exact, or a wildcard entry one label up).
REDIRECT_URIS = AllowList(
    field="redirect_uri",
    listed_as="redirect_uris",
    entries="redirect URIs",
    argument="URI",
    model=AllowedRedirectUri,
    column=AllowedRedirectUri.uri,
    entry_of=_entry_of,
    removal_entry_of=_removal_entry_of,
    admits=_admits,
    refusal=_refusal,
)
