"""Batch lifecycle: staging -> in_progress -> completed, and status counts."""

from __future__ import annotations

import pytest

from quorum.db.models import Task
from quorum.services import batches, projects, task_create, tasks
from quorum.services.errors import Conflict, InvalidRequest


def _complete(s, task_id):
    row = s.get(Task, task_id)
    row.status = "completed"
    s.flush()
    batches.complete_if_done(s, [row.batch_id])
    s.commit()


def test_lifecycle_and_counts(db):
    with db.session(write=True) as s:
        projects.create_project(s, "p", "categorization", params={"categories": ["a", "b"]})
        b = batches.create_batch(s, "p", "b1", metadata={"owner": "ml"})
        assert (b["status"], b["metadata"]) == ("staging", {"owner": "ml"})
        with pytest.raises(Conflict):
            batches.create_batch(s, "p", "b1")
        ids = task_create.create_tasks(
            s, "p", [{"attachment": str(i)} for i in range(3)], batch="b1"
        )
        assert batches.finalize_batch(s, "b1")["status"] == "in_progress"
        tasks.cancel_task(s, ids[0])
        _complete(s, ids[1])
        assert batches.status_counts(s, "b1") == {
            "status": "in_progress",
            "pending": 1,
            "completed": 1,
            "canceled": 1,
            "error": 0,
        }
        _complete(s, ids[2])
        batch, _ = batches.get_batch(s, "b1")
        s.refresh(batch)
        assert batch.status == "completed" and batch.completed_at is not None
        with pytest.raises(InvalidRequest, match="completed"):
            task_create.create_tasks(s, "p", [{"attachment": "late"}], batch="b1")


def test_staging_batch_does_not_complete_and_belongs_to_its_project(db):
    with db.session(write=True) as s:
        projects.create_project(s, "p", "categorization", params={"categories": ["a", "b"]})
        projects.create_project(s, "q", "categorization", params={"categories": ["a", "b"]})
        batches.create_batch(s, "p", "b1")
        [task_id] = task_create.create_tasks(s, "p", [{"attachment": "x"}], batch="b1")
        _complete(s, task_id)
        assert batches.get_batch(s, "b1")[0].status == "staging"
        assert batches.finalize_batch(s, "b1")["status"] == "completed"
        batches.create_batch(s, "q", "bq")
        with pytest.raises(InvalidRequest, match="belongs to project 'q'"):
            task_create.create_tasks(s, "p", [{"attachment": "x"}], batch="bq")
        docs, total = batches.list_batches(s, project="p")
        assert total == 1 and docs[0]["name"] == "b1"
        assert batches.list_batches(s, status="staging")[1] == 1
