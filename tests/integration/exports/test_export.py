"""Export: one line per task, with every annotation, its annotator and time spent."""

from __future__ import annotations

import dataclasses

import orjson
import pytest
from tests import factories as make

from quorum import tasktypes
from quorum.db.models import Annotation
from quorum.formats.exporters import EXPORTERS, Exporter, check_registry
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
        chunks, exporter = export.export_chunks(s, "p")
        lines = [orjson.loads(line) for line in b"".join(chunks).splitlines()]
        assert exporter.media_type == "application/x-ndjson"
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
        completed = export.Selection(status="completed")
        only_done = b"".join(export.export_chunks(s, "p", selection=completed)[0]).splitlines()
        assert len(only_done) == 1


def test_a_format_the_task_type_does_not_name_is_refused(db, client, accounts, monkeypatch):
    """Formats serve the task types that name them: another is a 400 naming the format."""
    monkeypatch.setitem(
        EXPORTERS, "tsv", Exporter("tsv", "text/tab-separated-values", "tsv", f"{__name__}:tsv")
    )
    with db.session(write=True) as s:
        make.project(s)
    auth = (accounts["manager"].key, "")
    refused = client.get("/api/projects/p/export?format=tsv", auth=auth)
    assert refused.status_code == 400
    assert refused.json()["error"].startswith(
        "export format 'tsv' does not serve categorization projects; they export as jsonl"
    )
    unknown = client.get("/api/projects/p/export?format=parquet", auth=auth)
    assert unknown.status_code == 400 and "'parquet'" in unknown.json()["error"]
    categorization = tasktypes.get("categorization")
    named = dataclasses.replace(categorization, exporters=(*categorization.exporters, "tsv"))
    monkeypatch.setitem(tasktypes._REGISTRY, "categorization", named)
    served = client.get("/api/projects/p/export?format=tsv", auth=auth)
    assert served.status_code == 200, served.text
    assert served.headers["content-type"].startswith("text/tab-separated-values")
    assert served.content == b"task_id\n"
    assert served.headers["content-disposition"] == 'attachment; filename="p.tsv"'


def tsv(tasks, ctx):
    yield b"task_id\n"


def test_every_type_exports_in_formats_that_exist_and_serve_it():
    check_registry(tasktypes.get(name) for name in tasktypes.names())


def test_a_type_naming_a_format_that_does_not_serve_it_is_caught(monkeypatch):
    comparison_only = dataclasses.replace(EXPORTERS["jsonl"], serves=frozenset({"comparison"}))
    monkeypatch.setitem(EXPORTERS, "jsonl", comparison_only)
    with pytest.raises(LookupError, match="names format 'jsonl', which serves only comparison"):
        check_registry([tasktypes.get("categorization")])
    unknown = dataclasses.replace(tasktypes.get("categorization"), exporters=("nope",))
    with pytest.raises(LookupError, match="unknown format 'nope'"):
        check_registry([unknown])


def test_min_confidence_splits_the_export_in_two(db, client, accounts):
    """The sure tasks in one export, the rest (unlabelled ones too) with `below`."""
    with db.session(write=True) as s:
        make.project(s)
        ids = creation.create_tasks(s, "p", [{"attachment": f"t{i}"} for i in range(4)])
        make.complete(s, ids[0], {"category": "a"}, confidence=0.95)
        make.complete(s, ids[1], {"category": "a"}, confidence=0.6)
        make.complete(s, ids[2], {"category": "a"}, confidence=0.8)
    auth = (accounts["manager"].key, "")

    def exported(**params):
        answer = client.get("/api/projects/p/export", params=params, auth=auth)
        assert answer.status_code == 200, answer.text
        return [orjson.loads(line)["task_id"] for line in answer.content.splitlines()]

    assert exported(min_confidence=0.8) == [ids[0], ids[2]]
    assert exported(min_confidence=0.8, below="true") == [ids[1], ids[3]]
    assert len(exported()) == 4
    lonely = client.get("/api/projects/p/export?below=true", auth=auth)
    assert lonely.status_code == 400 and "below needs min_confidence" in lonely.json()["error"]
    out_of_range = client.get("/api/projects/p/export?min_confidence=1.5", auth=auth)
    assert out_of_range.status_code == 400 and "min_confidence" in out_of_range.text


def test_an_export_of_some_fields_reads_them_as_the_full_export_does(db):
    """The lean read an image format asks for gives the same values, selection and order."""
    with db.session(write=True) as s:
        make.project(s)
        ids = creation.create_tasks(
            s, "p", [{"attachment": f"t{i}", "metadata": {"width": i + 1}} for i in range(3)]
        )
        make.complete(s, ids[1], {"category": "a"}, confidence=0.9)
        fields = ("task_id", "params", "metadata", "response", "confidence", "is_gold", "batch")
        for selection in (export.Selection(), export.Selection(min_confidence=0.5)):
            full = [
                {name: task[name] for name in fields}
                for task in orjson.loads(orjson.dumps(list(export.iter_export(s, "p", selection))))
            ]
            lean = orjson.loads(orjson.dumps(list(export.iter_export(s, "p", selection, fields))))
            assert lean == full
        assert len(full) == 1 and full[0]["response"] == {"category": "a"}
