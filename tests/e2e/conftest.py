"""Browser fixtures: Debian's Chromium driven by Playwright, a seeded live server, logins.

Screenshots of every page go to tests/e2e/screenshots/ (git-ignored) for a person to look at.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from quorum.db.engine import Database
from quorum.services.accounts import users
from quorum.services.projects import catalog
from quorum.services.tasks import creation
from tests.e2e.web_data import PASSWORD, PROJECTS

HOME_PAGE = re.compile(r".*/(work|manage)$")

CHROMIUM = "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"


@pytest.fixture(scope="session")
def browser() -> Iterator:
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make test` (scripts/ensure-chromium.sh)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM)
        yield chromium
        chromium.close()


@pytest.fixture
def web(live_server):
    """The live server with an annotator, a reviewer and a manager (password logins) and one
    project per task type, each with the tasks of tests/e2e/web_data.py."""
    db = Database(live_server.db_url, pool_size=1)
    with db.session(write=True) as session:
        for name, role in (("ann", "annotator"), ("rev", "reviewer"), ("boss", "manager")):
            users.create_user(session, name, role, password=PASSWORD)
        for spec in PROJECTS:
            catalog.create_project(
                session, spec["name"], spec["type"], params=spec["params"],
                instruction=spec["instruction"], policy={"min_overlap": 1, "max_overlap": 1},
            )  # fmt: skip
            catalog.add_member(session, spec["name"], "ann", "annotator")
            catalog.add_member(session, spec["name"], "rev", "reviewer")
            creation.create_tasks(session, spec["name"], spec["tasks"])
    db.dispose()
    return live_server


@pytest.fixture
def login(browser, web, request):
    """`login(name)` opens a fresh browser context signed in as `name` and returns its page."""
    contexts, errors = [], []
    dialect = "pg" if web.db_url.startswith("postgresql") else "sqlite"

    def open_as(name: str):
        context = browser.new_context(viewport={"width": 1366, "height": 768}, base_url=web.url)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        allowed: list[re.Pattern] = []
        # A test that provokes a refusal on purpose names it: Chromium logs a failed 4xx fetch
        # as a console error, and every other console error still fails the test.
        page.allow_console_error = lambda pattern: allowed.append(re.compile(pattern))
        page.on(
            "console",
            lambda m: (
                m.type in ("error", "warning")
                and not any(p.search(m.text) for p in allowed)
                and errors.append(m.text)
            ),
        )
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto("/login")
        page.get_by_label("User name").fill(name)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_label("Password").press("Enter")
        page.wait_for_url(HOME_PAGE)  # managers start on /manage
        page.shot = lambda label: shot(page, f"{label}-{dialect}")
        return page

    yield open_as
    for context in contexts:
        context.close()
    assert not errors, f"errors in the browser console: {errors}"


def shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
