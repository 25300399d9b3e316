"""The session cookie's flags, CSRF protection, login, logout and ending sessions on the
server, and that nothing an annotator's browser receives reveals gold tasks or their expected
answers."""

from __future__ import annotations

import re

import httpx

from quorum.db.engine import Database
from quorum.db.models import Task
from quorum.services.projects import catalog
from quorum.services.tasks import creation
from tests.e2e.web_data import PASSWORD

CSRF = re.compile(r'name="csrf-token" content="([0-9a-f]+)"')


def _login(client: httpx.Client, name: str = "ann", **headers: str) -> httpx.Response:
    return client.post("/login", data={"name": name, "password": PASSWORD}, headers=headers)


def test_cookie_flags_csrf_and_logout(web):
    with httpx.Client(base_url=web.url) as client:
        wrong = client.post("/login", data={"name": "ann", "password": "nope"})
        assert wrong.status_code == 401 and "set-cookie" not in wrong.headers
        forged = _login(client, Origin="http://evil.example")
        assert forged.status_code == 403 and "set-cookie" not in forged.headers

        response = _login(client, Origin=web.url)
        assert response.status_code == 303
        cookie = response.headers["set-cookie"].lower()
        assert "httponly" in cookie and "samesite=lax" in cookie and "path=/" in cookie
        assert "secure" not in cookie  # plain http here; see the https test below
        page = client.get("/work")
        assert "script-src 'self'" in page.headers["content-security-policy"]
        token = CSRF.search(page.text).group(1)

        assert client.get("/api/me").json()["name"] == "ann"
        claim = "/api/projects/feedback/next"
        assert client.post(claim).status_code == 403
        assert client.post(claim, headers={"X-CSRF-Token": "0" * 64}).status_code == 403
        assert client.post(claim, headers={"X-CSRF-Token": token}).status_code == 200

        session = client.cookies["quorum_session"]
        user_id, rest = session.split(".", 1)
        client.cookies.set("quorum_session", f"{int(user_id) + 1}.{rest}")
        assert client.get("/api/me").status_code == 401
        client.cookies.set("quorum_session", session)

        assert client.post("/logout", data={"csrf": "forged"}).status_code == 403
        out = client.post("/logout", data={"csrf": token})
        assert out.status_code == 303 and 'quorum_session=""' in out.headers["set-cookie"]
        client.cookies.clear()
        assert client.get("/work").headers["location"] == "/login?next=/work"
    # A copy of the cookie taken before the logout is dead on the server too.
    replay = httpx.get(f"{web.url}/api/me", cookies={"quorum_session": session})
    assert replay.status_code == 401, replay.text


def test_admin_ending_all_sessions_logs_an_open_browser_out(login, web):
    page = login("ann")
    other = login("rev")
    ended = web.cli("users", "revoke-sessions", "ann")
    assert ended.returncode == 0, ended.stderr
    page.goto("/stats")
    page.wait_for_url("**/login?next=/stats")
    page.get_by_label("User name").wait_for()
    other.goto("/stats")  # another user's session is untouched
    assert other.url.endswith("/stats")


def test_secure_cookie_over_https(client, accounts):
    client.base_url = "https://testserver"
    response = client.post(
        "/login",
        data={"name": "annotator", "password": "annotator-password"},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert "secure" in response.headers["set-cookie"].lower()


def test_login_never_redirects_off_site(web):
    with httpx.Client(base_url=web.url) as client:
        for target in ("//evil.example/x", "https://evil.example", "/\\evil.example"):
            response = client.post(
                "/login", data={"name": "ann", "password": PASSWORD, "next": target}
            )
            assert response.headers["location"] == "/", target


def test_annotator_pages_never_reveal_gold(login, web):
    db = Database(web.db_url, pool_size=1)
    with db.session(write=True) as session:
        catalog.create_project(
            session, "quiz", "categorization", params={"categories": ["Defect", "Praise"]},
            policy={"min_overlap": 1, "max_overlap": 1, "qualification_count": 1},
        )  # fmt: skip
        catalog.add_member(session, "quiz", "ann", "annotator")
        creation.create_tasks(
            session,
            "quiz",
            [
                {"attachment": "Gold-check message.", "gold": {"category": "Praise"}},
                {"attachment": "An ordinary message."},
            ],
        )
    db.dispose()
    page = login("ann")
    bodies = []
    page.on("response", lambda r: bodies.append(r.text()) if r.request.resource_type in (
        "document", "fetch", "xhr") else None)  # fmt: skip
    page.goto("/work/quiz")
    page.get_by_text("Gold-check message.").wait_for()
    page.shot("workspace-gold-task")
    dom = [page.content()]
    page.keyboard.press("2")  # the right answer: a wrong one would fail the qualification
    page.keyboard.press("Enter")
    page.get_by_text("An ordinary message.").wait_for()
    page.keyboard.press("1")
    page.keyboard.press("Enter")
    page.get_by_text("Nothing left for you here").wait_for()
    for path in ("/work", "/stats"):
        page.goto(path)
        page.wait_for_load_state("networkidle")
        dom.append(page.content())
    seen = "\n".join(bodies + dom)
    assert "Gold-check message." in seen  # the gold task itself was shown, like any other
    for secret in ("is_gold", "expected_response", '"category":"Praise"', '"gold"'):
        assert secret not in seen, secret


def test_only_http_links_open_from_attachments(login, web):
    """A `javascript:` attachment stored before the server refused them is shown as text,
    never as a link; http(s) and Quorum's own file paths are links."""
    db = Database(web.db_url, pool_size=1)
    with db.session(write=True) as session:
        catalog.create_project(
            session, "docs", "textcollection",
            params={"fields": [{"type": "text", "field_id": "note", "title": "Note"}]},
            policy={"min_overlap": 1, "max_overlap": 1},
        )  # fmt: skip
        catalog.add_member(session, "docs", "ann", "annotator")
        own = "/api/files/0123456789abcdef01234567"
        attachments = [
            {"type": "website", "content": "https://example.com/page"},
            {"type": "pdf", "content": own},
        ]
        [task_id] = creation.create_tasks(session, "docs", [{"attachments": attachments}])
        # As an older task would hold it: written past today's validation.
        hostile = [*attachments, {"type": "pdf", "content": "javascript:alert(document.cookie)"}]
        task = session.get(Task, task_id)
        task.params = {**task.params, "attachments": hostile}
        session.commit()
    db.dispose()
    page = login("ann")
    page.goto("/work/docs")
    page.get_by_text("is not an http(s) link").wait_for()
    page.shot("workspace-refused-link")
    hrefs = page.locator("#task a[href]").evaluate_all("links => links.map(a => a.href)")
    assert hrefs == ["https://example.com/page", f"{web.url}{own}"]
    assert page.locator("a[href^='javascript' i]").count() == 0
    assert page.get_by_text("javascript:alert(document.cookie)").count() == 1
