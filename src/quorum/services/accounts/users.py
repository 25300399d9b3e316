"""Users, roles, passwords and API keys.

Keys are shown once at creation and stored as SHA-256 digests (they are 32 random bytes, so a
slow hash buys nothing and would cost every request). Passwords use argon2.
"""

from __future__ import annotations

import enum
import hashlib
import secrets
from dataclasses import dataclass
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Connection, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from quorum.db import loop
from quorum.db.models import ApiKey, User, utcnow
from quorum.services.errors import Conflict, InvalidRequest, NotFound, Unauthorized


class Role(enum.StrEnum):
    annotator = "annotator"
    reviewer = "reviewer"
    manager = "manager"
    admin = "admin"

    @property
    def rank(self) -> int:
        return _RANK[self]

    def at_least(self, other: Role) -> bool:
        return self.rank >= other.rank


_RANK = {Role.annotator: 0, Role.reviewer: 1, Role.manager: 2, Role.admin: 3}
_hasher = PasswordHasher()


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is calling: resolved from an API key or a web session."""

    user_id: int
    name: str
    role: Role
    is_test_key: bool = False


def parse_role(value: str) -> Role:
    try:
        return Role(value)
    except ValueError:
        raise InvalidRequest(
            f"unknown role {value!r}; roles: {', '.join(r.value for r in Role)}"
        ) from None


def _user_view(user: User) -> dict:
    return {
        "id": user.id,
        "name": user.name,
        "email": user.email,
        "role": user.role,
        "is_active": user.is_active,
        "created_at": user.created_at,
    }


def _check_password(password: str) -> str:
    if len(password) < 8:
        raise InvalidRequest("password must be at least 8 characters")
    return password


def create_user(
    session: Session,
    name: str,
    role: str,
    *,
    email: str | None = None,
    password: str | None = None,
) -> dict:
    name = name.strip()
    if not name:
        raise InvalidRequest("user name must not be empty")
    if password is not None:
        _check_password(password)
    user = User(
        name=name,
        email=email,
        role=parse_role(role).value,
        password_hash=_hasher.hash(password) if password else None,
    )
    session.add(user)
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        raise Conflict(f"a user named {name!r} (or with that email) already exists") from None
    return _user_view(user)


def get_user(session: Session, name: str) -> User:
    user = session.scalar(select(User).where(User.name == name))
    if user is None:
        raise NotFound(f"no user named {name!r}")
    return user


def list_users(session: Session) -> list[dict]:
    return [_user_view(u) for u in session.scalars(select(User).order_by(User.id))]


def keep_an_admin(session: Session, user: User, by: Principal | None, change: str) -> None:
    """Refuse (409) a change that takes an active admin away when it is the caller's own or
    the last one: Quorum must never be left without an admin who can let people in. `change`
    says what was asked with `{who}` for the user, e.g. "deactivate {who}"."""
    if user.role != Role.admin or not user.is_active:
        return
    if by is not None and by.user_id == user.id:
        raise Conflict(
            f"you cannot {change.format(who='yourself')}: an admin cannot lock themselves "
            "out (another admin can do it)"
        )
    admins = session.scalars(
        select(User.id).where(User.role == Role.admin, User.is_active).with_for_update()
    ).all()
    if list(admins) == [user.id]:
        raise Conflict(
            f"cannot {change.format(who=user.name)}: {user.name} is the last active admin "
            "(make another user an admin first)"
        )


def set_role(session: Session, name: str, role: str, *, by: Principal | None = None) -> dict:
    """Give user `name` a role; `by` (the admin asking, if any) cannot take away their own
    admin role, and nobody can take it from the last active admin."""
    user = get_user(session, name)
    new = parse_role(role)
    if new is not Role.admin:
        keep_an_admin(session, user, by, "take the admin role from {who}")
    user.role = new.value
    session.commit()
    return _user_view(user)


def set_password(session: Session, name: str, password: str) -> dict:
    """Give user `name` a new web password (a reset by an admin, or a first password); the
    browser sessions they had open end, so a leaked old password stops working everywhere."""
    user = get_user(session, name)
    user.password_hash = _hasher.hash(_check_password(password))
    user.sessions_not_before = utcnow()
    session.commit()
    return _user_view(user)


def set_active(session: Session, name: str, active: bool, *, by: Principal | None = None) -> dict:
    """Deactivate (or reactivate) user `name`. A deactivated user's keys, password and
    sessions stop working on the next request; their answers and history stay. `by` (the
    admin asking, if any) cannot deactivate themselves, nor anyone the last active admin."""
    user = get_user(session, name)
    if not active:
        keep_an_admin(session, user, by, "deactivate {who}")
    user.is_active = active
    if not active:
        user.sessions_not_before = utcnow()
    session.commit()
    return _user_view(user)


def _key_view(key: ApiKey) -> dict:
    return {
        "prefix": key.prefix,
        "is_test": key.is_test,
        "created_at": key.created_at,
        "revoked_at": key.revoked_at,
    }


def list_api_keys(session: Session, name: str) -> list[dict]:
    """User `name`'s keys, newest first: the prefix that identifies each, never the key."""
    user = get_user(session, name)
    keys = session.scalars(
        select(ApiKey).where(ApiKey.user_id == user.id).order_by(ApiKey.id.desc())
    )
    return [_key_view(k) for k in keys]


def revoke_api_key(session: Session, name: str, prefix: str) -> dict:
    """Revoke user `name`'s key that starts with `prefix` (as `list_api_keys` shows it)."""
    user = get_user(session, name)
    key = session.scalar(
        select(ApiKey).where(
            ApiKey.user_id == user.id, ApiKey.prefix == prefix, ApiKey.revoked_at.is_(None)
        )
    )
    if key is None:
        raise NotFound(f"user {name!r} has no active API key starting {prefix!r}")
    key.revoked_at = utcnow()
    session.commit()
    return _key_view(key)


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def create_api_key(session: Session, name: str, *, test: bool = False) -> str:
    """Make a new key for user `name` and return it; only its digest is kept."""
    user = get_user(session, name)
    key = f"{'test' if test else 'live'}_{secrets.token_urlsafe(32)}"
    session.add(ApiKey(user_id=user.id, key_hash=_digest(key), prefix=key[:12], is_test=test))
    session.commit()
    return key


def key_principal(conn: Connection, key: str) -> Principal:
    """Who holds the API key `key`, as the database says now (no cache: a role change, a
    deactivation or a revoked key holds on the next request, on every server); Unauthorized
    otherwise."""
    row = loop.KEY_PRINCIPAL.one(conn, {"digest": _digest(key)})
    if row is None or not row.is_active:
        raise Unauthorized("invalid API key")
    return Principal(row.id, row.name, Role(row.role), bool(row.is_test))


def authenticate_key(session: Session, key: str) -> Principal:
    return key_principal(session.connection(), key)


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    """A hash of no one's password, made with the current parameters."""
    return _hasher.hash(secrets.token_urlsafe(16))


def authenticate_password(session: Session, name: str, password: str) -> Principal:
    """The user whose name and password these are; Unauthorized otherwise.

    A name with no usable password is checked against a dummy hash, so that an unknown name
    costs as much time as a known one and the answer's timing does not tell which names exist.
    """
    user = session.scalar(select(User).where(User.name == name))
    stored = user.password_hash if user is not None and user.is_active else None
    try:
        _hasher.verify(stored or _dummy_hash(), password)
    except (VerificationError, InvalidHashError):
        raise Unauthorized("wrong user name or password") from None
    if user is None or not stored:
        raise Unauthorized("wrong user name or password")
    return Principal(user.id, user.name, Role(user.role))
