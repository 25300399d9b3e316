"""Routing for Scale's face: match `/v1/` paths undecoded, so names may contain `/`.

The client puts project, batch and group names into paths with `quote(name, safe="")`, so a
project `a/b` arrives as `a%2Fb`. Matching the decoded path would split it in two; so for `/v1/`
the middleware hands the router the raw path, and the `scale_name` convertor decodes a matched
name segment once.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import quote, unquote

from starlette.convertors import Convertor, register_url_convertor
from starlette.types import ASGIApp, Receive, Scope, Send

from quorum.services.errors import InvalidRequest

PREFIX = "/v1/"


class RawScalePaths:
    """ASGI middleware: route `/v1/` requests on their raw (still percent-encoded) path."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].startswith(PREFIX) and scope.get("raw_path"):
            scope = {**scope, "path": scope["raw_path"].decode("latin-1")}
        await self.app(scope, receive, send)


class NameConvertor(Convertor[str]):
    """One percent-encoded path segment, decoded."""

    regex = "[^/]+"

    def convert(self, value: str) -> str:
        return unquote(value)

    def to_string(self, value: str) -> str:
        return quote(value, safe="")


register_url_convertor("scale_name", NameConvertor())


def parse_time(value: str | None, name: str) -> dt.datetime | None:
    """An ISO 8601 date or time (no zone: UTC) as naive UTC; 400 naming the parameter."""
    if value is None or value == "":
        return None
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        raise InvalidRequest(
            f"{name} must be an ISO 8601 date or time such as 2021-04-25T03:14:15Z"
        ) from None
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(dt.UTC).replace(tzinfo=None)
    return parsed


def parse_bool(value: Any, name: str) -> bool | None:
    """`requests` sends booleans as `True`/`False`; accept any case."""
    if value is None or isinstance(value, bool):
        return value
    lowered = str(value).lower()
    if lowered in ("true", "1"):
        return True
    if lowered in ("false", "0", ""):
        return False
    raise InvalidRequest(f"{name} must be true or false")
