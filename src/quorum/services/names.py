"""The one rule for the names people give projects, batches and groups (a leaf: imports no
other service)."""

from __future__ import annotations

from quorum.services.errors import InvalidRequest


def check_name(name: str, what: str) -> str:
    if not name or not name.strip():
        raise InvalidRequest(f"{what} name must not be empty")
    if len(name) > 200:
        raise InvalidRequest(f"{what} name is longer than 200 characters")
    if any(ord(c) < 32 for c in name):
        raise InvalidRequest(f"{what} name contains control characters")
    return name
