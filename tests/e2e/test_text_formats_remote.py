"""The text formats across the wire: the `quorum` command on another machine imports a CoNLL
file and exports Parquet, CoNLL and a spaCy DocBin from a live server, read by their libraries."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import datasets
import orjson
import spacy
from seqeval.metrics.sequence_labeling import get_entities
from spacy.tokens import DocBin

QUORUM = str(Path(sys.executable).parent / "quorum")
CONLL = "Ann B-PER\nLee I-PER\nsaw O\nOslo B-LOC\n\nBo B-PER\nleft O\n"


def _ok(result: subprocess.CompletedProcess) -> str:
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_conll_in_and_hf_conll_spacy_out_through_a_live_server(live_server, tmp_path):
    _ok(live_server.cli("users", "create", "boss", "--role", "manager"))
    # A test key: its tasks complete by machine, so they have labels to export.
    key = _ok(live_server.cli("users", "create-key", "boss", "--test")).splitlines()[-1]
    clean = {k: v for k, v in os.environ.items() if not k.startswith("QUORUM_")}
    env = {**clean, "QUORUM_URL": live_server.url, "QUORUM_API_KEY": key}

    def quorum(*args: str) -> str:
        done = subprocess.run([QUORUM, *args], cwd=tmp_path, env=env, capture_output=True,
                              text=True, timeout=120)  # fmt: skip
        return _ok(done)

    labels = orjson.dumps({"labels": [{"name": "PER"}, {"name": "LOC"}]}).decode()
    quorum("projects", "create", "ner", "--type", "namedentityrecognition", "--params", labels)
    (tmp_path / "in.conll").write_text(CONLL)
    assert "imported 2 tasks" in quorum(
        "import", "in.conll", "--project", "ner", "--as", "hypothesis"
    )
    for fmt, name in (("hf", "out.parquet"), ("conll", "out.conll"), ("spacy", "out.spacy")):
        quorum("export", "--project", "ner", "--format", fmt, "--out", name)
    ds = datasets.load_dataset("parquet", data_files=str(tmp_path / "out.parquet"), split="train",
                               cache_dir=str(tmp_path / "cache"))  # fmt: skip
    assert ds["tokens"] == [["Ann", "Lee", "saw", "Oslo"], ["Bo", "left"]]
    names = ds.features["ner_tags"].feature.names
    tags = [[names[t] for t in row] for row in ds["ner_tags"]]
    assert all(get_entities(t) for t in tags)  # the machine tagged a word in each
    blocks = (tmp_path / "out.conll").read_text().split("\n\n")[1:]
    assert [[line.split()[-1] for line in b.splitlines()] for b in blocks if b.strip()] == tags
    docs = list(DocBin().from_disk(tmp_path / "out.spacy").get_docs(spacy.blank("en").vocab))
    assert [d.text for d in docs] == ["Ann Lee saw Oslo", "Bo left"]
    assert [[e.label_ for e in d.ents] for d in docs] == [["PER"], ["PER"]]
