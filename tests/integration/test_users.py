"""Users, roles and keys on both databases."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from quorum.db.models import ApiKey, User
from quorum.services import users
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


def test_duplicate_names_and_bad_roles_are_refused(db):
    with db.session(write=True) as s:
        users.create_user(s, "bob", "reviewer")
        with pytest.raises(Conflict):
            users.create_user(s, "bob", "annotator")
        with pytest.raises(InvalidRequest, match="roles: annotator, reviewer, manager, admin"):
            users.create_user(s, "eve", "boss")
        assert users.set_role(s, "bob", "manager")["role"] == "manager"
        assert [u["name"] for u in users.list_users(s)] == ["bob"]
