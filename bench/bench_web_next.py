"""The workspace's promise: the next task is visible within 100 ms of a submit on a local server.

An annotator in headless Chromium (Debian's /usr/bin/chromium, driven by Playwright) labels a
project of categorization tasks with the keyboard against a live `quorum serve` on SQLite. The
page itself times each submit: from the Enter keydown's timestamp to the first animation frame
after the next task replaced the old one in the DOM (the frame that paints it), so the figure
includes the submit request, rendering and layout but not Playwright's own latency.
"""

from __future__ import annotations

import json
import os

import numpy as np
from _harness import data_dir, server
from playwright.sync_api import sync_playwright

from quorum.db.engine import Database
from quorum.db.migrate import upgrade
from quorum.services.accounts import users
from quorum.services.projects import catalog
from quorum.services.tasks import creation

CHROMIUM = "/usr/bin/chromium"
MEASURED = int(os.environ.get("BENCH_WEB_TASKS", 150))
WARMUP = 10
PASSWORD = "bench-password"

# Runs in the page: Enter's keydown time, and the frame after #task gets new children.
PROBE = """() => {
  window.benchTimes = [];
  let pressed = null;
  addEventListener("keydown", (e) => { if (e.key === "Enter") pressed = e.timeStamp; }, true);
  new MutationObserver(() => {
    if (pressed === null) return;
    const start = pressed;
    pressed = null;
    requestAnimationFrame(() => window.benchTimes.push(performance.now() - start));
  }).observe(document.getElementById("task"), { childList: true });
}"""


def _seed(directory) -> None:
    db = Database(f"sqlite:///{directory / 'quorum.db'}")
    upgrade(db.engine)
    with db.session(write=True) as s:
        users.create_user(s, "worker", "annotator", password=PASSWORD)
        catalog.create_project(
            s, "bench", "categorization",
            params={"categories": ["positive", "negative", "neutral"]},
            policy={"min_overlap": 1, "max_overlap": 1},
        )  # fmt: skip
        catalog.add_member(s, "bench", "worker", "annotator")
        total = WARMUP + MEASURED + 5
        creation.create_tasks(s, "bench", [{"attachment": f"review {i}"} for i in range(total)])
    db.dispose()


def main() -> dict:
    with data_dir() as directory:
        _seed(directory)
        with server(directory) as (url, _, _), sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM)
            page = browser.new_page(viewport={"width": 1280, "height": 800}, base_url=url)
            page.goto("/login?next=/work/bench")
            page.get_by_label("User name").fill("worker")
            page.get_by_label("Password").fill(PASSWORD)
            page.get_by_label("Password").press("Enter")
            page.wait_for_selector(".categorization :focus")
            page.evaluate(PROBE)
            for i in range(WARMUP + MEASURED):
                page.keyboard.press("1")
                page.keyboard.press("Enter")
                page.locator("#status", has_text=f"{i + 1} submitted").wait_for()
            page.wait_for_timeout(100)  # the last frame callback
            times = np.array(page.evaluate("() => window.benchTimes")[WARMUP:])
            browser.close()
    return {
        "benchmark": "web_next_task",
        "tasks": int(times.size),
        "p50_ms": round(float(np.percentile(times, 50)), 1),
        "p95_ms": round(float(np.percentile(times, 95)), 1),
        "max_ms": round(float(times.max()), 1),
        "target_ms": 100,
    }


if __name__ == "__main__":
    print(json.dumps(main()))
