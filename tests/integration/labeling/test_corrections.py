"""Correcting one's previous answer: the rule (one step back, a window, skips do not count) and
what a correction does to gold records, pending tasks and completed ones."""

from __future__ import annotations

import datetime as dt

import orjson
from sqlalchemy import select
from tests.factories import api_answer, api_person, api_project, ok

from quorum.db.models import Annotation, Correction, ProjectAnnotator, Task
from quorum.services.labeling.corrections import NOTHING

CLOSED = (
    "only your most recent answer in a project can be corrected, within 10 minutes of giving it"
)


def _previous(client, headers, project="p"):
    return client.get(f"/api/projects/{project}/previous", headers=headers)


def _correct(client, headers, assignment_id, response, **extra):
    body = {"response": response, **extra}
    return client.post(f"/api/assignments/{assignment_id}/correct", json=body, headers=headers)


def _bulk(client, headers, records, project="p"):
    ok(client.post(f"/api/projects/{project}/tasks/bulk", headers=headers,
                   content=orjson.dumps(records)))  # fmt: skip


def test_one_step_back_within_the_window_skips_do_not_count(client, accounts, db):
    boss, me = accounts["manager"].headers, accounts["annotator"].headers
    policy = {"min_overlap": 2, "max_overlap": 3}
    api_project(client, boss, annotators=["annotator"], policy=policy)
    _bulk(client, boss, [{"attachment": f"t{i}"} for i in range(4)])
    nothing = _previous(client, me)
    assert nothing.status_code == 404 and nothing.json()["error"] == NOTHING

    first = api_answer(client, me, {"category": "a"}, time_spent_s=3.0)
    shown = ok(_previous(client, me))
    assert {k: shown[k] for k in ("assignment_id", "type", "params", "instruction")} == {
        k: first[k] for k in ("assignment_id", "type", "params", "instruction")
    }
    assert set(shown) == set(first) - {"lease_expires_at"} | {
        "response", "submitted_at", "correctable_until"
    }  # fmt: skip
    assert shown["response"] == {"category": "a"}
    until = dt.datetime.fromisoformat(shown["correctable_until"])
    assert until - dt.datetime.fromisoformat(shown["submitted_at"]) == dt.timedelta(seconds=600)

    # A skip is not an answer: the first one is still the one to correct.
    skipped = ok(client.post("/api/projects/p/next", headers=me))
    ok(client.post(f"/api/assignments/{skipped['assignment_id']}/skip", headers=me,
                   json={"reason": "unclear"}))  # fmt: skip
    assert ok(_previous(client, me))["assignment_id"] == first["assignment_id"]

    # Validated exactly as a submission.
    held = ok(client.post("/api/projects/p/next", headers=me))
    bad = {"category": "zebra"}
    refused = _correct(client, me, first["assignment_id"], bad)
    as_submit = client.post(f"/api/assignments/{held['assignment_id']}/submit", headers=me,
                            json={"response": bad})  # fmt: skip
    assert refused.status_code == as_submit.status_code == 400
    assert refused.json() == as_submit.json()
    assert _correct(client, me, first["assignment_id"], {"category": "b"},
                    time_spent_s=-1).status_code == 400  # fmt: skip

    done = ok(_correct(client, me, first["assignment_id"], {"category": "b"}, time_spent_s=2.0))
    assert done["status"] == "corrected" and "task_id" not in done
    assert ok(_previous(client, me))["response"] == {"category": "b"}
    with db.session() as s:
        answer = s.scalars(
            select(Annotation).where(Annotation.assignment_id == first["assignment_id"])
        ).one()
        assert answer.response == {"category": "b"} and answer.time_spent_s == 5.0
        [kept] = s.scalars(select(Correction)).all()
        assert kept.previous_response == {"category": "a"} and not kept.sent_to_review

    # Answering again closes the correction of the one before.
    ok(client.post(f"/api/assignments/{held['assignment_id']}/submit", headers=me,
                   json={"response": {"category": "a"}}))  # fmt: skip
    late = _correct(client, me, first["assignment_id"], {"category": "a"})
    assert late.status_code == 409 and late.json()["error"] == CLOSED
    assert ok(_previous(client, me))["assignment_id"] == held["assignment_id"]
    # Someone else's assignment is not theirs to correct.
    other = _correct(client, accounts["reviewer"].headers, held["assignment_id"], {"category": "a"})
    assert other.status_code == 409 and "another annotator" in other.json()["error"]
    assert _correct(client, me, 10**9, {"category": "a"}).status_code == 404

    # Past the window: nothing to correct, and the same refusal.
    with db.session(write=True) as s:
        for answer in s.scalars(select(Annotation)):
            answer.created_at -= dt.timedelta(seconds=601)
        s.commit()
    assert _previous(client, me).json() == nothing.json()
    closed = _correct(client, me, held["assignment_id"], {"category": "b"})
    assert closed.status_code == 409 and closed.json()["error"] == CLOSED


