"""An admin runs users and background jobs from the browser: creates a user, sets their role
and password (with which they then log in), makes and revokes an API key, deactivates them
(their session and login end), and retries a callback that gave up. Managers and annotators
are refused the admin pages and are not shown the way to them."""

from __future__ import annotations

import time

import httpx
import pytest
from playwright.sync_api import expect

from quorum.services.accounts import users
from quorum.services.callbacks import settings as callback_settings
from tests.callback_receiver import receiver
from tests.e2e.accessibility import assert_accessible
from tests.e2e.web_data import PASSWORD
from tests.factories import session_at


@pytest.fixture(autouse=True)
def callbacks_give_up_at_once(settings_env):
    """Set before the live server starts: callbacks may go to this machine, and a delivery
    that fails is not retried (its retry window has passed), so its job fails at once."""
    settings_env(QUORUM_CALLBACK_ALLOW_PRIVATE="1", QUORUM_CALLBACK_RETRY_WINDOW_S="0")


def _admin(web) -> dict[str, str]:
    """An admin `root` (who logs in with the test password); the headers of their API key."""
    with session_at(web.db_url) as s:
        users.create_user(s, "root", "admin", password=PASSWORD)
        key = users.create_api_key(s, "root")
    return {"Authorization": f"Bearer {key}"}


def _password_login(web, name: str) -> int:
    response = httpx.post(f"{web.url}/login", data={"name": name, "password": PASSWORD})
    return response.status_code


def _until(check, timeout: float = 30.0):
    deadline = time.monotonic() + timeout
    while not (found := check()):
        assert time.monotonic() < deadline, "gave up waiting"
        time.sleep(0.2)
    return found


