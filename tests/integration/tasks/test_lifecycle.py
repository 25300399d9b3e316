"""The task lifecycle (quorum.services.tasks.lifecycle) on both databases: what each transition
sets, when a batch completes, and what a rejection in review does to a completed batch."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from quorum.db.models import Job, Task, utcnow
from quorum.db.statuses import ReviewStatus, TaskStatus
from quorum.services.accounts import users
from quorum.services.callbacks.outbox import BATCH_CALLBACK, TASK_CALLBACK
from quorum.services.errors import InvalidRequest
from quorum.services.labeling import assignments
from quorum.services.projects import catalog
from quorum.services.review import reviews
from quorum.services.tasks import batches, creation, lifecycle

TASK_URL = "https://example.com/task-hook"
BATCH_URL = "https://example.com/batch-hook"


def _task_events(s) -> list[tuple[str, str]]:
    jobs = s.scalars(select(Job).where(Job.kind == TASK_CALLBACK).order_by(Job.id))
    return [(j.payload["task_id"], j.payload["event"]) for j in jobs]


def _batch_events(s) -> list[int]:
    jobs = s.scalars(select(Job).where(Job.kind == BATCH_CALLBACK).order_by(Job.id))
    return [j.payload["batch_id"] for j in jobs]


def _fresh(s, task_id: str) -> Task:
    s.expire_all()  # completion writes on the driver's cursor, behind the ORM's back
    return s.get(Task, task_id)


def _complete(s, task: Task, *, review: bool = False) -> None:
    lifecycle.complete(
        s, task.id, {"category": "a"}, 0.9712345678, low=False, review=review,
        batch_id=task.batch_id, callback_url=TASK_URL,
    )  # fmt: skip


@pytest.fixture
def project(db):
    with db.session(write=True) as s:
        catalog.create_project(s, "p", "categorization", params={"categories": ["a", "b"]})


def test_each_transition_sets_status_timestamps_and_its_event(db, project):
    with db.session(write=True) as s:
        done, dropped, broken = creation.create_tasks(
            s, "p", [{"attachment": str(i), "callback_url": TASK_URL} for i in range(3)]
        )
        before = utcnow()
        _complete(s, s.get(Task, done), review=True)
        task = _fresh(s, done)
        assert task.status == TaskStatus.completed and task.response == {"category": "a"}
        assert task.confidence == 0.971235 and task.review_status == ReviewStatus.pending
        assert task.completed_at == task.updated_at and task.completed_at >= before

        task = s.get(Task, dropped)
        lifecycle.cancel(s, task)
        assert task.status == TaskStatus.canceled and task.updated_at >= before
        with pytest.raises(InvalidRequest, match="is canceled; only pending tasks can be"):
            lifecycle.cancel(s, task)

        task = _fresh(s, done)
        completed_at = task.completed_at
        lifecycle.reopen(s, task)
        s.flush()
        task = _fresh(s, done)
        assert (task.status, task.response, task.confidence) == (TaskStatus.pending, None, None)
        assert task.completed_at is None and task.needed == task.answered + 1
        assert task.updated_at >= completed_at

        task = s.get(Task, broken)
        _complete(s, task)
        task = _fresh(s, broken)
        lifecycle.fail(s, task)
        task = _fresh(s, broken)
        assert task.status == TaskStatus.error and task.response == {"category": "a"}
        assert task.updated_at >= task.completed_at
        # Callbacks: a completion and a failure tell the requester; cancel and reopen do not.
        assert _task_events(s) == [(done, "completed"), (broken, "completed"), (broken, "error")]
        s.commit()


def test_a_batch_completes_with_its_last_open_task_and_calls_back_once(db, project):
    with db.session(write=True) as s:
        batch = batches.create_batch(s, "p", "b", callback_url=BATCH_URL)
        first, second, third = creation.create_tasks(
            s, "p", [{"attachment": str(i)} for i in range(3)], batch="b"
        )
        creation.create_tasks(
            s, "p", [{"attachment": "gold", "gold": {"category": "a"}}], batch="b"
        )
        _complete(s, s.get(Task, first))
        lifecycle.cancel(s, s.get(Task, second))
        assert batches.get_batch(s, "b")[0].status == "in_progress" and _batch_events(s) == []
        _complete(s, s.get(Task, third))  # the last regular task; open gold does not hold it
        row, _ = batches.get_batch(s, "b")
        s.refresh(row)
        assert row.status == "completed" and row.completed_at is not None
        assert _batch_events(s) == [batch["id"]]
        # Later changes to its tasks (a failure, another completion) leave it as it is.
        lifecycle.fail(s, _fresh(s, first))
        lifecycle.reopen(s, _fresh(s, third))
        s.flush()
        _complete(s, _fresh(s, third))
        assert lifecycle.complete_done_batches(s, [batch["id"]]) == []
        assert _batch_events(s) == [batch["id"]]
        s.commit()


@pytest.fixture
def review_setup(db):
    """A project whose every completed task goes to review, one answer per task, and a task
    that may be rejected once before it is marked `error`."""
    with db.session(write=True) as s:
        people = {}
        for name, role in (("ann", "annotator"), ("bob", "annotator"), ("rev", "reviewer")):
            users.create_user(s, name, role)
            people[name] = users.authenticate_key(s, users.create_api_key(s, name))
        catalog.create_project(
            s, "p", "categorization", params={"categories": ["a", "b"]},
            policy={"min_overlap": 1, "max_overlap": 1, "review_rate": 1.0,
                    "review_reject_limit": 1},
        )  # fmt: skip
        for name in ("ann", "bob"):
            catalog.add_member(s, "p", name, "annotator")
        catalog.add_member(s, "p", "rev", "reviewer")
    return people


def _answer(s, who, label: str) -> str:
    claimed = assignments.claim_next(s, who, "p")
    assignments.submit(s, who, claimed["assignment_id"], {"category": label})
    return claimed["task_id"]


def test_a_rejection_in_review_leaves_a_completed_batch_completed(db, review_setup):
    people = review_setup
    with db.session(write=True) as s:
        batch = batches.create_batch(s, "p", "b", callback_url=BATCH_URL)
        [task_id] = creation.create_tasks(s, "p", [{"attachment": "x"}], batch="b")
        assert _answer(s, people["ann"], "a") == task_id
        row, _ = batches.get_batch(s, "b")
        assert row.status == "completed" and _batch_events(s) == [batch["id"]]
        completed_at = row.completed_at

        # Rejected once: the task goes back to the queue; the batch stays completed.
        result = reviews.decide(s, people["rev"], task_id, "reject")
        assert (result["status"], result["review_status"]) == ("pending", "rejected")
        s.refresh(row)
        assert (row.status, row.completed_at) == ("completed", completed_at)
        counts = batches.status_counts(s, "b")
        assert counts["status"] == "completed" and counts["pending"] == 1
        assert _answer(s, people["bob"], "b") == task_id  # answered again: completed again
        assert _fresh(s, task_id).status == TaskStatus.completed

        # Rejected past the limit: `error`; still one batch callback in all.
        assert reviews.decide(s, people["rev"], task_id, "reject")["status"] == "error"
        s.refresh(row)
        assert (row.status, row.completed_at) == ("completed", completed_at)
        assert _batch_events(s) == [batch["id"]]
        assert _task_events(s) == [
            (task_id, "completed"),
            (task_id, "completed"),
            (task_id, "audited"),
        ]
