"""The security headers every HTML page Gingham serves carries.

Pages load scripts only from Gingham itself (or one inline script with a nonce), talk only to
Gingham, never let the browser guess a content type, and are not framed, except the Link frame,
which only the page that opened it may frame (Link's iframe is the one page meant to be framed).
Styles may be inline: the pages set widths and colours on elements from their scripts.
"""

from __future__ import annotations

import re

# An origin as a browser writes it: scheme, host, optional port, no path.
_ORIGIN = re.compile(
    r"^https?://[A-Za-z0-9.-]+(:\d{1,5})?$|^https?://\[[0-9A-Fa-f:.]+\](:\d{1,5})?$"
)


def frame_ancestor(origin: str | None) -> str:
    """The CSP source that lets `origin` frame a page, or 'none' when it is not an origin."""
    return origin if origin and _ORIGIN.match(origin) else "'none'"


def page_headers(
    *, frame_ancestors: str = "'none'", script_nonce: str | None = None
) -> dict[str, str]:
    scripts = f"'self' 'nonce-{script_nonce}'" if script_nonce else "'self'"
    headers = {
        "Content-Security-Policy": (
            f"default-src 'self'; script-src {scripts}; style-src 'self' 'unsafe-inline'; "
            "img-src 'self' data: https:; connect-src 'self'; object-src 'none'; "
            f"base-uri 'none'; frame-ancestors {frame_ancestors}"
        ),
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "strict-origin-when-cross-origin",
    }
    if frame_ancestors == "'none'":
        # For browsers that predate CSP's frame-ancestors.
        headers["X-Frame-Options"] = "DENY"
    return headers
