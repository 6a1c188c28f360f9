"""The tables of statements."""

from __future__ import annotations
