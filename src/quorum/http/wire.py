"""JSON on the wire: orjson, datetimes as ISO 8601 UTC with a `Z`."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any

import orjson
from fastapi.datastructures import DefaultPlaceholder
from fastapi.responses import JSONResponse, Response

from quorum.http.safe_input import SafeRoute

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

    FastAPI would otherwise validate it against `response_model` and pass it through
    `jsonable_encoder`, which is slow on large lists and writes datetimes without their `Z`.
    So `response_model` only documents the success body in the OpenAPI document.
    """

    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        model = kwargs.pop("response_model", None)
        if model is not None and not isinstance(model, DefaultPlaceholder):
            status = kwargs.get("status_code") or 200
            responses = dict(kwargs.get("responses") or {})
            responses[status] = {**responses.get(status, {}), "model": model}
            kwargs["responses"] = responses
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
