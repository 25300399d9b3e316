"""Two live servers on one database: a change to who may do what, made through one, holds on
the very next request to the other (no server keeps a copy of a key's user or role)."""

from __future__ import annotations

import re

import httpx
from sqlalchemy import update

from quorum.db.engine import Database
from quorum.db.models import ApiKey, User, utcnow
from quorum.services.accounts import users
from tests import factories as make
from tests.conftest import serve

PASSWORD = "across-servers-password"
CSRF = re.compile(r'name="csrf-token" content="([0-9a-f]+)"')


def test_access_changes_hold_on_the_next_request_to_another_server(live_server):
    with make.session_at(live_server.db_url) as s:
        make.project(s)
        root = make.person(s, "root", "admin", password=PASSWORD).headers
        boss = make.person(s, "boss", "manager", password=PASSWORD).headers
        ann = make.person(s, "ann", password=PASSWORD, projects=["p"]).headers
        make.tasks(s, n=5)
    db = Database(live_server.db_url, pool_size=1)
    with (
        serve(live_server.db_url, live_server.env) as other,
        httpx.Client(base_url=live_server.url) as one,
        httpx.Client(base_url=other.url) as two,
    ):
        # A demoted manager: the other server refuses the next manager request.
        assert two.get("/api/users", headers=boss).status_code == 200
        assert one.post("/api/users/boss/role", json={"role": "annotator"}, headers=root).is_success
        assert two.get("/api/users", headers=boss).status_code == 403

        # A blocked annotator gets no more tasks there.
        assert two.post("/api/projects/p/next", headers=ann).status_code == 200
        assert one.post("/api/projects/p/annotators/ann/block", headers=root).is_success
        blocked = two.post("/api/projects/p/next", headers=ann)
        assert blocked.status_code == 403 and "blocked" in blocked.json()["error"]

        # A revoked key and a deactivated user (no route changes these yet: the database does).
        assert two.get("/api/me", headers=ann).status_code == 200
        with db.begin() as s:
            s.execute(
                update(ApiKey).where(ApiKey.user_id == _id(s, "ann")).values(revoked_at=utcnow())
            )
        assert two.get("/api/me", headers=ann).status_code == 401
        assert two.get("/api/me", headers=boss).status_code == 200
        with db.begin() as s:
            s.execute(update(User).where(User.name == "boss").values(is_active=False))
        assert two.get("/api/me", headers=boss).status_code == 401

        # Browser sessions: ended by an admin on one server, and by logging out on it.
        for end in ("admin", "logout"):
            two.cookies.clear()
            login = two.post("/login", data={"name": "ann", "password": PASSWORD},
                             headers={"Origin": other.url})  # fmt: skip
            assert login.status_code == 303, login.text
            cookie = two.cookies["quorum_session"]
            assert two.get("/api/me").status_code == 200
            if end == "admin":
                assert one.post("/api/users/ann/sessions/revoke", headers=root).is_success
            else:
                token = CSRF.search(two.get("/stats").text).group(1)
                out = one.post(
                    "/logout", data={"csrf": token}, headers={"Cookie": f"quorum_session={cookie}"}
                )
                assert out.status_code == 303
            assert (
                two.get("/api/me", headers={"Cookie": f"quorum_session={cookie}"}).status_code
                == 401
            ), end
    db.dispose()


def _id(session, name: str) -> int:
    return users.get_user(session, name).id
