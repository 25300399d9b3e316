"""Request input that the databases cannot store is refused at the door with 400 naming it.

`SafeRoute` is the route class of every router: before the endpoint runs it checks the path
and query parameters, and it hands FastAPI a `SafeRequest`, whose JSON body and form fields
obey the rules of `quorum.formats.safe_json` (no U+0000, no lone surrogates, integers within
64 bits, no NaN, bounded nesting). `DbInt` bounds ids, offsets and limits taken from a path or
a query to the signed 64-bit range that both databases store.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Annotated, Any

from annotated_types import Interval
from fastapi import Request, Response
from fastapi.routing import APIRoute
from starlette.datastructures import FormData, UploadFile
from starlette.exceptions import HTTPException
from starlette.types import Message, Receive

from quorum.formats import safe_json
from quorum.formats.safe_json import INT64_MAX, INT64_MIN, UnsafeJSON, text_problem

DbInt = Annotated[int, Interval(ge=INT64_MIN, le=INT64_MAX)]


class BadInput(HTTPException):
    """400 naming where the input is at fault (`body.metadata.note`, `query.project`)."""

    def __init__(self, loc: str, msg: str) -> None:
        super().__init__(400, f"{loc}: {msg}")
        self.loc, self.msg = loc, msg


class BodyTooLarge(HTTPException):
    """413: the body passes the bound of its kind (`setting` names the variable that sets it)."""

    def __init__(self, limit: int, setting: str) -> None:
        super().__init__(413, f"body: larger than the limit of {limit:,} bytes ({setting})")


def bounded_receive(request: Request, limit: int, setting: str) -> Receive:
    """The request's ASGI `receive`, raising BodyTooLarge as soon as the body passes `limit`:
    at once, before reading any of it, if Content-Length says it will; else at the chunk that
    passes it, so no more than `limit` bytes are ever held."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise BodyTooLarge(limit, setting)
    seen = 0

    async def receive() -> Message:
        nonlocal seen
        message = await request.receive()
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > limit:
                raise BodyTooLarge(limit, setting)
        return message

    return receive


def parse_json(raw: bytes | bytearray) -> Any:
    """A JSON request body, or `BadInput` naming what in it cannot be stored."""
    try:
        return safe_json.loads(raw)
    except UnsafeJSON as exc:
        raise BadInput(f"body.{exc.loc}" if exc.loc else "body", exc.msg) from None


class SafeRequest(Request):
    async def json(self) -> Any:
        if not hasattr(self, "_json"):
            self._json = parse_json(await self.body())
        return self._json

    async def _get_form(self, **limits: Any) -> FormData:
        form = await super()._get_form(**limits)
        for key, value in form.multi_items():
            # A file's bytes may be anything; its name and type are text that gets stored.
            texts = [(f"form.{key}", key)]
            if isinstance(value, UploadFile):
                texts += [(f"form.{key}.filename", value.filename or "")]
                texts += [(f"form.{key}.type", value.content_type or "")]
            else:
                texts += [(f"form.{key}", value)]
            for loc, text in texts:
                problem = text_problem(text)
                if problem is not None:
                    raise BadInput(loc, problem)
        return form


def check_params(request: Request) -> None:
    """Path and query parameters may not hold U+0000 (percent-decoding cannot make a lone
    surrogate)."""
    for name, value in request.path_params.items():
        if isinstance(value, str) and "\x00" in value:
            raise BadInput(f"path.{name}", text_problem(value) or "")
    if b"%00" in request.scope.get("query_string", b""):
        for name, value in request.query_params.multi_items():
            problem = text_problem(name) or text_problem(value)
            if problem is not None:
                raise BadInput(f"query.{name}", problem)


class SafeRoute(APIRoute):
    """The route class every router uses (a test holds the app to it). A body that FastAPI
    parses as one JSON document (a route with a body model) is bounded by
    `QUORUM_MAX_JSON_BYTES`; a body an endpoint reads raw is bounded as it reads it (`deps`)."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()
        parses_json = self.body_field is not None

        async def safe_handler(request: Request) -> Response:
            check_params(request)
            receive = request.receive
            if parses_json:
                limit = request.app.state.settings.max_json_bytes
                receive = bounded_receive(request, limit, "QUORUM_MAX_JSON_BYTES")
            return await handler(SafeRequest(request.scope, receive))

        return safe_handler
