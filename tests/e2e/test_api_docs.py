"""The API explorers render in Chromium with every request to another host refused: their
scripts and styles come from Quorum, so /docs and /redoc work on a server without internet."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

LOOPBACK = {"127.0.0.1", "localhost"}


@pytest.mark.parametrize(
    ("path", "rendered"),
    [("/docs", ".opblock-summary-path"), ("/redoc", "[data-section-id^='operation/']")],
)
def test_explorer_lists_operations_offline(browser, live_server, path, rendered):
    context = browser.new_context(base_url=live_server.url)
    off_host, errors = [], []

    def only_loopback(route):
        if urlsplit(route.request.url).hostname in LOOPBACK:
            route.continue_()
        else:
            off_host.append(route.request.url)
            route.abort()

    context.route("**/*", only_loopback)
    page = context.new_page()
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        assert page.goto(path).ok
        page.locator(rendered).first.wait_for(timeout=20_000)
        text = page.content()
        assert "/api/tasks" in text and "listTasks" in text
    finally:
        context.close()
    assert off_host == [] and errors == []
