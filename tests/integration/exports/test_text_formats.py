"""The text, NER, LLM and audio formats through the API and the CLI, read by their consumers:
seqeval, spaCy, `datasets`; imports of CoNLL, Parquet and CSV as tasks, pre-labels or gold."""

from __future__ import annotations

import csv
import io
import sys

import datasets
import orjson
import pytest
import spacy
from seqeval.metrics.sequence_labeling import get_entities
from spacy.tokens import DocBin
from sqlalchemy import select
from tests import factories as make
from typer.testing import CliRunner

from quorum.config import get_settings
from quorum.db.models import GoldAnswer, Project, Task
from quorum.services.tasks import creation

LABELS = {"labels": [{"name": "PER"}, {"name": "LOC"}]}
TEXTS = [
    ("Ann Lee flew to Oslo.", [(0, 7, "PER"), (16, 20, "LOC")]),
    ("Bo stayed in Rome-ish areas", [(0, 2, "PER"), (13, 17, "LOC")]),
]


def _ner_project(s, name: str = "ner") -> list[str]:
    make.project(s, name, "namedentityrecognition", params=LABELS)
    ids = creation.create_tasks(s, name, [{"text": text} for text, _ in TEXTS])
    for task_id, (_, spans) in zip(ids, TEXTS, strict=True):
        annotations = [{"start": a, "end": b, "label": c} for a, b, c in spans]
        make.complete(s, task_id, {"annotations": annotations}, confidence=0.8)
    return ids


def _export(client, auth, project: str, fmt: str) -> bytes:
    answer = client.get(f"/api/projects/{project}/export?format={fmt}", auth=auth)
    assert answer.status_code == 200, answer.text
    return answer.content


def test_ner_exports_read_by_seqeval_spacy_and_datasets(db, client, accounts, tmp_path):
    with db.session(write=True) as s:
        ids = _ner_project(s)
    auth = (accounts["manager"].key, "")
    blocks = _export(client, auth, "ner", "conll").decode().split("\n\n")[1:]
    tags = [[line.split()[-1] for line in b.splitlines()] for b in blocks if b.strip()]
    assert [get_entities(t) for t in tags] == [
        [("PER", 0, 1), ("LOC", 4, 4)],
        [("PER", 0, 0), ("LOC", 3, 3)],
    ]
    path = tmp_path / "train.spacy"
    path.write_bytes(_export(client, auth, "ner", "spacy"))
    docs = list(DocBin().from_disk(path).get_docs(spacy.blank("en").vocab))
    for doc, (text, spans) in zip(docs, TEXTS, strict=True):
        assert doc.text == text
        assert [(e.start_char, e.end_char, e.label_) for e in doc.ents] == spans
    assert [d.user_data["task_id"] for d in docs] == ids
    (tmp_path / "ner.parquet").write_bytes(_export(client, auth, "ner", "hf"))
    ds = datasets.load_dataset(
        "parquet", data_files=str(tmp_path / "ner.parquet"), split="train",
        cache_dir=str(tmp_path / "cache"),
    )  # fmt: skip
    names = ds.features["ner_tags"].feature.names
    assert [[names[t] for t in row] for row in ds["ner_tags"]] == tags
    assert ds["task_id"] == ids and ds["confidence"] == [0.8, 0.8]


def test_a_format_not_served_and_spacy_missing_are_400s(db, client, accounts, monkeypatch):
    with db.session(write=True) as s:
        make.project(s)
        _ner_project(s)
    auth = (accounts["manager"].key, "")
    refused = client.get("/api/projects/p/export?format=conll", auth=auth)
    assert refused.status_code == 400
    assert "does not serve categorization projects" in refused.json()["error"]
    monkeypatch.setitem(sys.modules, "spacy", None)
    missing = client.get("/api/projects/ner/export?format=spacy", auth=auth)
    assert missing.status_code == 400 and "quorum-labeling[spacy]" in missing.json()["error"]


def _tasks(s, project: str) -> list[Task]:
    """The tasks of `project`, oldest first."""
    query = select(Task).join(Project, Project.id == Task.project_id)
    return list(s.scalars(query.where(Project.name == project).order_by(Task.id)))


@pytest.fixture
def cli(db_url, monkeypatch):
    """`quorum …` on the test database, in process."""
    from quorum.cli.main import app

    monkeypatch.setenv("QUORUM_DATABASE_URL", db_url)
    get_settings.cache_clear()
    runner = CliRunner()
    yield lambda *args: runner.invoke(app, list(args))
    get_settings.cache_clear()


def test_conll_export_imports_as_gold_by_cli_and_as_prelabels_by_api(
    db, client, accounts, cli, tmp_path
):
    with db.session(write=True) as s:
        _ner_project(s)
        make.project(s, "gold", "namedentityrecognition", params=LABELS)
        make.project(s, "pre", "namedentityrecognition", params=LABELS)
    out = tmp_path / "ner.conll"
    exported = cli("export", "--project", "ner", "--format", "conll", "--out", str(out))
    assert exported.exit_code == 0, exported.output
    imported = cli("import", str(out), "--project", "gold", "--format", "conll", "--as", "gold")
    assert imported.exit_code == 0, imported.output
    assert "imported 2 tasks" in imported.output
    with db.session() as s:
        gold = _tasks(s, "gold")
        assert [t.params["text"] for t in gold] == [
            "Ann Lee flew to Oslo .",
            "Bo stayed in Rome - ish areas",
        ]
        assert all(t.is_gold for t in gold)
        expected = s.get(GoldAnswer, gold[0].id).expected_response
        assert [(a["text"], a["label"]) for a in expected["annotations"]] == [
            ("Ann Lee", "PER"),
            ("Oslo", "LOC"),
        ]
    auth = (accounts["manager"].key, "")
    answer = client.post(
        "/api/projects/pre/tasks/import?filename=ner.conll&as=hypothesis",
        auth=auth,
        content=out.read_bytes(),
    )
    assert answer.status_code == 200, answer.text
    with db.session() as s:
        pre = _tasks(s, "pre")
        assert [a["text"] for a in pre[1].params["hypothesis"]["annotations"]] == ["Bo", "Rome"]
        assert not any(t.is_gold for t in pre)


