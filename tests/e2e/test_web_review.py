"""A reviewer works through the review queue with the keyboard: fixes one task, rejects one."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from quorum.db.engine import Database
from quorum.db.models import Audit, Task
from quorum.services.accounts import users
from quorum.services.labeling import assignments
from quorum.services.projects import catalog
from quorum.services.tasks import creation
from tests.e2e.web_data import PASSWORD


@pytest.fixture
def reviewed(web):
    """Project `triage`: two tasks, each answered by two annotators who disagree on the first,
    both waiting for review."""
    db = Database(web.db_url, pool_size=1)
    with db.session(write=True) as s:
        users.create_user(s, "ann2", "annotator", password=PASSWORD)
        catalog.create_project(
            s, "triage", "categorization", params={"categories": ["Defect", "Shipping", "Praise"]},
            instruction="Pick the team that must act.",
            policy={"min_overlap": 2, "max_overlap": 2, "confidence_target": 0.5,
                    "review_rate": 1.0},
        )  # fmt: skip
        catalog.add_member(s, "triage", "rev", "reviewer")
        ids = creation.create_tasks(
            s, "triage", [{"attachment": "Box arrived crushed."}, {"attachment": "Great kettle!"}]
        )
        for name, labels in (("ann", ["Defect", "Praise"]), ("ann2", ["Shipping", "Praise"])):
            catalog.add_member(s, "triage", name, "annotator")
            who = users.authenticate_password(s, name, PASSWORD)
            for label in labels:
                claimed = assignments.claim_next(s, who, "triage")
                assignments.submit(s, who, claimed["assignment_id"], {"category": label}, 5.0)
    yield db, ids
    db.dispose()


def test_reviewer_fixes_and_rejects_by_keyboard(login, reviewed):
    db, (crushed, kettle) = reviewed
    page = login("rev")
    page.get_by_role("link", name="Review", exact=True).click()
    page.get_by_text("2 tasks waiting for review").wait_for()
    page.shot("review-queues")
    page.get_by_role("link", name="Review triage").click()
    page.wait_for_selector(".answer-list li.disagree")
    page.locator(".categorization :focus").wait_for()
    assert page.locator(".answer-list li").count() == 2
    assert "Confidence" in page.locator(".badge").inner_text()
    page.shot("review")

    first = page.locator("#status").inner_text()
    task = crushed if crushed in first else kettle
    page.keyboard.press("2")  # Shipping
    page.keyboard.press("f")
    expect(page.locator("#status")).not_to_contain_text(task)

    page.keyboard.press("r")
    page.get_by_label("Comment for the record").fill("Not a customer message.")
    page.keyboard.press("Enter")
    page.get_by_text("Nothing waits for review").wait_for()
    page.shot("review-done")

    with db.session() as s:
        rows = {t.id: t for t in s.scalars(select(Task).where(Task.id.in_([crushed, kettle])))}
        audits = {a.task_id: a for a in s.scalars(select(Audit))}
    other = kettle if task == crushed else crushed
    assert rows[task].response == {"category": "Shipping"}
    assert rows[task].review_status == "fixed"
    assert rows[other].status == "pending" and rows[other].review_status == "rejected"
    assert audits[other].comment == "Not a customer message."


def test_review_of_entity_spans_shows_partial_agreement(login, web):
    """Two annotators mark different spans: each agrees with the merged consensus only in part,
    and the reviewer accepts it from the entity workspace."""
    db = Database(web.db_url, pool_size=1)
    with db.session(write=True) as s:
        users.create_user(s, "ann2", "annotator", password=PASSWORD)
        catalog.create_project(
            s, "people", "namedentityrecognition", params={"labels": [{"name": "PER"}]},
            policy={"min_overlap": 2, "max_overlap": 2, "confidence_target": 0.01,
                    "review_rate": 1.0},
        )  # fmt: skip
        catalog.add_member(s, "people", "rev", "reviewer")
        [task] = creation.create_tasks(s, "people", [{"text": "Ada met Bob and Cy."}])
        spans = {"ann": [(0, 3), (8, 11)], "ann2": [(0, 3)]}
        for name, marked in spans.items():
            catalog.add_member(s, "people", name, "annotator")
            who = users.authenticate_password(s, name, PASSWORD)
            claimed = assignments.claim_next(s, who, "people")
            answer = [{"start": a, "end": b, "label": "PER"} for a, b in marked]
            assignments.submit(s, who, claimed["assignment_id"], {"annotations": answer}, 3.0)
    page = login("rev")
    page.goto("/review/people")
    page.wait_for_selector(".ner")
    verdicts = page.locator(".answer-list .verdict").all_inner_texts()
    assert any("%" in v and "(100%)" not in v and "(0%)" not in v for v in verdicts), verdicts
    page.shot("review-ner")
    page.keyboard.press("a")
    page.get_by_text("Nothing waits for review").wait_for()
    with db.session() as s:
        assert s.get(Task, task).review_status == "accepted"
    db.dispose()
