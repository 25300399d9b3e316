"""Request dependencies: the database session, the calling principal, and the permission each
route declares (and checks, as far as the caller's role decides it)."""

from __future__ import annotations

import base64
import binascii
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from tempfile import SpooledTemporaryFile
from typing import Any

from fastapi import Depends, Request
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.types import Receive

from quorum.db.engine import Database
from quorum.http import cookie_auth
from quorum.http.safe_input import SafeRequest, bounded_receive
from quorum.services.accounts import permissions, users
from quorum.services.accounts.users import Principal
from quorum.services.errors import Forbidden, Unauthorized

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


async def get_db(request: Request) -> Database:
    return request.app.state.db


async def get_session(request: Request) -> AsyncIterator[Session]:
    """A session per request; writes (non-GET) take SQLite's write lock up front.

    Async, like the other dependencies here: making a session does no I/O, and each sync
    dependency would cost the request one more hop through the thread pool.
    """
    db: Database = request.app.state.db
    with db.session(write=request.method not in READ_METHODS) as session:
        yield session


def _key_from_header(header: str) -> str:
    scheme, _, value = header.partition(" ")
    scheme = scheme.lower()
    if scheme == "bearer" and value.strip():
        return value.strip()
    if scheme == "basic":
        try:
            decoded = base64.b64decode(value.strip(), validate=True).decode()
        except (binascii.Error, UnicodeDecodeError):
            raise Unauthorized("malformed Basic authorization header") from None
        key, _, _password = decoded.partition(":")
        if key:
            return key
    raise Unauthorized("send the API key as a Bearer token or as the Basic auth user name")


async def get_principal(request: Request) -> Principal:
    cached = getattr(request.state, "principal", None)
    if cached is not None:
        return cached
    header = request.headers.get("authorization")
    if not header:
        with request.app.state.db.session() as session:
            principal = await cookie_auth.session_principal(request, session)
        if principal is None:
            raise Unauthorized("missing API key (Authorization header)")
        request.state.principal = principal
        return principal
    key = _key_from_header(header)
    # Read afresh on every request, never cached: see users.key_principal.
    principal = await request.app.state.db.run_read(users.key_principal, key)
    request.state.principal = principal
    return principal


@dataclass(frozen=True, slots=True)
class Permission:
    """Who may call a route, as the route declares it through its dependency.

    `rule`, a predicate of `quorum.services.accounts.permissions` on the caller alone, is
    checked by the dependency: no caller is a 401, a caller it refuses a 403. None: the route
    needs no caller. `then` is the predicate that the route's service (or page) applies next,
    to what only it looks up: the caller's member role, a file's uploader, an assignment's
    holder. The route x role test reads both from the app's routes.
    """

    rule: permissions.Rule | None
    then: Callable[..., bool] | None = None


def declared(dependency: Callable[..., Any], permission: Permission) -> Callable[..., Any]:
    """`dependency`, recording the permission of the routes that depend on it."""
    # An attribute on the function: FastAPI keeps the callable, so the routes' tests can read it.
    dependency.permission = permission  # type: ignore[attr-defined]
    return dependency


async def _anyone() -> None:
    """Nothing to check: the route needs no caller."""


public = declared(_anyone, Permission(None))


def caller_for(then: Callable[..., bool]) -> Callable[..., Any]:
    """A dependency for the annotator loop's two busiest routes, whose service applies `then`:
    the caller as a principal (a browser session), or the API key itself, which the route's
    own write transaction then resolves as freshly as `get_principal` would
    (`users.authenticate_key`), sparing each claim and submission a database round trip and,
    on PostgreSQL, a hop to a thread and back."""

    async def get_caller(request: Request) -> Principal | str:
        header = request.headers.get("authorization")
        if not header:
            return await get_principal(request)
        return _key_from_header(header)

    return declared(get_caller, Permission(permissions.is_signed_in, then))


def require(
    rule: permissions.Rule, *, then: Callable[..., bool] | None = None
) -> Callable[..., Any]:
    """A dependency that lets through callers for whom `rule` holds (403 otherwise, naming the
    lowest role it lets in); `then` is the rule the route's service applies next."""
    lowest = permissions.lowest_role(rule)

    async def check(principal: Principal = Depends(get_principal)) -> Principal:
        if not rule(principal):
            raise Forbidden(f"this needs the {lowest.value} role or higher")
        return principal

    check.__name__ = f"require_{rule.__name__}"
    return declared(check, Permission(rule, then))


any_user = require(permissions.is_signed_in)
manager = require(permissions.can_manage)
admin = require(permissions.can_administer)


SPOOL_BYTES = 1 << 20
"""Bodies are written to disk in pieces of this size; up to it they stay in memory."""


def limited_receive(request: Request) -> Receive:
    """The request's ASGI `receive` within the upload bound (`QUORUM_MAX_UPLOAD_BYTES`): every
    way a raw body is read goes through it."""
    limit = request.app.state.settings.max_upload_bytes
    return bounded_receive(request, limit, "QUORUM_MAX_UPLOAD_BYTES")


def bounded(request: Request) -> Request:
    """The request, reading its body within the bound (`form()` included, its fields checked
    as every request's are)."""
    return SafeRequest(request.scope, limited_receive(request))


async def read_body(request: Request) -> bytearray:
    """The whole body in memory (for a JSON document, which is parsed whole anyway)."""
    body = bytearray()
    async for chunk in bounded(request).stream():
        body += chunk
    return body


@asynccontextmanager
async def spooled_body(request: Request) -> AsyncIterator[SpooledTemporaryFile[bytes]]:
    """The body in a temporary file, from its start, with memory bounded by `SPOOL_BYTES`
    whatever its size; the file is gone after the block. Disk writes run in a worker thread."""
    with SpooledTemporaryFile(max_size=SPOOL_BYTES) as spool:
        pending = bytearray()
        async for chunk in bounded(request).stream():
            pending += chunk
            if len(pending) >= SPOOL_BYTES:
                await run_in_threadpool(spool.write, pending)
                pending = bytearray()
        spool.write(pending)  # less than SPOOL_BYTES
        spool.seek(0)
        yield spool
