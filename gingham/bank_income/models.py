"""The tables of bank income."""

from __future__ import annotations
