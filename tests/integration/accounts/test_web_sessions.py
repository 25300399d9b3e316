"""Ending browser sessions on the server, on both databases: logging out one session, an admin
ending all of a user's sessions, and the revocation table purging itself."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from quorum.db.models import RevokedSession, User, utcnow
from quorum.services.accounts import web_sessions
from quorum.services.accounts.users import Principal, Role

SECRET = b"test-secret"
HOUR = 3600


def _token(session, name: str, lifetime_s: int = HOUR) -> str:
    user_id = session.scalar(select(User.id).where(User.name == name))
    return web_sessions.issue(SECRET, Principal(user_id, name, Role.annotator), lifetime_s)


def _log_in(client, name: str) -> str:
    """Sign `name` in through the login form; the CSRF token its pages carry."""
    client.cookies.clear()
    response = client.post(
        "/login", data={"name": name, "password": f"{name}-password"}, follow_redirects=False
    )
    assert response.status_code == 303, response.text
    return client.get("/stats").text.split('name="csrf-token" content="')[1].split('"')[0]


def test_logout_revokes_only_that_session(db, accounts):
    with db.session(write=True) as s:
        first, second = _token(s, "annotator"), _token(s, "annotator")
        assert web_sessions.resolve(s, SECRET, first).name == "annotator"
        web_sessions.revoke(s, SECRET, first)
        web_sessions.revoke(s, SECRET, first)  # a second logout of the same cookie is a no-op
        assert web_sessions.resolve(s, SECRET, first) is None
        assert web_sessions.resolve(s, SECRET, second).name == "annotator"
        [row] = s.scalars(select(RevokedSession)).all()
        expires = int(first.split(".")[3])
        assert row.expires_at == dt.datetime.fromtimestamp(expires, dt.UTC).replace(tzinfo=None)


def test_forged_or_malformed_tokens_resolve_to_nobody_and_revoke_nothing(db, accounts):
    with db.session(write=True) as s:
        token = _token(s, "annotator")
        payload, _, signature = token.rpartition(".")
        user_id, rest = payload.split(".", 1)
        for bad in (f"{int(user_id) + 1}.{rest}.{signature}", "x", "1.2.3.4.5", token + "é"):
            assert web_sessions.resolve(s, SECRET, bad) is None, bad
            web_sessions.revoke(s, SECRET, bad)
        assert web_sessions.resolve(s, b"other-secret", token) is None
        assert s.scalars(select(RevokedSession)).all() == []


def test_logout_ends_the_session_on_the_server(client, accounts):
    csrf = _log_in(client, "annotator")
    cookie = client.cookies["quorum_session"]
    assert client.post("/logout", data={"csrf": csrf}, follow_redirects=False).status_code == 303
    client.cookies.set("quorum_session", cookie)  # a copy of the cookie, replayed
    response = client.get("/api/me")
    assert response.status_code == 401 and "log in again" in response.json()["error"]
    page = client.get("/work", follow_redirects=False)
    assert page.headers["location"] == "/login?next=/work"


def test_expired_revocations_are_purged_on_the_next_logout(db, accounts):
    with db.session(write=True) as s:
        user_id = s.scalar(select(User.id).where(User.name == "annotator"))
        past = utcnow() - dt.timedelta(seconds=1)
        s.add(RevokedSession(id="0" * 32, user_id=user_id, expires_at=past))
        s.add(RevokedSession(id="1" * 32, user_id=user_id, expires_at=past + dt.timedelta(hours=1)))
        s.commit()
        token = _token(s, "annotator")
        web_sessions.revoke(s, SECRET, token)
        kept = set(s.scalars(select(RevokedSession.id)))
        assert kept == {"1" * 32, token.split(".")[1]}


def test_ending_all_sessions_refuses_older_tokens_only(db, accounts):
    with db.session(write=True) as s:
        mine, theirs = _token(s, "annotator"), _token(s, "reviewer")
        assert web_sessions.end_all(s, "annotator")["user"] == "annotator"
        assert web_sessions.resolve(s, SECRET, mine) is None
        assert web_sessions.resolve(s, SECRET, theirs).name == "reviewer"
        fresh = _token(s, "annotator")
        assert web_sessions.resolve(s, SECRET, fresh).name == "annotator"


def test_admin_route_ends_all_sessions_of_a_user(client, accounts):
    _log_in(client, "reviewer")
    assert client.get("/api/me").status_code == 200
    route = "/api/users/reviewer/sessions/revoke"
    refused = client.post(route, headers=accounts["manager"].headers)
    assert refused.status_code == 403 and "admin role" in refused.json()["error"]
    missing = client.post("/api/users/nobody/sessions/revoke", headers=accounts["admin"].headers)
    assert missing.status_code == 404 and "nobody" in missing.json()["error"]
    done = client.post(route, headers=accounts["admin"].headers)
    assert done.status_code == 200 and done.json()["user"] == "reviewer"
    assert client.get("/api/me").status_code == 401
    _log_in(client, "reviewer")  # logging in again works at once
    assert client.get("/api/me").json()["name"] == "reviewer"
    # API keys are not browser sessions: they keep working.
    assert client.get("/api/me", headers=accounts["reviewer"].headers).status_code == 200
