"""Gingham: a self-hosted, Plaid-compatible Link and Item lifecycle server."""

__version__ = "0.1.0"
