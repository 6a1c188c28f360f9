"""What bank income does later on the client's sandbox clock."""

from __future__ import annotations
