"""Correcting the previous answer in the workspace: `[` brings it back in its own view, filled
with the answer given, under a banner; submitting corrects it and returns to the current task,
which stayed claimed; `]` returns without correcting."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from quorum.db.engine import Database
from quorum.db.models import Annotation, Assignment, Correction
from quorum.services.projects import catalog
from quorum.services.tasks import creation
from tests.e2e.accessibility import assert_accessible

BANNER = "Correcting your previous answer"


@pytest.fixture
def fix(web):
    """Project `fix`: three categorization tasks, each answered once."""
    db = Database(web.db_url, pool_size=1)
    with db.session(write=True) as s:
        catalog.create_project(
            s, "fix", "categorization", params={"categories": ["Spam", "Fine"]},
            instruction="Is it spam?", policy={"min_overlap": 1, "max_overlap": 1},
        )  # fmt: skip
        catalog.add_member(s, "fix", "ann", "annotator")
        creation.create_tasks(s, "fix", [{"attachment": f"message {i}"} for i in range(3)])
    db.dispose()
    return web


def _state(db_url: str) -> tuple[list[dict], list[str], int]:
    """Answers in order, assignment statuses in claim order, corrections kept."""
    db = Database(db_url, pool_size=1)
    with db.session() as s:
        answers = list(s.scalars(select(Annotation.response).order_by(Annotation.id)))
        statuses = list(s.scalars(select(Assignment.status).order_by(Assignment.id)))
        corrections = len(s.scalars(select(Correction.id)).all())
    db.dispose()
    return answers, statuses, corrections


def test_go_back_correct_and_return(login, fix):
    page = login("ann")
    page.allow_console_error("404")  # asking for a previous answer before there is one
    page.goto("/work/fix")
    expect(page.get_by_text("message 0")).to_be_visible()
    expect(page.locator(".keys")).to_contain_text("correct your previous answer")
    page.keyboard.press("[")
    expect(page.locator("#task-error")).to_have_text(
        "you have no answer in this project that can still be corrected"
    )
    page.keyboard.press("1")
    page.keyboard.press("Enter")
    expect(page.get_by_text("message 1")).to_be_visible()

    page.keyboard.press("[")
    expect(page.get_by_role("note")).to_have_text(BANNER)
    expect(page.get_by_text("message 0")).to_be_visible()
    expect(page.locator("#cat-0")).to_be_checked()  # the answer given, to change
    assert_accessible(page)
    page.shot("workspace-correcting-previous")
    page.keyboard.press("2")
    page.keyboard.press("Enter")
    expect(page.get_by_text("message 1")).to_be_visible()
    expect(page.get_by_role("note")).to_have_count(0)
    expect(page.locator("#status")).to_have_text("Your previous answer is corrected")
    answers, statuses, corrections = _state(fix.db_url)
    # The current task stayed claimed the whole time (the next one is claimed in advance).
    assert answers == [{"category": "Fine"}] and corrections == 1
    assert statuses[:2] == ["submitted", "active"]

    # `]` goes back to the current task as it was left, nothing corrected.
    page.keyboard.press("2")
    page.keyboard.press("[")
    expect(page.get_by_role("note")).to_have_text(BANNER)
    expect(page.get_by_text("message 0")).to_be_visible()
    page.keyboard.press("]")
    expect(page.get_by_role("note")).to_have_count(0)
    expect(page.get_by_text("message 1")).to_be_visible()
    expect(page.locator("#cat-1")).to_be_checked()  # the choice made before going back
    assert_accessible(page)
    page.keyboard.press("Enter")
    expect(page.get_by_text("message 2")).to_be_visible()
    answers, _, corrections = _state(fix.db_url)
    assert answers == [{"category": "Fine"}, {"category": "Fine"}] and corrections == 1
