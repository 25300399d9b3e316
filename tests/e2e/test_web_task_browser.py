"""A manager finds tasks in the task browser (filter, sort, page), opens one, reads why it is
pending with both answers drawn in the type's view, then cancels it (confirmed), reopens it, and
sends a completed task to review; both pages pass the axe rules."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from quorum.client import QuorumClient, QuorumError
from quorum.services.accounts import users
from quorum.services.labeling import assignments
from quorum.services.tasks import creation
from tests import factories as make
from tests.e2e.accessibility import assert_accessible
from tests.e2e.web_data import PROJECTS

PROJECT = "names"
TEXTS = [
    "Grace Hopper wrote COBOL.",
    "Alan Turing was born in London.",
    "Ada Lovelace met Babbage.",
    "Linus lives in Portland.",
    "Tim Berners-Lee works at CERN.",
]
POLICY = {"min_overlap": 2, "max_overlap": 3, "confidence_target": 0.99}
LABELS = {"labels": [{"name": "PER"}, {"name": "LOC"}]}


def _span(start: int, end: int, label: str) -> dict:
    return {"start": start, "end": end, "label": label}


def _seed(db_url: str) -> dict[str, str]:
    """Project `names` (spans of people and places; two answers at least, a sure consensus to
    complete): Ada's task answered twice, differently, so it waits for a third answer; two
    tasks completed, at confidences 0.95 and 0.55; two untouched."""
    with make.session_at(db_url) as s:
        make.project(s, PROJECT, "namedentityrecognition", params=LABELS, policy=POLICY)
        people = make.people(s, "a1", "a2", projects=[PROJECT])
        records = [{"text": t, "priority": 9 if "Ada" in t else 0} for t in TEXTS]
        ids = dict(zip(TEXTS, creation.create_tasks(s, PROJECT, records), strict=True))
        spans = {
            "a1": [_span(0, 12, "PER"), _span(17, 24, "PER")],
            "a2": [_span(0, 3, "PER"), _span(17, 24, "LOC")],
        }
        for name, person in people.items():
            claimed = assignments.claim_next(s, person.principal, PROJECT)
            assert claimed["task_id"] == ids[TEXTS[2]]
            assignments.submit(s, person.principal, claimed["assignment_id"],
                               {"annotations": spans[name]}, 6.0)  # fmt: skip
        s.commit()
        make.complete(
            s, ids[TEXTS[0]], {"annotations": [{"start": 0, "end": 12, "label": "PER"}]}, 0.95
        )
        make.complete(
            s, ids[TEXTS[1]], {"annotations": [{"start": 0, "end": 11, "label": "PER"}]}, 0.55
        )
    return ids


def test_the_sdk_pages_through_a_sort(web):
    """Our SDK walks the confidence order one task a page, by the listing's keyset cursors."""
    ids = _seed(web.db_url)
    with make.session_at(web.db_url) as s:
        key = users.create_api_key(s, "boss")
    with QuorumClient(web.url, key) as q:
        walked = [
            t["task_id"] for t in q.iter_tasks(project=PROJECT, sort="confidence", page_size=1)
        ]
        assert walked == [ids[TEXTS[1]], ids[TEXTS[0]]]
        assert [t["task_id"] for t in q.iter_tasks(project=PROJECT, text="lovelace")] == [
            ids[TEXTS[2]]
        ]
        with pytest.raises(QuorumError, match="sort must be one of"):
            q.list_tasks(project=PROJECT, sort="best")


