"""The manager's dashboard in Chromium: a new project shows a "get started" guide (no empty
charts) that follows it from no tasks to no annotators to no answers; a project with answers
shows its type's agreement measures, explained, and each annotator's agreement. Screenshots of
both, and the axe rules with zero violations on both."""

from __future__ import annotations

from playwright.sync_api import expect

from quorum.services.tasks import creation
from tests import factories as make
from tests.e2e.accessibility import assert_accessible

TWO_EACH = {"min_overlap": 2, "max_overlap": 2, "confidence_target": 0.01}


def test_new_project_dashboard_says_what_to_do_next(login, web):
    with make.session_at(web.db_url) as s:
        make.project(s, "fresh", policy={"min_overlap": 1, "max_overlap": 1})
    page = login("boss")
    page.goto("/manage/fresh")
    guide = page.locator("#get-started")
    expect(guide.get_by_role("heading", name="Get started")).to_be_visible()
    expect(guide.locator("li.next")).to_contain_text("Import tasks")
    upload = guide.get_by_role("link", name="Upload tasks")
    assert upload.get_attribute("href") == "#h-upload-tasks"
    assert page.locator("svg.chart").count() == 0 and page.locator(".tile").count() == 0
    page.shot("dashboard-get-started")
    assert_accessible(page)
    upload.click()
    assert page.url.endswith("#h-upload-tasks")

    with make.session_at(web.db_url) as s:
        make.tasks(s, "fresh", 3)
    page.get_by_role("button", name="Refresh").click()
    expect(guide.locator("li.next")).to_contain_text("Add annotators")
    expect(page.locator(".tile").first).to_have_text("Tasks3")
    guide.get_by_role("link", name="Add members").click()
    page.get_by_label("User", exact=True).fill("ann")
    page.get_by_role("button", name="Add").click()
    page.locator("#members").get_by_text("ann · annotator").wait_for()
    page.get_by_role("button", name="Refresh").click()
    expect(guide.locator("li.next")).to_contain_text("Get the first answers")
    workspace = guide.get_by_role("link", name="Open the workspace")
    assert workspace.get_attribute("href") == "/work/fresh"
    assert page.locator("svg.chart").count() == 0


def _populate(db_url: str) -> None:
    """Two annotators answer the same four tickets, agreeing on three; and the same two
    label entities in two texts."""
    with make.session_at(db_url) as s:
        make.project(s, "agree", params={"categories": ["Bug", "Question"]}, policy=TWO_EACH)
        make.project(
            s, "spans", "namedentityrecognition", params={"labels": [{"name": "PER"}]},
            policy=TWO_EACH,
        )  # fmt: skip
        p = make.people(s, "a1", "a2", projects=["agree", "spans"])
        make.tasks(s, "agree", 4)
        for who, labels in (("a1", ["Bug", "Bug", "Question", "Bug"]),
                            ("a2", ["Bug", "Bug", "Question", "Question"])):  # fmt: skip
            for label in labels:
                make.answer(s, p[who], {"category": label}, "agree", time_spent_s=4.0)
        creation.create_tasks(s, "spans", [{"text": "Ada met Bob."}] * 2)
        ada, bob = {"start": 0, "end": 3, "label": "PER"}, {"start": 8, "end": 11, "label": "PER"}
        for who, marked in (("a1", [[ada, bob], [ada]]), ("a2", [[ada], [ada]])):
            for spans in marked:
                make.answer(s, p[who], {"annotations": spans}, "spans", time_spent_s=4.0)


def test_dashboard_with_answers_shows_agreement_measures(login, web):
    _populate(web.db_url)
    page = login("boss")
    page.goto("/manage/agree")
    table = page.locator("#agreement")
    alpha = table.locator("tr", has_text="Krippendorff's alpha")
    expect(alpha).to_contain_text("0.53")  # 1 - 7 * 2 / (5 * 3 * 2), see the unit test
    expect(alpha).to_contain_text("chance")
    expect(table.locator("tr", has_text="Percent agreement")).to_contain_text("0.75")
    expect(table.locator("caption")).to_contain_text("latest 4 tasks")
    assert page.locator("#get-started").count() == 0
    assert page.locator("svg.chart rect").count() > 0
    for name in ("a1", "a2"):
        row = page.locator("#annotators tbody tr", has_text=name)
        expect(row).to_contain_text("75% (4 pairs)")
    page.shot("dashboard-agreement")
    assert_accessible(page)

    page.goto("/manage/spans")
    span_f1 = page.locator("#agreement tr", has_text="Span F1 between annotators")
    expect(span_f1).to_contain_text("0.83")  # F1 2/3 on the first text, 1 on the second
    expect(page.locator("#agreement tr")).to_have_count(2)  # the header and span F1
    page.shot("dashboard-agreement-spans")
    assert_accessible(page)
