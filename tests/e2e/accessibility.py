"""The axe-core check each page's browser test runs (the demo's own walk keeps one Axe)."""

from __future__ import annotations


def axe_violations(page) -> list[tuple]:
    """axe-core's violations on `page` once its requests are done: (rule, impact, first node)."""
    from axe_playwright_python.sync_playwright import Axe

    page.wait_for_load_state("networkidle")
    found = Axe().run(page).response["violations"]
    return [(v["id"], v["impact"], v["nodes"][0]["target"]) for v in found]


def assert_accessible(page) -> None:
    found = axe_violations(page)
    assert not found, found
