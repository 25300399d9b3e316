"""The task browser's API: every filter and sort of GET /api/tasks, keyset paging across ties and
page boundaries, bad input named, and a task's detail with its reopen and send-to-review."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select, update
from tests import factories as make

from quorum.db.models import ProjectAnnotator, Task, User
from quorum.services.labeling import assignments
from quorum.services.projects import catalog
from quorum.services.tasks import batches, creation, edits

T0 = dt.datetime(2026, 3, 1, 12, 0)
POLICY = {"min_overlap": 2, "max_overlap": 3, "confidence_target": 0.9}


def _at(hours: float) -> dt.datetime:
    return T0 + dt.timedelta(hours=hours)


@pytest.fixture
def world(db, accounts):
    """Project `p`: eight tasks made an hour apart. Five completed, with confidences 0.95, 0.6,
    0.6, 0.6 and 0.3 (ties, to page across), completed a day later in reverse order; one answered
    once by `ann1` (pending, waits for a second answer); one canceled; one gold. Three are in
    batch `b`, two tagged `hot`; their data name animals. Project `q` has one task of its own."""
    with db.session(write=True) as s:
        make.project(s, "p", policy=POLICY)
        make.project(s, "q")
        ann = make.people(s, "ann1", "ann2", projects=["p"])
        batches.create_batch(s, "p", "b", staging=False)
        records = [
            {"attachment": "a grey tabby", "tags": ["hot"]},
            {"attachment": "a brown dog", "tags": ["hot"]},
            {"attachment": "a white tabby"},
            {"attachment": "a black horse"},
            {"attachment": "a green frog"},
            {"attachment": "a red fox", "priority": 5},
            {"attachment": "a blue 100%_bird"},
        ]
        ids = creation.create_tasks(s, "p", records[:3], batch="b")
        ids += creation.create_tasks(s, "p", records[3:])
        answered = make.answer(s, ann["ann1"], {"category": "a"})
        assert answered == ids[5]
        [gold] = creation.create_tasks(
            s, "p", [{"attachment": "gold owl", "gold": {"category": "a"}}]
        )
        ids.append(gold)
        edits.cancel_task(s, ids[6])
        creation.create_tasks(s, "q", [{"attachment": "a tabby elsewhere"}])
        for i, task_id in enumerate(ids):
            s.execute(update(Task).where(Task.id == task_id).values(created_at=_at(i)))
        s.commit()
        confidences = [0.95, 0.6, 0.6, 0.6, 0.3]
        for i, confidence in enumerate(confidences):
            make.complete(s, ids[i], {"category": "a"}, confidence)
            completed = _at(24 + len(confidences) - i)
            s.execute(update(Task).where(Task.id == ids[i]).values(completed_at=completed))
        s.commit()
    return {"ids": ids, "answered": ids[5], "canceled": ids[6], "gold": gold}


def _list(client, accounts, **params):
    params.setdefault("project", "p")
    return make.ok(client.get("/api/tasks", params=params, headers=accounts["manager"].headers))


def _ids(client, accounts, **params):
    return [d["task_id"] for d in _list(client, accounts, **params)["docs"]]


def test_each_filter(client, accounts, world):
    ids = world["ids"]
    newest_first = ids[::-1]

    def only(*indexes):
        return [t for t in newest_first if ids.index(t) in indexes]

    assert _ids(client, accounts) == newest_first
    assert _ids(client, accounts, status="completed") == only(0, 1, 2, 3, 4)
    assert _ids(client, accounts, status="canceled") == only(6)
    assert _ids(client, accounts, batch="b") == only(0, 1, 2)
    assert _ids(client, accounts, tags="hot") == only(0, 1)
    assert _ids(client, accounts, confidence_min=0.6) == only(0, 1, 2, 3)
    assert _ids(client, accounts, confidence_max=0.6) == only(1, 2, 3, 4)
    assert _ids(client, accounts, confidence_min=0.5, confidence_max=0.7) == only(1, 2, 3)
    assert _ids(client, accounts, disagreement_min=0.4) == only(1, 2, 3, 4)
    assert _ids(client, accounts, disagreement_min=0.4, confidence_max=0.5) == only(4)
    assert _ids(client, accounts, annotator="ann1") == only(5)
    assert _ids(client, accounts, annotator="ann2") == []
    assert _ids(client, accounts, is_gold="true") == only(7)
    assert world["gold"] not in _ids(client, accounts, is_gold="false")
    window = {"created_after": _at(2).isoformat(), "created_before": _at(4).isoformat()}
    assert _ids(client, accounts, **window) == only(2, 3)
    done = {"completed_after": _at(26).isoformat(), "completed_before": _at(28).isoformat()}
    assert _ids(client, accounts, **done) == only(2, 3)
    assert _ids(client, accounts, text="TABBY") == only(0, 2)
    assert _ids(client, accounts, text="100%_") == only(6)  # LIKE's wildcards are literal
    assert _ids(client, accounts, text="%") == only(6)
    # Values only: no task matches the name of a key its data holds.
    assert _ids(client, accounts, text="attach") == _ids(client, accounts, text="categor") == []
    assert _ids(client, accounts, text="tabby", project="q") != []
    assert _ids(client, accounts, text="tabby", tags="hot", status="completed") == only(0)


def test_each_sort(client, accounts, world):
    ids = world["ids"]
    done = ids[:5]
    assert _ids(client, accounts, sort="created") == ids
    assert _ids(client, accounts, sort="-created") == ids[::-1]
    # Completed a day later in reverse order; pending and canceled tasks have no completion.
    assert _ids(client, accounts, sort="completed") == done[::-1]
    assert _ids(client, accounts, sort="-completed") == done
    # Ties on confidence go by id, in the sort's direction.
    assert _ids(client, accounts, sort="confidence") == [ids[4], ids[1], ids[2], ids[3], ids[0]]
    assert _ids(client, accounts, sort="-confidence") == [ids[0], ids[3], ids[2], ids[1], ids[4]]
    assert _ids(client, accounts, sort="-disagreement") == _ids(client, accounts, sort="confidence")
    assert _ids(client, accounts, sort="disagreement") == _ids(client, accounts, sort="-confidence")
    assert _ids(client, accounts, sort="confidence", status="pending") == []


@pytest.mark.parametrize(
    "sort", ["-created", "created", "completed", "-confidence", "-disagreement"]
)
def test_paging_walks_every_task_once_in_order(client, accounts, world, sort):
    whole = _ids(client, accounts, sort=sort)
    for limit in (1, 2, 3, len(whole) - 1, len(whole), len(whole) + 1):
        seen, cursor, pages = [], None, 0
        while True:
            params = {"sort": sort, "limit": limit, **({"cursor": cursor} if cursor else {})}
            page = _list(client, accounts, **params)
            seen += [d["task_id"] for d in page["docs"]]
            pages += 1
            cursor = page["next_cursor"]
            assert page["has_more"] == (cursor is not None)
            if cursor is None:
                break
        assert seen == whole, (sort, limit)
        assert pages == max(1, -(-len(whole) // limit)), (sort, limit)


def test_bad_input_is_a_400_naming_the_field(client, accounts, world):
    headers = accounts["manager"].headers

    def error(**params):
        r = client.get("/api/tasks", params={"project": "p", **params}, headers=headers)
        assert r.status_code == 400, (params, r.status_code, r.text)
        return r.json()["error"]

    assert "sort must be one of" in error(sort="newest")
    assert "confidence_min" in error(confidence_min=1.5)
    assert "confidence_max" in error(confidence_max=-0.1)
    assert "confidence_max" in error(confidence_max="nan")
    assert "disagreement_min" in error(disagreement_min="high")
    assert "confidence_min must not be above confidence_max" in error(
        confidence_min=0.8, confidence_max=0.2
    )
    assert "text" in error(text="x" * 201)
    assert "completed_after" in error(completed_after="yesterday")
    assert "cursor" in error(cursor="not-a-cursor")
    by_created = _list(client, accounts, limit=1)["next_cursor"]
    by_confidence = _list(client, accounts, limit=1, sort="confidence")["next_cursor"]
    assert "cursor" in error(cursor=by_created, sort="confidence")
    assert "cursor" in error(cursor=by_confidence, sort="created")
    assert "limit" in error(limit=0)
    unknown = client.get("/api/tasks", params={"annotator": "nobody"}, headers=headers)
    assert unknown.status_code == 404 and "'nobody'" in unknown.json()["error"]


def test_detail_of_a_pending_task_says_why(client, accounts, world, db):
    headers = accounts["manager"].headers
    detail = make.ok(client.get(f"/api/tasks/{world['answered']}/detail", headers=headers))
    assert detail["task"]["task_id"] == world["answered"]
    assert detail["task"]["params"]["attachment"] == "a red fox"
    [answer] = detail["answers"]
    assert answer["annotator"] == "ann1" and answer["response"] == {"category": "a"}
    # The weight is ann1's measured skill: none until the app's in-process worker has refitted
    # skills, which it may do at any moment (read after the request: a refit never unsets it).
    with db.session() as s:
        skill = s.scalar(select(ProjectAnnotator.skill).join(User).where(User.name == "ann1"))
    assert answer["agreement"] == 1.0
    assert answer["weight"] in {None, None if skill is None else round(skill, 3)}
    assert detail["consensus"] == {"category": "a"} and 0 < detail["confidence"] < 1
    pending = detail["pending"]
    assert (pending["answered"], pending["needed"], pending["min_overlap"]) == (1, 2, 2)
    assert pending["confidence_target"] == 0.9 and pending["open_leases"] == []
    assert "1 of the 2 answers every task gets are in" in pending["reasons"]
    assert [e["event"] for e in detail["history"]] == ["created", "answered"]
    assert detail["actions"] == {"reopen": False, "send_to_review": False, "cancel": True}
    # A lease someone holds now is named.
    with db.session(write=True) as s:
        ann3 = make.person(s, "ann3", projects=["p"])
        claimed = assignments.claim_next(s, ann3.principal, "p")
    assert claimed["task_id"] == world["answered"]
    pending = make.ok(client.get(f"/api/tasks/{world['answered']}/detail", headers=headers))
    assert [lease["annotator"] for lease in pending["pending"]["open_leases"]] == ["ann3"]
    assert "leased now to ann3" in pending["pending"]["reasons"]


def test_detail_of_gold_and_completed_tasks(client, accounts, world):
    headers = accounts["manager"].headers
    gold = make.ok(client.get(f"/api/tasks/{world['gold']}/detail", headers=headers))
    assert gold["task"]["is_gold"] and gold["task"]["expected_response"] == {"category": "a"}
    assert any("gold task stays pending" in r for r in gold["pending"]["reasons"])
    done = make.ok(client.get(f"/api/tasks/{world['ids'][1]}/detail", headers=headers))
    assert done["pending"] is None and done["confidence"] == 0.6
    assert done["consensus"] == {"category": "a"} and done["answers"] == []
    assert [e["event"] for e in done["history"]] == ["created", "completed"]
    assert done["actions"] == {"reopen": True, "send_to_review": True, "cancel": False}
    missing = client.get("/api/tasks/" + "0" * 24 + "/detail", headers=headers)
    assert missing.status_code == 404


def test_send_to_review_then_reopen(client, accounts, world):
    headers = accounts["manager"].headers
    task_id = world["ids"][1]
    sent = make.ok(client.post(f"/api/tasks/{task_id}/send-to-review", headers=headers))
    assert sent["review_status"] == "pending" and sent["status"] == "completed"
    queue = make.ok(client.post("/api/projects/p/reviews/next", headers=headers))
    assert queue["task_id"] == task_id
    detail = make.ok(client.get(f"/api/tasks/{task_id}/detail", headers=headers))
    assert detail["actions"]["send_to_review"] is False
    reopened = make.ok(client.post(f"/api/tasks/{task_id}/reopen", headers=headers))
    assert reopened["status"] == "pending" and reopened["response"] is None
    assert reopened["confidence"] is None and reopened["review_status"] is None
    assert client.post("/api/projects/p/reviews/next", headers=headers).status_code == 204
    again = client.post(f"/api/tasks/{task_id}/reopen", headers=headers)
    assert again.status_code == 400 and "only completed, canceled, error" in again.json()["error"]
    not_done = client.post(f"/api/tasks/{task_id}/send-to-review", headers=headers)
    assert not_done.status_code == 400 and "only completed tasks" in not_done.json()["error"]
    # A canceled task comes back waiting for the answers it still needed.
    canceled = make.ok(client.post(f"/api/tasks/{world['canceled']}/reopen", headers=headers))
    assert canceled["status"] == "pending"
    assert _ids(client, accounts, status="canceled") == []


def test_history_tells_skips_reviews_and_callbacks(client, accounts, world, db):
    """A skip, the completion, a review verdict and the callback it sent, oldest first."""
    task_id = world["ids"][3]
    with db.session(write=True) as s:
        s.execute(
            update(Task).where(Task.id == task_id).values(callback_url="https://example.com/cb")
        )
        s.commit()
        ann2 = make.person(s, "ann4", projects=["p"])
        claimed = assignments.claim_next(s, ann2.principal, "p")
        assignments.skip(s, ann2.principal, claimed["assignment_id"], "cannot tell")
    headers = accounts["manager"].headers
    verdict = {"decision": "accept", "comment": "fine"}
    make.ok(client.post(f"/api/tasks/{task_id}/review", json=verdict, headers=headers))
    history = make.ok(client.get(f"/api/tasks/{task_id}/detail", headers=headers))["history"]
    events = [(e["event"], e["by"], e["detail"]) for e in history]
    assert events[:2] == [("created", None, None), ("completed", None, "confidence 0.60")]
    assert ("reviewed", "manager", "reviewer: accepted (fine)") in events
    [callback] = [e for e in events if e[0] == "callback"]
    assert callback[2] == "audited to https://example.com/cb: queued"
    skipped = make.ok(client.get(f"/api/tasks/{claimed['task_id']}/detail", headers=headers))
    assert ("skipped", "ann4", "cannot tell") in [
        (e["event"], e["by"], e["detail"]) for e in skipped["history"]
    ]
    assert [e["at"] for e in history] == sorted(e["at"] for e in history)


def test_reopen_forgets_the_rejections(client, accounts, db):
    """A task rejected past the limit fails; a manager's reopen gives it the whole limit again,
    so the next rejection sends it back to the queue instead of failing it at once."""
    headers = accounts["manager"].headers
    with db.session(write=True) as s:
        make.project(s, "strict", policy={"review_reject_limit": 1})
        [task_id] = creation.create_tasks(s, "strict", [{"attachment": "a tabby"}])
    reject = {"decision": "reject", "comment": "wrong"}

    def complete_and_reject() -> str:
        with db.session(write=True) as s:
            make.complete(s, task_id)
        make.ok(client.post(f"/api/tasks/{task_id}/review", json=reject, headers=headers))
        return make.ok(client.get(f"/api/tasks/{task_id}", headers=headers))["status"]

    assert [complete_and_reject(), complete_and_reject()] == ["pending", "error"]
    make.ok(client.post(f"/api/tasks/{task_id}/reopen", headers=headers))
    assert complete_and_reject() == "pending"


def test_a_pre_label_is_not_searched(client, accounts, db):
    """The search reads the task's data, not a machine's guess at its answer (`hypothesis`):
    an imported pre-label's coordinates match nothing."""
    params = {"geometries": {"box": {"objects_to_annotate": ["car"]}}}
    box = {"type": "box", "label": "car", "left": 123.5, "top": 7, "width": 9, "height": 9}
    hypothesis = {"annotations": [box], "links": [], "global_attributes": {}}
    with db.session(write=True) as s:
        catalog.create_project(s, "img", "imageannotation", params=params)
        [task_id] = creation.create_tasks(
            s, "img", [{"attachment": "https://cdn.example.com/cat.jpg", "hypothesis": hypothesis}]
        )
    assert _ids(client, accounts, project="img", text="cat.jpg") == [task_id]
    assert _ids(client, accounts, project="img", text="123.5") == []