def _record(db, name="annotator"):
    with db.session() as s:
        record = s.scalars(select(ProjectAnnotator)).one()
        return record.gold_answered, record.gold_correct, record.answered


def test_a_gold_answer_is_scored_again_never_twice(client, accounts, db):
    boss, me = accounts["manager"].headers, accounts["annotator"].headers
    policy = {"qualification_count": 1, "qualification_pass": 0.0, "gold_rate": 0.0}
    api_project(client, boss, annotators=["annotator"], policy=policy)
    _bulk(client, boss, [{"attachment": "g", "gold": {"category": "a"}}])
    claimed = api_answer(client, me, {"category": "b"})
    assert _record(db) == (1, 0.0, 1)
    for response, correct in (("a", 1.0), ("a", 1.0), ("b", 0.0), ("a", 1.0)):
        ok(_correct(client, me, claimed["assignment_id"], {"category": response}))
        assert _record(db) == (1, correct, 1)
    with db.session() as s:
        assert s.scalars(select(Task.status)).one() == "pending"


def test_a_pending_task_is_decided_again(client, accounts, db):
    boss, me = accounts["manager"].headers, accounts["annotator"].headers
    other = api_person(client, accounts["admin"].headers, "second")
    policy = {"min_overlap": 2, "max_overlap": 3, "confidence_target": 0.8, "review_rate": 0.0}
    api_project(client, boss, annotators=["annotator", "second"], policy=policy)
    _bulk(client, boss, [{"attachment": "t"}])
    api_answer(client, me, {"category": "a"})
    mine = api_answer(client, other, {"category": "b"})
    with db.session() as s:
        task = s.scalars(select(Task)).one()
        assert (task.status, task.needed) == ("pending", 3)  # unsure: one more answer
    ok(_correct(client, other, mine["assignment_id"], {"category": "a"}))
    with db.session() as s:
        task = s.scalars(select(Task)).one()
        assert (task.status, task.response) == ("completed", {"category": "a"})


def test_a_completed_task_goes_to_review_when_its_label_changes(client, accounts, db):
    boss, me = accounts["manager"].headers, accounts["annotator"].headers
    policy = {"min_overlap": 1, "max_overlap": 1, "review_rate": 0.0, "confidence_target": 0.6}
    api_project(client, boss, annotators=["annotator"], policy=policy)
    _bulk(client, boss, [{"attachment": "same"}, {"attachment": "changed"}])
    kept = api_answer(client, me, {"category": "a"})
    ok(_correct(client, me, kept["assignment_id"], {"category": "a"}))
    changed = api_answer(client, me, {"category": "a"})
    ok(_correct(client, me, changed["assignment_id"], {"category": "b"}))
    with db.session() as s:
        tasks = {t.params["attachment"]: t for t in s.scalars(select(Task))}
        ids = {name: t.id for name, t in tasks.items()}
        # The result whose callback went out is not rewritten; review decides.
        assert tasks["changed"].response == tasks["same"].response == {"category": "a"}
        assert tasks["changed"].status == tasks["same"].status == "completed"
        assert (tasks["same"].review_status, tasks["changed"].review_status) == (None, "pending")
    queue = ok(client.post("/api/projects/p/reviews/next", headers=boss))
    assert queue["task_id"] == ids["changed"]
    [answer] = queue["answers"]  # the reviewer sees which answer was corrected
    assert answer["corrected"] and answer["response"] == {"category": "b"}
    for name, detail in (("same", None), ("changed", "after completion")):
        page = ok(client.get(f"/api/tasks/{ids[name]}/detail", headers=boss))
        [event] = [e for e in page["history"] if e["event"] == "corrected"]
        assert event["by"] == "annotator"
        assert (event["detail"] or None) == detail or detail in event["detail"]
        assert [a["response"] for a in page["answers"]] == [
            {"category": "a" if name == "same" else "b"}
        ]