def test_the_sdk_filters_inspects_and_acts_on_tasks(web):
    """Our SDK filters the listing as the browser does, reads a task's detail, sends a
    completed task to review and reopens it, against a live server."""
    ids = _seed(web.db_url)
    with make.session_at(web.db_url) as s:
        key = users.create_api_key(s, "boss")
    with QuorumClient(web.url, key) as q:
        unsure = q.list_tasks(project=PROJECT, confidence_max=0.6, sort="-confidence")
        assert [t["task_id"] for t in unsure["docs"]] == [ids[TEXTS[1]]]
        answered = q.list_tasks(project=PROJECT, annotator="a1", status="pending")["docs"]
        assert [t["task_id"] for t in answered] == [ids[TEXTS[2]]]
        waiting = q.task_detail(ids[TEXTS[2]])
        assert [a["annotator"] for a in waiting["answers"]] == ["a1", "a2"]
        assert waiting["pending"]["answered"] == 2 and waiting["actions"]["cancel"]
        done = ids[TEXTS[0]]
        assert q.task_detail(done)["actions"] == {
            "reopen": True, "send_to_review": True, "cancel": False
        }  # fmt: skip
        assert q.send_to_review(done)["review_status"] == "pending"
        assert q.task_detail(done)["actions"]["send_to_review"] is False
        reopened = q.reopen_task(done)
        assert reopened["status"] == "pending" and reopened["response"] is None
        with pytest.raises(QuorumError, match="only completed tasks") as refused:
            q.send_to_review(done)
        assert refused.value.status == 400
        with pytest.raises(QuorumError) as missing:
            q.task_detail("0" * 24)
        assert missing.value.status == 404


def test_filter_open_a_task_and_act_on_it(login, web):
    ids = _seed(web.db_url)
    page = login("boss")
    page.goto(f"/manage/{PROJECT}")
    page.get_by_role("link", name="Tasks", exact=True).click()
    page.wait_for_url(f"**/manage/{PROJECT}/tasks")
    rows = page.locator("#tasks tbody tr")
    expect(rows).to_have_count(5)
    expect(page.locator("#status")).to_have_text("5 tasks match the filters; 5 shown.")

    # Sorted by confidence: the completed tasks only, least confident first, then the reverse.
    page.get_by_role("button", name="Confidence").click()
    expect(rows).to_have_count(2)
    header = page.locator("th", has=page.get_by_role("button", name="Confidence"))
    expect(header).to_have_attribute("aria-sort", "descending")
    expect(rows.first.locator("td").nth(3)).to_have_text("95%")
    page.get_by_role("button", name="Confidence").click()
    expect(header).to_have_attribute("aria-sort", "ascending")
    expect(rows.first.locator("td").nth(3)).to_have_text("55%")

    # Filtered on the data's text and the status; the address keeps the filters.
    page.get_by_role("button", name="Clear").click()
    page.get_by_label("Text in the data").fill("lovelace")
    page.get_by_label("Status").select_option("pending")
    page.get_by_role("button", name="Filter").click()
    expect(rows).to_have_count(1)
    assert "text=lovelace" in page.url and "status=pending" in page.url
    page.shot("task-browser")
    assert_accessible(page)
    page.get_by_role("button", name="Clear").click()
    expect(rows).to_have_count(5)
    page.go_back()  # the address kept the filters: back to them
    expect(rows).to_have_count(1)
    expect(page.get_by_label("Text in the data")).to_have_value("lovelace")

    rows.first.get_by_role("link").click()
    task_id = ids[TEXTS[2]]
    page.wait_for_url(f"**/manage/{PROJECT}/tasks/{task_id}")
    reasons = page.locator("#pending-reasons")
    expect(reasons).to_contain_text("below the target 0.99")
    expect(reasons).to_contain_text("it waits for 1 more answer")
    cards = page.locator(".answer-card")
    expect(cards).to_have_count(2)
    expect(cards.nth(0).locator("h3")).to_have_text("a1")
    # Each answer drawn in the type's own view: its spans marked in the text.
    expect(cards.nth(0).locator(".tok.ent").first).to_be_visible()
    expect(cards.nth(1).locator(".diff ins").first).to_be_visible()
    expect(page.locator("#detail")).not_to_contain_text("null")
    history = page.locator("#history li")
    expect(history).to_have_count(3)
    expect(history.nth(1)).to_contain_text("answered by a1")
    page.shot("task-page")
    assert_accessible(page)

    # Cancel asks first; Esc keeps the task, the confirmation cancels it; then it is reopened.
    page.get_by_role("button", name="Cancel task…").click()
    dialog = page.get_by_role("dialog", name="Cancel this task")
    expect(dialog).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.get_by_role("button", name="Cancel task…")).to_be_visible()
    page.get_by_role("button", name="Cancel task…").click()
    dialog.get_by_role("button", name="Cancel the task").click()
    expect(page.locator("#status")).to_have_text("Canceled.")
    expect(page.locator(".facts")).to_contain_text("canceled")
    page.get_by_role("button", name="Reopen").click()
    expect(page.locator("#status")).to_have_text("Reopened: the task is back in the queue.")
    expect(page.locator(".facts")).to_contain_text("pending")

    # A completed task goes to review from its page.
    page.goto(f"/manage/{PROJECT}/tasks/{ids[TEXTS[1]]}")
    page.get_by_role("button", name="Send to review").click()
    expect(page.locator("#status")).to_have_text("Sent to review.")
    expect(page.locator(".facts")).to_contain_text("Reviewpending")
    expect(page.get_by_role("button", name="Send to review")).to_have_count(0)


