"""Plaid's signal endpoints."""

from __future__ import annotations

from gingham.wire.endpoint import Handler

# Path → handler, wired by gingham.app.
ENDPOINTS: dict[str, Handler] = {}
