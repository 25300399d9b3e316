"""The browser's way in: the session cookie, checked like an API key, plus CSRF protection.

A request that changes something (any method but GET, HEAD, OPTIONS) and is authenticated by
the cookie must carry the page's CSRF token in `X-CSRF-Token`: another site can make a browser
send the cookie, but cannot read the token. Requests with an API key never use the cookie.
"""

from __future__ import annotations

from fastapi import Request
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from quorum.services.accounts import web_sessions
from quorum.services.accounts.users import Principal
from quorum.services.errors import Forbidden, Unauthorized

COOKIE = "quorum_session"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def secret(request: Request) -> bytes:
    settings = request.app.state.settings
    return web_sessions.server_secret(settings.secret_key, settings.data_dir)


def _resolve(session: Session, key: bytes, token: str) -> Principal | None:
    principal = web_sessions.resolve(session, key, token)
    # End the lookup's transaction, as the API-key path does (no write lock while reading).
    session.commit()
    return principal


async def session_principal(request: Request, session: Session) -> Principal | None:
    """The principal of a valid session cookie (None without a cookie); 401 when the cookie is
    stale, 403 when a state-changing request lacks the CSRF token."""
    token = request.cookies.get(COOKIE)
    if not token:
        return None
    key = secret(request)
    principal = await run_in_threadpool(_resolve, session, key, token)
    if principal is None:
        raise Unauthorized("your session has expired; log in again")
    if request.method not in SAFE_METHODS and not web_sessions.csrf_ok(
        key, token, request.headers.get(CSRF_HEADER)
    ):
        raise Forbidden(f"missing or wrong CSRF token (send the page's token as {CSRF_HEADER})")
    return principal
