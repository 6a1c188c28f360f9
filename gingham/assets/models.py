"""The tables of assets."""

from __future__ import annotations
