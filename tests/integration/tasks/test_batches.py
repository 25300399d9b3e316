"""Batch lifecycle: staging -> in_progress -> completed, and status counts."""

from __future__ import annotations

import pytest
from tests import factories as make

from quorum.services.errors import Conflict, InvalidRequest
from quorum.services.tasks import batches, creation, edits, queries


def test_lifecycle_and_counts(db):
    with db.session(write=True) as s:
        make.project(s)
        b = batches.create_batch(s, "p", "b1", metadata={"owner": "ml"}, staging=True)
        assert (b["status"], b["metadata"]) == ("staging", {"owner": "ml"})
        with pytest.raises(Conflict):
            batches.create_batch(s, "p", "b1")
        ids = make.tasks(s, n=3, batch="b1")
        assert batches.finalize_batch(s, "b1")["status"] == "in_progress"
        edits.cancel_task(s, ids[0])
        make.complete(s, ids[1])
        assert batches.status_counts(s, "b1") == {
            "status": "in_progress",
            "pending": 1,
            "completed": 1,
            "canceled": 1,
            "error": 0,
        }
        make.complete(s, ids[2])
        batch, _ = batches.get_batch(s, "b1")
        s.refresh(batch)
        assert batch.status == "completed" and batch.completed_at is not None
        with pytest.raises(InvalidRequest, match="completed"):
            creation.create_tasks(s, "p", [{"attachment": "late"}], batch="b1")


def test_staging_batch_does_not_complete_and_belongs_to_its_project(db):
    with db.session(write=True) as s:
        make.project(s)
        make.project(s, "q")
        batches.create_batch(s, "p", "b1", staging=True)
        [task_id] = make.tasks(s, batch="b1")
        make.complete(s, task_id)
        assert batches.get_batch(s, "b1")[0].status == "staging"
        assert batches.finalize_batch(s, "b1")["status"] == "completed"
        batches.create_batch(s, "q", "bq")
        with pytest.raises(InvalidRequest, match="belongs to project 'q'"):
            creation.create_tasks(s, "p", [{"attachment": "x"}], batch="bq")
        docs, total = batches.list_batches(s, project="p")
        assert total == 1 and docs[0]["name"] == "b1"
        assert batches.list_batches(s, status="in_progress")[1] == 1  # bq


def test_batches_serve_at_once_unless_staged_and_list_newest_first(db):
    """As on Scale: staging is the Rapid/Studio workflow, asked for by the project's policy
    or the batch's flag; other batches are in progress from the start."""
    with db.session(write=True) as s:
        make.project(s)
        make.project(s, "rapid", policy={"stage_batches": True})
        now = batches.create_batch(s, "p", "now")
        assert now["status"] == "in_progress" and now["finalized_at"] is not None
        assert batches.create_batch(s, "p", "held", staging=True)["status"] == "staging"
        assert batches.create_batch(s, "rapid", "r1")["status"] == "staging"
        assert batches.create_batch(s, "rapid", "r2", staging=False)["status"] == "in_progress"
        [task_id] = make.tasks(s, batch="now")
        assert not queries.get_task_row(s, task_id).held
        assert batches.finalize_batch(s, "now")["status"] == "in_progress"  # a no-op
        docs, _ = batches.list_batches(s, limit=3)
        assert [d["name"] for d in docs] == ["r2", "r1", "held"]


def test_batch_metadata_has_the_task_cap(db):
    with db.session(write=True) as s:
        make.project(s)
        big = {"k": "x" * 10_001}
        with pytest.raises(InvalidRequest, match="metadata is larger than 10000 bytes"):
            batches.create_batch(s, "p", "b", metadata=big)
        with pytest.raises(InvalidRequest, match="metadata must be a JSON object"):
            batches.create_batch(s, "p", "b", metadata=[1])  # type: ignore[arg-type]
        batches.create_batch(s, "p", "b")
        with pytest.raises(InvalidRequest, match="metadata is larger than 10000 bytes"):
            batches.set_metadata(s, "b", big)
        [task_id] = make.tasks(s)
        with pytest.raises(InvalidRequest, match="metadata is larger than 10000 bytes"):
            edits.set_metadata(s, task_id, big)
        assert batches.list_batches(s)[1] == 1
