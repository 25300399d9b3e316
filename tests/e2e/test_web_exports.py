"""The dashboard's Exports panel in Chromium: a manager starts an export job with a selection,
watches it run on the server's worker, and downloads its file, which is the streamed export of
the same tasks; a refused job says why. Screenshot, and the axe rules with zero violations."""

from __future__ import annotations

import httpx
from playwright.sync_api import expect

from tests import factories as make
from tests.e2e.accessibility import assert_accessible
from tests.e2e.web_data import PASSWORD


def test_a_manager_runs_an_export_job_and_downloads_its_file(login, web, tmp_path):
    with make.session_at(web.db_url) as s:
        make.project(s, "big", policy={"min_overlap": 1, "max_overlap": 1})
        for task_id in make.tasks(s, "big", 40)[:25]:
            make.complete(s, task_id, {"category": "a"}, confidence=0.9)
    page = login("boss")
    page.goto("/manage/big")
    panel = page.locator("section", has=page.get_by_role("heading", name="Exports"))
    expect(panel.locator("#export-jobs")).to_contain_text("No export jobs yet.")
    expect(panel.get_by_label("Format")).to_have_value("jsonl")
    panel.get_by_label("Tasks with status").select_option("completed")
    panel.get_by_role("button", name="Start export job").click()
    job = panel.locator(".export-job").first
    expect(job).to_have_attribute("data-state", "succeeded", timeout=30_000)
    expect(job).to_contain_text("25 of 25 tasks")
    page.shot("dashboard-export-job")
    assert_accessible(page)
    with page.expect_download() as download:
        job.get_by_role("link", name="Download").click()
    saved = tmp_path / "export.jsonl"
    download.value.save_as(saved)
    with httpx.Client(base_url=web.url) as http:
        http.post("/login", data={"name": "boss", "password": PASSWORD})
        streamed = http.get("/api/projects/big/export", params={"status": "completed"}).content
    assert saved.read_bytes() == streamed and streamed.count(b"\n") == 25

    page.allow_console_error(r"400")
    panel.get_by_label("the other tasks instead").check()
    panel.get_by_role("button", name="Start export job").click()
    expect(panel.locator("#export-error")).to_contain_text("min_confidence")
    assert panel.locator(".export-job").count() == 1