def test_admin_creates_a_user_and_controls_their_access(login, web):
    _admin(web)
    page = login("root")
    page.allow_console_error(r"status of (400|409)")  # the refusals this test provokes
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=web.url)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Admin").click()
    page.wait_for_url("**/admin/users")
    page.locator('#users tr[data-user="ann"]').wait_for()

    # The server's refusals are shown next to the field they are about.
    page.get_by_label("User name").fill("ann")
    page.get_by_role("button", name="Create user").click()
    expect(page.locator("#new-name-error")).to_contain_text("already exists")
    page.get_by_label("User name").fill("carol")
    page.get_by_label("Password (optional").fill("short")
    page.get_by_role("button", name="Create user").click()
    expect(page.locator("#new-password-error")).to_contain_text("at least 8 characters")
    expect(page.locator("#new-name-error")).to_be_empty()
    page.shot("admin-users-field-error")
    page.get_by_label("Password (optional").fill("")
    page.get_by_role("button", name="Create user").click()
    expect(page.get_by_role("status")).to_have_text("User carol created as annotator.")
    assert _password_login(web, "carol") == 401  # no password yet

    page.get_by_label("Role of carol").select_option("reviewer")
    page.get_by_role("button", name="Set role").click()
    expect(page.locator('#users tr[data-user="carol"]')).to_contain_text("reviewer")
    expect(page.get_by_role("button", name="Set role")).to_be_focused()

    page.get_by_label("New password for carol").fill("short")
    page.get_by_role("button", name="Reset password").click()
    page.get_by_role("dialog").get_by_role("button", name="Set the password").click()
    expect(page.locator("#password-error")).to_contain_text("at least 8 characters")
    page.get_by_label("New password for carol").fill(PASSWORD)
    page.get_by_role("button", name="Reset password").click()
    page.get_by_role("dialog").get_by_role("button", name="Set the password").click()
    expect(page.get_by_role("status")).to_contain_text("Password of carol reset")
    carol = login("carol")  # with the password the admin set

    def new_key() -> dict[str, str]:
        page.get_by_role("button", name="Create API key").click()
        return {"Authorization": f"Bearer {page.locator('#new-key').inner_text()}"}

    def me(headers: dict[str, str]) -> httpx.Response:
        return httpx.get(f"{web.url}/api/me", headers=headers)

    kept = new_key()
    key = kept["Authorization"].removeprefix("Bearer ")
    page.get_by_role("button", name="Copy").click()
    expect(page.get_by_role("button", name="Copied")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == key
    assert me(kept).json()["name"] == "carol"
    page.shot("admin-users")
    assert_accessible(page)
    page.reload()  # the key is shown once: now only its prefix is listed
    page.get_by_role("button", name="Manage carol").click()
    expect(page.locator(f'#keys tr[data-key="{key[:12]}"] th')).to_have_text(f"{key[:12]}…")
    expect(page.locator("#new-key")).to_have_count(0)

    revoked = new_key()
    prefix = revoked["Authorization"].removeprefix("Bearer ")[:12]
    page.get_by_role("button", name=f"Revoke key {prefix}").click()
    page.get_by_role("dialog").get_by_role("button", name="Revoke").click()
    expect(page.get_by_role("status")).to_have_text(f"Key {prefix}… revoked.")
    expect(page.get_by_role("button", name="Create API key")).to_be_focused()
    expect(page.locator("#new-key")).to_have_count(0)  # a dead key is not left on show
    assert (me(revoked).status_code, me(kept).status_code) == (401, 200)

    page.get_by_role("button", name="Deactivate carol").click()
    page.shot("admin-users-confirm")
    page.get_by_role("dialog").get_by_role("button", name="Cancel").click()
    assert _password_login(web, "carol") == 303  # cancelled: nothing changed
    page.get_by_role("button", name="Deactivate carol").click()
    page.get_by_role("dialog").get_by_role("button", name="Deactivate").click()
    expect(page.get_by_role("status")).to_have_text("carol deactivated.")
    expect(page.get_by_role("button", name="Activate carol")).to_be_focused()
    carol.goto("/stats")
    carol.wait_for_url("**/login?next=/stats")  # their open session has ended
    assert (_password_login(web, "carol"), me(kept).status_code) == (401, 401)

    page.get_by_role("button", name="Activate carol").click()
    expect(page.get_by_role("status")).to_have_text("carol activated.")
    assert (_password_login(web, "carol"), me(kept).status_code) == (303, 200)


def test_a_callback_that_gave_up_is_listed_and_retried(login, web):
    admin = _admin(web)
    with receiver(500, 200) as rx:
        with session_at(web.db_url) as s:
            callback_settings.set_project_callback(s, "feedback", {"callback_url": rx.url})
            annotator = {"Authorization": f"Bearer {users.create_api_key(s, 'ann')}"}
        with httpx.Client(base_url=web.url, headers=annotator) as client:
            claim = client.post("/api/projects/feedback/next").json()
            done = client.post(
                f"/api/assignments/{claim['assignment_id']}/submit",
                json={"response": {"category": "Defect"}, "time_spent_s": 3.0},
            )
            assert done.status_code == 200, done.text  # one answer completes the task

        def failed_jobs():
            listed = httpx.get(f"{web.url}/api/jobs?status=failed", headers=admin).json()
            return listed["docs"]

        [job] = _until(failed_jobs)
        page = login("root")
        page.goto("/admin/jobs")
        row = page.locator(f'#jobs tr[data-job="{job["id"]}"]')
        expect(row).to_contain_text("callback.task")
        expect(row).to_contain_text("answered HTTP 500; gave up after 1 attempts")
        expect(row).to_contain_text(rx.url)
        expect(page.get_by_role("button", name="More jobs")).to_be_hidden()  # one page holds all
        page.shot("admin-jobs")
        assert_accessible(page)

        row.get_by_role("button", name=f"Retry job {job['id']}").click()
        expect(row.locator(".job-status")).to_have_text("queued")
        expect(page.get_by_role("status")).to_contain_text("queued to run again")
        assert len(rx.wait_for(2, timeout=30)) == 2  # the receiver answers 200 this time

        page.get_by_label("Status").select_option("succeeded")

        def shown_succeeded():
            page.get_by_role("button", name="Show").click()
            page.wait_for_load_state("networkidle")
            return row.count() == 1

        _until(shown_succeeded)
        expect(row.locator(".job-status")).to_have_text("succeeded")
        expect(row).to_contain_text("answered HTTP 500")  # the last error stays on record


def test_managers_and_annotators_are_refused(login, web):
    for name in ("boss", "ann"):
        page = login(name)
        page.allow_console_error(r"status of 403")
        nav = page.get_by_role("navigation", name="Main")
        expect(nav.get_by_role("link").first).to_be_visible()
        expect(nav.get_by_role("link", name="Admin")).to_have_count(0)
        for path in ("/admin/users", "/admin/jobs"):
            response = page.goto(path)
            assert response.status == 403, (name, path)
            expect(page.get_by_role("heading", name="403")).to_be_visible()
            expect(page.get_by_text("needs the admin role")).to_be_visible()
    anonymous = httpx.get(f"{web.url}/admin/jobs", follow_redirects=False)
    assert (anonymous.status_code, anonymous.headers["location"]) == (
        303,
        "/login?next=/admin/jobs",
    )
