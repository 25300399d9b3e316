"""Opaque page cursors: a row's key in URL-safe base64, read back only if it is one this
server could have issued (anything else is a 400, never a query with a strange key)."""

from __future__ import annotations

import base64
from collections.abc import Callable

from quorum.services.errors import InvalidRequest


class BadCursor(InvalidRequest):
    """A cursor this server did not issue (a face that wraps cursors names its own parameter)."""


def encode(key: str) -> str:
    return base64.urlsafe_b64encode(key.encode()).decode().rstrip("=")


def decode(cursor: str, valid: Callable[[str], bool]) -> str:
    """The key inside `cursor`, which `valid` must accept."""
    try:
        key = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except ValueError:  # not ASCII, not base64, not UTF-8
        key = ""
    if not valid(key):
        raise BadCursor("cursor is not one this server issued")
    return key
