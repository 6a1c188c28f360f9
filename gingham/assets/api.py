"""Plaid's assets endpoints."""

from __future__ import annotations

from gingham.wire.endpoint import AnyHandler

# Path → handler, wired by gingham.app.
ENDPOINTS: dict[str, AnyHandler] = {}