def test_a_bad_conll_file_names_file_and_line_and_imports_nothing(db, client, accounts):
    with db.session(write=True) as s:
        make.project(s, "ner", "namedentityrecognition", params=LABELS)
        make.project(s)
    auth = (accounts["manager"].key, "")
    wrong_type = client.post("/api/projects/p/tasks/import?format=conll", auth=auth, content=b"")
    assert wrong_type.status_code == 400
    assert "'conll' does not fill categorization projects" in wrong_type.json()["error"]
    bad = b"Ann B-PER\n\nBo B-ORG\n"  # ORG is not a label of the project
    answer = client.post(
        "/api/projects/ner/tasks/import?filename=x.conll&as=gold", auth=auth, content=bad
    )
    assert answer.status_code == 400
    assert "x.conll, line 3" in answer.json()["error"] and "'ORG' is not a label" in answer.text
    with db.session() as s:
        assert _tasks(s, "ner") == []


def test_hf_export_round_trips_through_the_hf_import(db, client, accounts, cli, tmp_path):
    with db.session(write=True) as s:
        make.project(s)
        ids = make.tasks(s, n=3)
        make.complete(s, ids[0], {"category": "b"}, confidence=0.7)
        make.project(s, "copy", params=make.CATEGORIES)
    out = tmp_path / "p.parquet"
    result = cli("export", "--project", "p", "--format", "hf", "--out", str(out))
    assert result.exit_code == 0, result.output
    ds = datasets.load_dataset(
        "parquet", data_files=str(out), split="train", cache_dir=str(tmp_path / "c")
    )
    assert ds.features["label"].names == make.CATEGORIES["categories"]
    assert ds.features["label"].int2str(ds[0]["label"]) == "b" and ds[1]["label"] is None
    auth = (accounts["manager"].key, "")
    answer = client.post(
        "/api/projects/copy/tasks/import?format=hf&as=hypothesis",
        auth=auth,
        content=out.read_bytes(),
    )
    assert answer.status_code == 200, answer.text
    with db.session() as s:
        copied = _tasks(s, "copy")
        assert [t.params["attachment"] for t in copied] == ["t0", "t1", "t2"]
        assert copied[0].params["hypothesis"] == {"category": "b"}
        assert "hypothesis" not in copied[1].params


def test_csv_export_round_trips_through_the_csv_import_as_gold(db, client, accounts):
    with db.session(write=True) as s:
        make.project(s)
        ids = make.tasks(s, n=2)
        make.complete(s, ids[1], {"category": "a"}, confidence=0.6)
        make.project(s, "copy", params=make.CATEGORIES)
    auth = (accounts["manager"].key, "")
    data = _export(client, auth, "p", "csv")
    rows = list(csv.DictReader(io.StringIO(data.decode())))
    assert [(r["task_id"], r["attachment"], r["category"]) for r in rows] == [
        (ids[0], "t0", ""),
        (ids[1], "t1", "a"),
    ]
    answer = client.post(
        "/api/projects/copy/tasks/import?format=csv&as=gold", auth=auth, content=data
    )
    assert answer.status_code == 200, answer.text
    with db.session() as s:
        copied = _tasks(s, "copy")
        assert [t.is_gold for t in copied] == [False, True]
        assert s.get(GoldAnswer, copied[1].id).expected_response == {"category": "a"}
        assert "task_id" not in copied[0].params and "status" not in copied[0].params


def test_preference_sft_and_asr_exports_load_with_datasets(db, client, accounts, tmp_path):
    candidates = [{"id": "a", "content": "Yes."}, {"id": "b", "content": "No."}]
    with db.session(write=True) as s:
        make.project(s, "cmp", "comparison")
        [cmp] = creation.create_tasks(s, "cmp", [{"prompt": "Well?", "candidates": candidates}])
        make.complete(s, cmp, {"choice": "b"}, confidence=0.9)
        make.project(s, "asr", "audiotranscription")
        [clip] = creation.create_tasks(
            s, "asr", [{"attachment": "https://x.test/a.wav", "duration": 2.0}]
        )
        make.complete(s, clip, {"transcript": "hello"})
    auth = (accounts["manager"].key, "")
    for fmt in ("preference", "sft"):
        (tmp_path / f"{fmt}.jsonl").write_bytes(_export(client, auth, "cmp", fmt))
    load = {"split": "train", "cache_dir": str(tmp_path / "cache")}
    pairs = datasets.load_dataset("json", data_files=str(tmp_path / "preference.jsonl"), **load)
    assert pairs[0]["chosen"] == [{"role": "assistant", "content": "No."}]
    assert pairs[0]["rejected"] == [{"role": "assistant", "content": "Yes."}]
    assert (
        pairs[0]["prompt"] == [{"role": "user", "content": "Well?"}] and pairs[0]["task_id"] == cmp
    )
    chats = datasets.load_dataset("json", data_files=str(tmp_path / "sft.jsonl"), **load)
    assert chats[0]["messages"][-1] == {"role": "assistant", "content": "No."}
    [row] = [orjson.loads(line) for line in _export(client, auth, "asr", "asr").splitlines()]
    assert (row["audio_filepath"], row["duration"], row["text"]) == (
        "https://x.test/a.wav",
        2.0,
        "hello",
    )
