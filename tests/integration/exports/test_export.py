"""Export: one line per task, with every annotation, its annotator and time spent."""

from __future__ import annotations

import dataclasses

import orjson
import pytest
from tests import factories as make

from quorum import tasktypes
from quorum.db.models import Annotation
from quorum.formats.exporters import EXPORTERS
from quorum.services.exports import export
from quorum.services.tasks import creation


def test_export_carries_annotations_tags_and_responses(db):
    with db.session(write=True) as s:
        make.project(s)
        ann, bea = make.people(s, "ann", "bea").values()
        ids = creation.create_tasks(
            s, "p", [{"attachment": f"t{i}", "tags": ["x"] if i == 1 else []} for i in range(4)]
        )
        for task_id, who, label in ((ids[1], ann, "a"), (ids[1], bea, "b"), (ids[3], bea, "a")):
            user_id = who.principal.user_id
            s.add(
                Annotation(
                    task_id=task_id, user_id=user_id, response={"category": label}, time_spent_s=4.5
                )
            )
        make.complete(s, ids[1], {"category": "a"}, confidence=0.93)
        chunks, media_type = export.export_chunks(s, "p")
        lines = [orjson.loads(line) for line in b"".join(chunks).splitlines()]
        assert media_type == "application/x-ndjson"
        assert [line["task_id"] for line in lines] == ids
        assert lines[1]["status"] == "completed" and lines[1]["confidence"] == 0.93
        assert lines[1]["response"] == {"category": "a"} and lines[1]["tags"] == ["x"]
        assert [
            (a["annotator"], a["response"]["category"], a["time_spent_s"])
            for a in lines[1]["annotations"]
        ] == [("ann", "a", 4.5), ("bea", "b", 4.5)]
        assert [a["annotator"] for a in lines[3]["annotations"]] == ["bea"]
        assert lines[0]["annotations"] == [] and lines[2]["annotations"] == []
        assert lines[0]["params"]["attachment"] == "t0"
        assert lines[0]["created_at"].endswith("Z")
        only_done = b"".join(export.export_chunks(s, "p", status="completed")[0]).splitlines()
        assert len(only_done) == 1


def test_a_format_the_task_type_does_not_name_is_refused(db, client, accounts, monkeypatch):
    """Formats serve the task types that name them: another is a 400 naming the format."""
    monkeypatch.setitem(EXPORTERS, "csv", (lambda tasks: iter([b"task_id\n"]), "text/csv"))
    with db.session(write=True) as s:
        make.project(s)
    auth = (accounts["manager"].key, "")
    refused = client.get("/api/projects/p/export?format=csv", auth=auth)
    assert refused.status_code == 400
    assert refused.json()["error"] == (
        "export format 'csv' does not serve categorization projects; they export as jsonl"
    )
    unknown = client.get("/api/projects/p/export?format=parquet", auth=auth)
    assert unknown.status_code == 400 and "'parquet'" in unknown.json()["error"]
    categorization = tasktypes.get("categorization")
    named = dataclasses.replace(categorization, exporters=("jsonl", "csv"))
    monkeypatch.setitem(tasktypes._REGISTRY, "categorization", named)
    served = client.get("/api/projects/p/export?format=csv", auth=auth)
    assert served.status_code == 200, served.text
    assert served.headers["content-type"].startswith("text/csv") and served.content == b"task_id\n"


@pytest.mark.parametrize("name", tasktypes.names())
def test_every_type_exports_in_formats_that_exist(name):
    assert set(tasktypes.get(name).exporters) <= EXPORTERS.keys()