STREET = next(p for p in PROJECTS if p["type"] == "imageannotation")
VOICE = next(p for p in PROJECTS if p["type"] == "audiotranscription")


def _two_answers(db_url: str, spec: dict, responses: list[dict]) -> str:
    """A project like `spec` wanting two answers at least, whose one task two annotators answer
    with `responses`; the task's id."""
    with make.session_at(db_url) as s:
        name = f"{spec['name']}-two"
        make.project(s, name, spec["type"], params=spec["params"], policy=POLICY)
        [task_id] = creation.create_tasks(s, name, spec["tasks"][:1])
        people = make.people(s, f"{name}-1", f"{name}-2", projects=[name])
        for person, response in zip(people.values(), responses, strict=True):
            claimed = assignments.claim_next(s, person.principal, name)
            assignments.submit(s, person.principal, claimed["assignment_id"], response, 5.0)
    return task_id


def _box(left: float, label: str) -> dict:
    box = {"type": "box", "label": label, "left": left, "top": 20, "width": 60, "height": 40}
    return {**box, "attributes": {"occluded": "no"}}


def test_answers_drawn_as_boxes_and_transcripts(login, web):
    street = _two_answers(web.db_url, STREET, [
        {"annotations": [_box(10, "car"), _box(200, "person")]},
        {"annotations": [_box(14, "car")]},
    ])  # fmt: skip
    voice = _two_answers(web.db_url, VOICE, [
        {"transcript": "the quick brown fox"},
        {"transcript": "the quick round fox"},
    ])  # fmt: skip
    page = login("boss")
    page.goto(f"/manage/{STREET['name']}-two/tasks/{street}")
    cards = page.locator(".answer-card")
    expect(cards).to_have_count(2)
    expect(cards.nth(0).locator("rect.shape")).to_have_count(2)
    expect(cards.nth(1).locator("rect.shape")).to_have_count(1)
    page.shot("task-page-image")
    assert_accessible(page)
    page.goto(f"/manage/{VOICE['name']}-two/tasks/{voice}")
    expect(page.locator(".answer-card")).to_have_count(2)
    transcripts = page.locator(".answer-card textarea")
    expect(transcripts.nth(0)).to_have_value("the quick brown fox")
    expect(transcripts.nth(1)).to_have_value("the quick round fox")
    # Set against the consensus, one of the two differs by one word each way.
    changed = page.locator(".answer-card .diff")
    expect(changed.locator("ins")).to_have_count(1)
    expect(changed.locator("del")).to_have_count(1)
    page.shot("task-page-transcripts")
    assert_accessible(page)
