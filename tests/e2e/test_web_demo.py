"""The demo's reviewer and manager pages have something to show: tasks waiting for review,
and a dashboard with two days of answers. Screenshots of both, at a laptop's 1280 × 800.
Every page of the demo, as each role sees it, passes the axe-core accessibility rules."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import HOME_PAGE, shot

TRIAGE = "Customer feedback triage"
DEMO_PROJECTS = [
    TRIAGE,
    "News entities",
    "Street and kitchen objects",
    "Assistant response preference",
    "Assistant response rubric and SFT writing",
    "Voice command transcription",
]


@pytest.fixture
def demo(db_url, tmp_path):
    from tests.conftest import _free_port

    if db_url.startswith("postgresql"):
        pytest.skip("the demo's own test covers PostgreSQL; pages are the same")
    port = _free_port()
    env = {**os.environ, "QUORUM_DATA_DIR": str(tmp_path / "data"), "QUORUM_DATABASE_URL": db_url}
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "quorum"), "demo", "--port", str(port)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )  # fmt: skip
    while "admin API key" not in (line := process.stdout.readline()):
        assert line, "the demo exited early"
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while not _up(url):
        assert time.monotonic() < deadline, "the demo server did not start"
        time.sleep(0.1)
    yield url
    process.terminate()
    process.wait(timeout=10)


def _up(url: str) -> bool:
    try:
        return httpx.get(f"{url}/healthz").status_code == 200
    except httpx.TransportError:
        return False


def _login(browser, url, name):
    context = browser.new_context(viewport={"width": 1280, "height": 800}, base_url=url)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto("/login")
    page.get_by_label("User name").fill(name)
    page.get_by_label("Password").fill(f"quorum-{name}")
    page.get_by_label("Password").press("Enter")
    page.wait_for_url(HOME_PAGE)  # managers start on /manage
    return context, page


def test_demo_review_and_dashboard(browser, demo):
    context, page = _login(browser, demo, "reviewer")
    page.get_by_role("link", name="Review", exact=True).click()
    card = page.locator(".card", has_text=TRIAGE)
    expect(card).to_contain_text("waiting for review")
    page.get_by_role("link", name=f"Review {TRIAGE}").click()
    page.wait_for_selector(".answer-list li")
    shot(page, "demo-review")
    context.close()

    context, page = _login(browser, demo, "manager")
    page.get_by_role("link", name="Manage").click()
    shot(page, "demo-manage")
    page.get_by_role("link", name=TRIAGE).click()
    page.wait_for_selector("#annotators")
    answers = page.locator("figure", has_text="per hour").locator("rect.s1")
    assert sum(float(r.get_attribute("height")) > 0 for r in answers.all()) >= 10
    shot(page, "demo-dashboard")
    context.close()


def test_every_demo_page_passes_the_axe_accessibility_rules(browser, demo):
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    pages = {
        "annotator1": ["/work", "/stats", *(f"/work/{quote(p)}" for p in DEMO_PROJECTS)],
        "reviewer": ["/review", f"/review/{quote(TRIAGE)}"],
        "manager": ["/manage", "/projects/new", f"/manage/{quote(TRIAGE)}"],
        "admin": ["/admin/users", "/admin/jobs"],
    }
    found = {}
    for user, paths in pages.items():
        context, page = _login(browser, demo, user)
        for path in paths:
            page.goto(path)
            page.wait_for_load_state("networkidle")
            violations = axe.run(page).response["violations"]
            found[path] = [(v["id"], v["impact"], v["nodes"][0]["target"]) for v in violations]
        context.close()
    context = browser.new_context(base_url=demo)
    page = context.new_page()
    page.goto("/login")
    found["/login"] = [(v["id"], v["impact"]) for v in axe.run(page).response["violations"]]
    context.close()
    assert not any(found.values()), {p: v for p, v in found.items() if v}
