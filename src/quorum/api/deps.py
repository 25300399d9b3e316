"""Request dependencies: the database session, the calling principal and role checks."""

from __future__ import annotations

import base64
import binascii
import time
from collections.abc import AsyncIterator, Callable

from fastapi import Depends, Request
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from quorum.api import cookie_auth
from quorum.db.engine import Database
from quorum.services import users
from quorum.services.errors import Forbidden, ServiceError, Unauthorized
from quorum.services.users import Principal, Role

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class BodyTooLarge(ServiceError):
    status = 413


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
    principal = _recent_keys.get(key)
    if principal is None:
        principal = await run_in_threadpool(_authenticate, request.app.state.db, key)
        _recent_keys.put(key, principal)
    request.state.principal = principal
    return principal


def _authenticate(db: Database, key: str) -> Principal:
    # A read session of its own: the request's session may be a writer's, and must not hold
    # SQLite's write lock while the body is still arriving.
    with db.session() as session:
        return users.authenticate_key(session, key)


class _RecentKeys:
    """Keys this process authenticated in the last few seconds, so that the annotator loop
    does not look its key up twice per task. A role change or a new block takes effect within
    `ttl` seconds; nothing here is needed by another process."""

    def __init__(self, ttl: float = 10.0, size: int = 10_000) -> None:
        self.ttl, self.size = ttl, size
        self._entries: dict[str, tuple[float, Principal]] = {}

    def get(self, key: str) -> Principal | None:
        entry = self._entries.get(key)
        if entry is None or entry[0] < time.monotonic():
            return None
        return entry[1]

    def put(self, key: str, principal: Principal) -> None:
        if len(self._entries) >= self.size:
            self._entries.clear()
        self._entries[key] = (time.monotonic() + self.ttl, principal)


_recent_keys = _RecentKeys()


def require(role: Role) -> Callable[..., Principal]:
    """A dependency that lets through callers whose role is at least `role`."""

    async def check(principal: Principal = Depends(get_principal)) -> Principal:
        if not principal.role.at_least(role):
            raise Forbidden(f"this needs the {role.value} role or higher")
        return principal

    check.__name__ = f"require_{role.value}"
    check.role = role  # type: ignore[attr-defined]  # read by quorum.api.openapi
    return check


any_user = require(Role.annotator)
manager = require(Role.manager)
admin = require(Role.admin)


async def read_body(request: Request) -> bytes:
    """The request body, refused with 413 once it passes the configured bound."""
    limit = request.app.state.settings.max_upload_bytes
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise BodyTooLarge(f"body is larger than the limit of {limit} bytes")
    chunks = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise BodyTooLarge(f"body is larger than the limit of {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)
