"""Users, roles and keys on both databases."""

from __future__ import annotations

import pytest
from argon2 import Parameters, PasswordHasher, extract_parameters
from sqlalchemy import select, update

from quorum.db.models import ApiKey, User
from quorum.services.accounts import users
from quorum.services.errors import Conflict, InvalidRequest, Unauthorized


def test_keys_are_stored_hashed_and_authenticate(db):
    with db.session(write=True) as s:
        users.create_user(s, "ann", "annotator")
        key = users.create_api_key(s, "ann")
        stored = s.scalars(select(ApiKey.key_hash)).all()
        assert key.startswith("live_") and len(key) > 40
        assert key not in stored and all(len(h) == 64 for h in stored)
        principal = users.authenticate_key(s, key)
        assert (principal.name, principal.role.value, principal.is_test_key) == (
            "ann",
            "annotator",
            False,
        )
        assert users.authenticate_key(s, users.create_api_key(s, "ann", test=True)).is_test_key
        with pytest.raises(Unauthorized):
            users.authenticate_key(s, key + "x")


def test_passwords_use_argon2(db):
    with db.session(write=True) as s:
        users.create_user(s, "mia", "manager", password="correct horse")
        stored = s.scalar(select(User.password_hash).where(User.name == "mia"))
        assert stored.startswith("$argon2")
        assert users.authenticate_password(s, "mia", "correct horse").role.value == "manager"
        with pytest.raises(Unauthorized):
            users.authenticate_password(s, "mia", "wrong horse")
        with pytest.raises(InvalidRequest):
            users.create_user(s, "short", "annotator", password="1234")


class CountingHasher(PasswordHasher):
    """argon2's real hasher, noting the parameters of every hash it verifies against."""

    def __init__(self) -> None:
        super().__init__()
        self.verified: list[Parameters] = []

    def verify(self, hash: str | bytes, password: str | bytes) -> bool:
        self.verified.append(extract_parameters(hash if isinstance(hash, str) else hash.decode()))
        return super().verify(hash, password)


def test_every_refused_login_costs_one_argon2_verification(db, monkeypatch):
    """An unknown name, a user without a password and a deactivated one cost the same argon2
    work as a wrong password, so the answer's timing does not tell which names exist."""
    hasher = CountingHasher()
    monkeypatch.setattr(users, "_hasher", hasher)
    with db.session(write=True) as s:
        users.create_user(s, "mia", "manager", password="correct horse")
        users.create_user(s, "keyonly", "annotator")
        users.create_user(s, "gone", "annotator", password="correct horse")
        s.execute(update(User).where(User.name == "gone").values(is_active=False))
        s.commit()
        stored = extract_parameters(s.scalar(select(User.password_hash).where(User.name == "mia")))
        for name in ("mia", "nobody", "keyonly", "gone"):
            hasher.verified.clear()
            with pytest.raises(Unauthorized, match="wrong user name or password"):
                users.authenticate_password(s, name, "wrong horse")
            assert hasher.verified == [stored], name
        with pytest.raises(Unauthorized):  # the right password of an inactive user: still no
            users.authenticate_password(s, "gone", "correct horse")


def test_duplicate_names_and_bad_roles_are_refused(db):
    with db.session(write=True) as s:
        users.create_user(s, "bob", "reviewer")
        with pytest.raises(Conflict):
            users.create_user(s, "bob", "annotator")
        with pytest.raises(InvalidRequest, match="roles: annotator, reviewer, manager, admin"):
            users.create_user(s, "eve", "boss")
        assert users.set_role(s, "bob", "manager")["role"] == "manager"
        assert [u["name"] for u in users.list_users(s)] == ["bob"]
