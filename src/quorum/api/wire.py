"""JSON on the wire: orjson, datetimes as ISO 8601 UTC with a `Z`."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any

import orjson
from fastapi.responses import JSONResponse, Response

from quorum.api.safe_input import SafeRoute

OPTIONS = orjson.OPT_NAIVE_UTC | orjson.OPT_UTC_Z | orjson.OPT_NON_STR_KEYS


class JSON(JSONResponse):
    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content, option=OPTIONS)


def error_body(message: str, errors: list[Any] | None = None) -> dict[str, Any]:
    """`{"error": message}` (the shape Scale's client reads) plus field errors when known."""
    body: dict[str, Any] = {"error": message}
    if errors:
        body["errors"] = [{"loc": str(e.loc), "msg": e.msg} for e in errors]
    return body


class JSONRoute(SafeRoute):
    """A route whose endpoint's plain return value is rendered by `JSON` as it is.

    FastAPI would otherwise pass it through `jsonable_encoder` first, which is slow on large
    lists and writes datetimes without their `Z`.
    """

    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        kwargs["response_model"] = None
        super().__init__(path, _wrap(endpoint), **kwargs)


def _wrap(endpoint: Callable[..., Any]) -> Callable[..., Any]:
    if inspect.iscoroutinefunction(endpoint):

        @functools.wraps(endpoint)
        async def async_endpoint(*args: Any, **kwargs: Any) -> Any:
            return _as_response(await endpoint(*args, **kwargs))

        return async_endpoint

    @functools.wraps(endpoint)
    def sync_endpoint(*args: Any, **kwargs: Any) -> Any:
        return _as_response(endpoint(*args, **kwargs))

    return sync_endpoint


def _as_response(result: Any) -> Any:
    return result if isinstance(result, Response) else JSON(result)
