"""How a webhook reaches its receiver: the HTTP transport (with Plaid's 10 s limit and a
refusal of private addresses where asked) and the headers every attempt carries. The delivery
worker (gingham.webhooks.worker) decides what to send and when."""

from __future__ import annotations

import asyncio
import ipaddress
from dataclasses import dataclass
from typing import Protocol

import httpx

from gingham import __version__

# Plaid gives a receiver 10 s to answer; any 2xx within that is a success.
DELIVERY_TIMEOUT_SECONDS = 10.0
# How much of the receiver's answer the delivery log keeps.
EXCERPT_BYTES = 1024
USER_AGENT = f"Gingham-Webhooks/{__version__}"


@dataclass(frozen=True, slots=True)
class Response:
    status: int
    excerpt: str


class WebhookTransport(Protocol):
    """Sends one webhook; raises on a transport failure (no answer, refused, timed out)."""

    async def post(self, url: str, body: bytes, headers: dict[str, str]) -> Response: ...


class PrivateAddressRefused(Exception):
    """The webhook URL leads to a private or loopback address, which this server refuses."""


async def refuse_private_addresses(url: str) -> None:
    """Raise PrivateAddressRefused when `url`'s host is, or resolves to, an address that is not
    on the public internet (loopback, private, link-local, reserved): on a shared server, a
    webhook URL must not make Gingham reach into its own network."""
    host = httpx.URL(url).host
    try:
        found = [ipaddress.ip_address(host)]
    except ValueError:
        infos = await asyncio.get_running_loop().getaddrinfo(host, None)
        found = [ipaddress.ip_address(info[4][0]) for info in infos]
    for address in found:
        if not address.is_global:
            raise PrivateAddressRefused(
                f"{host} is {address}, a private or loopback address; this server refuses "
                "webhooks to such addresses (GINGHAM_WEBHOOK_PRIVATE_ADDRESSES=1 allows them)"
            )


class HttpTransport:
    """POSTs through the one injected httpx client. Redirects are not followed (a 3xx fails, as
    at Plaid). Loopback and private addresses are allowed unless `allow_private` is off, since
    receivers in a sandbox live there; a shared server switches them off. URLs under one of
    `own_prefixes` (Gingham's own webhook inbox) are always allowed: they reach Gingham itself,
    not its network."""

    def __init__(
        self,
        http: httpx.AsyncClient,
        *,
        allow_private: bool = True,
        own_prefixes: tuple[str, ...] = (),
    ) -> None:
        self._http = http
        self._allow_private = allow_private
        self._own_prefixes = tuple(httpx.URL(prefix) for prefix in own_prefixes)

    def leads_to_gingham(self, url: str) -> bool:
        # httpx has resolved any dot segments, so a prefix match cannot be walked out of.
        target = httpx.URL(url)
        return any(
            (target.scheme, target.host, target.port) == (own.scheme, own.host, own.port)
            and target.path.startswith(own.path)
            for own in self._own_prefixes
        )

    async def post(self, url: str, body: bytes, headers: dict[str, str]) -> Response:
        if not self._allow_private and not self.leads_to_gingham(url):
            await refuse_private_addresses(url)
        # httpx's timeouts bound each phase; Plaid's 10 s bound the whole exchange.
        async with asyncio.timeout(DELIVERY_TIMEOUT_SECONDS):
            async with self._http.stream(
                "POST", url, content=body, headers=headers, timeout=DELIVERY_TIMEOUT_SECONDS
            ) as response:
                excerpt = b""
                async for chunk in response.aiter_bytes():
                    excerpt += chunk
                    if len(excerpt) >= EXCERPT_BYTES:
                        break
        return Response(response.status_code, excerpt[:EXCERPT_BYTES].decode("utf-8", "replace"))


def delivery_headers(event_id: str, attempt: int, verification: str) -> dict[str, str]:
    """The headers of an attempt: Plaid's, and Gingham's own, which receivers that follow
    Plaid's docs ignore. The delivery id is the event's, the same on every attempt, so a receiver
    can drop repeats."""
    return {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "Plaid-Verification": verification,
        "Gingham-Delivery-Id": event_id,
        "Gingham-Attempt": str(attempt),
    }
