"""Browser sessions as signed, expiring tokens: no session table, nothing kept in memory.

A token is `user_id.expires.signature`, the signature an HMAC-SHA256 under the server secret
over the user id, the expiry and the user's current password hash, so changing a password ends
every session of that user. Each request re-reads the user, so a role change or a deactivation
takes effect at once. The CSRF token of a session is derived from the session token, so a page
can carry it without the server storing anything.

The secret is `QUORUM_SECRET_KEY`, else a random key created once in the data directory; several
servers on different machines must share one (set the variable).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import time
from functools import lru_cache
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from quorum.db.models import User
from quorum.services.users import Principal, Role

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


def _signature(secret: bytes, user_id: int, expires: int, password_hash: str) -> str:
    message = f"{user_id}.{expires}.{password_hash}".encode()
    return hmac.new(secret, message, hashlib.sha256).hexdigest()


def issue(session: Session, secret: bytes, principal: Principal, lifetime_s: int) -> str:
    """A session token for a user who just proved their password."""
    password_hash = session.scalar(select(User.password_hash).where(User.id == principal.user_id))
    expires = int(time.time()) + lifetime_s
    signature = _signature(secret, principal.user_id, expires, password_hash or "")
    return f"{principal.user_id}.{expires}.{signature}"


def resolve(session: Session, secret: bytes, token: str) -> Principal | None:
    """The principal of a valid, unexpired token of an active user; None otherwise."""
    parts = token.split(".")
    if len(parts) != 3 or not parts[0].isdigit() or not parts[1].isdigit():
        return None
    user_id, expires = int(parts[0]), int(parts[1])
    if expires < time.time():
        return None
    row = session.execute(
        select(User.name, User.role, User.is_active, User.password_hash).where(User.id == user_id)
    ).first()
    if row is None or not row.is_active or not row.password_hash:
        return None
    expected = _signature(secret, user_id, expires, row.password_hash)
    if not hmac.compare_digest(expected, parts[2]):
        return None
    return Principal(user_id, row.name, Role(row.role))


def csrf_token(secret: bytes, token: str) -> str:
    """The CSRF token that goes with a session token."""
    return hmac.new(secret, f"csrf.{token}".encode(), hashlib.sha256).hexdigest()


def csrf_ok(secret: bytes, token: str, presented: str | None) -> bool:
    return bool(presented) and hmac.compare_digest(csrf_token(secret, token), presented)
