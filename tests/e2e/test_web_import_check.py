"""The manager's upload panel in Chromium: "Check file" shows the dry run's report (records
that would fail, duplicate groups, text cleaned) before anything is written, and the upload
then leaves the duplicates out as chosen. Screenshot, and axe with no violations."""

from __future__ import annotations

import json

from playwright.sync_api import expect

from tests import factories as make
from tests.e2e.accessibility import assert_accessible

LINES = [
    {"attachment": "The battery lasts two days and the screen is bright."},
    {"attachment": "The battery lasts two days and the screen is bright."},
    {"attachment": "the battery lasts two days, and the screen is bright!"},
    {"attachment": "caf\u00c3\u00a9   au lait"},
]


def _count(db_url: str, project: str) -> int:
    from quorum.services.tasks import queries

    with make.session_at(db_url) as s:
        return queries.count_tasks(s, queries.TaskFilter(project=project))


def test_check_the_file_then_upload_without_its_duplicates(login, web, tmp_path):
    with make.session_at(web.db_url) as s:
        make.project(s, "messy", params={"categories": ["good", "bad"]})
    page = login("boss")
    page.goto("/manage/messy")
    file = tmp_path / "messy.jsonl"
    file.write_text("".join(json.dumps(r) + "\n" for r in [*LINES, {"attachment": ""}]))
    page.get_by_label("Task file").set_input_files(str(file))
    page.get_by_role("button", name="Check file").click()
    report = page.locator("#upload-report")
    expect(report).to_contain_text("5 records read: 4 would import, 1 would fail.")
    expect(report).to_contain_text("line 5, attachment:")
    expect(report.get_by_role("heading", name="Exact duplicates (1)")).to_be_visible()
    expect(report).to_contain_text("line 1, line 2")
    expect(report.get_by_role("heading", name="Near duplicates (1)")).to_be_visible()
    expect(report).to_contain_text("broken encoding repaired: 1")
    page.shot("upload-check-report")
    assert_accessible(page)
    assert _count(web.db_url, "messy") == 0  # the check wrote nothing

    file.write_text("".join(json.dumps(r) + "\n" for r in LINES))
    page.get_by_label("Task file").set_input_files(str(file))
    page.get_by_role("button", name="Check file").click()
    expect(report).to_contain_text("4 records read: 4 would import, 0 would fail.")
    page.get_by_label("Duplicates").select_option("near")
    page.get_by_role("button", name="Upload").click()
    expect(page.locator("#upload-result")).to_have_text(
        "2 tasks created from messy.jsonl (2 duplicates left out)."
    )
    expect(page.locator("#upload-report")).to_have_count(0)
    assert _count(web.db_url, "messy") == 2
