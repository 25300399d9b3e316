"""Browser sessions as signed, expiring tokens, with server-side ends.

A token is `user_id.session_id.issued_ms.expires.signature`, the signature an HMAC-SHA256
under the server secret over everything before it, so a server can check a token without
storing it. Ending a session needs state, kept as small as the problem allows:

- logging out records the session id in `revoked_sessions` until the token's own expiry (rows
  past it are deleted on the next logout, so the table holds only live revoked sessions);
- ending all of a user's sessions (`end_all`: the admin route and CLI; a password change, once
  there is one, must call it too) sets the user's `sessions_not_before`, which refuses every
  token issued up to that moment.

Each request re-reads the user in one query that also probes `revoked_sessions` by primary key,
so a logout, a role change or a deactivation takes effect at once on every server. The CSRF
token of a session is derived from the session token, so a page can carry it without the server
storing anything.

The secret is `QUORUM_SECRET_KEY`, else a random key created once in the data directory; several
servers on different machines must share one (set the variable).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import os
import secrets
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from sqlalchemy import delete, exists, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from quorum.db.models import RevokedSession, User, utcnow
from quorum.services.accounts.users import Principal, Role, get_user

SECRET_FILE = "session-secret"


def server_secret(configured: str | None, data_dir: Path) -> bytes:
    """The configured secret, else the one in the data directory (created on first use)."""
    if configured:
        return configured.encode()
    return _secret_file(data_dir.resolve())


@lru_cache(maxsize=4)
def _secret_file(data_dir: Path) -> bytes:
    path = data_dir / SECRET_FILE
    data_dir.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_bytes().strip()
    with os.fdopen(fd, "w") as handle:
        handle.write(secrets.token_hex(32))
    return path.read_bytes().strip()


@dataclass(frozen=True, slots=True)
class _Token:
    user_id: int
    session_id: str
    issued_ms: int
    expires: int


def _sign(secret: bytes, payload: str) -> str:
    return hmac.new(secret, payload.encode(), hashlib.sha256).hexdigest()


def _same(expected: str, presented: str) -> bool:
    # Bytes: compare_digest refuses non-ASCII str, which a cookie or header may carry.
    return hmac.compare_digest(expected.encode(), presented.encode())


def _parse(secret: bytes, token: str) -> _Token | None:
    """The fields of a well-signed, unexpired token; None for anything else."""
    payload, _, signature = token.rpartition(".")
    parts = payload.split(".")
    if len(parts) != 4 or not _same(_sign(secret, payload), signature):
        return None
    user_id, session_id, issued_ms, expires = parts
    if not (user_id.isdigit() and issued_ms.isdigit() and expires.isdigit()):
        return None
    if int(expires) < time.time():
        return None
    return _Token(int(user_id), session_id, int(issued_ms), int(expires))


def _epoch_ms(moment: dt.datetime) -> int:
    return int(moment.replace(tzinfo=dt.UTC).timestamp() * 1000)


def issue(secret: bytes, principal: Principal, lifetime_s: int) -> str:
    """A session token for a user who just proved their password."""
    issued_ms = time.time_ns() // 1_000_000
    expires = issued_ms // 1000 + lifetime_s
    payload = f"{principal.user_id}.{secrets.token_hex(16)}.{issued_ms}.{expires}"
    return f"{payload}.{_sign(secret, payload)}"


def resolve(session: Session, secret: bytes, token: str) -> Principal | None:
    """The principal of a valid, unexpired, unrevoked token of an active user; None otherwise."""
    parsed = _parse(secret, token)
    if parsed is None:
        return None
    revoked = exists().where(RevokedSession.id == parsed.session_id)
    row = session.execute(
        select(
            User.name,
            User.role,
            User.is_active,
            User.password_hash,
            User.sessions_not_before,
            revoked.label("revoked"),
        ).where(User.id == parsed.user_id)
    ).first()
    if row is None or row.revoked or not row.is_active or not row.password_hash:
        return None
    # `<=`: a token from the very millisecond of the cut-off may predate it.
    if row.sessions_not_before and parsed.issued_ms <= _epoch_ms(row.sessions_not_before):
        return None
    return Principal(parsed.user_id, row.name, Role(row.role))


def revoke(session: Session, secret: bytes, token: str) -> None:
    """End one session on every server (logging out); a dead or forged token needs nothing."""
    parsed = _parse(secret, token)
    if parsed is None:
        return
    now = utcnow()
    session.execute(delete(RevokedSession).where(RevokedSession.expires_at < now))
    expires_at = dt.datetime.fromtimestamp(parsed.expires, dt.UTC).replace(tzinfo=None)
    session.add(RevokedSession(id=parsed.session_id, user_id=parsed.user_id, expires_at=expires_at))
    try:
        session.commit()
    except IntegrityError:  # the same cookie logged out twice at once: already revoked
        session.rollback()


def end_all(session: Session, name: str) -> dict:
    """End every session user `name` has open now (a lost laptop, a leaked cookie)."""
    user = get_user(session, name)
    user.sessions_not_before = utcnow()
    session.commit()
    return {"user": user.name, "sessions_not_before": user.sessions_not_before}


def csrf_token(secret: bytes, token: str) -> str:
    """The CSRF token that goes with a session token."""
    return hmac.new(secret, f"csrf.{token}".encode(), hashlib.sha256).hexdigest()


def csrf_ok(secret: bytes, token: str, presented: str | None) -> bool:
    if not presented:
        return False
    return _same(csrf_token(secret, token), presented)
