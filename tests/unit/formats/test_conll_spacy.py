"""CoNLL-2003 and spaCy DocBin exports of NER labels, read by seqeval and spaCy themselves."""

from __future__ import annotations

import io
import sys

import pytest
import spacy
from seqeval.metrics import classification_report
from seqeval.metrics.sequence_labeling import get_entities
from spacy.tokens import DocBin

from quorum.formats import conll, spacy_docbin
from quorum.formats.exporters import ExportContext
from quorum.formats.importers import FormatError, ImportContext

from .exported_tasks import task

LABELS = {"labels": [{"name": "PER"}, {"name": "LOC"}]}
CTX = ExportContext("p", "namedentityrecognition", LABELS)
TEXT = "Ann  Smith moved to New York-based\tstartups.\n"
SPANS = [
    {"start": 0, "end": 10, "label": "PER"},
    {"start": 20, "end": 28, "label": "LOC"},
    {"start": 24, "end": 28, "label": "LOC"},  # nested: only spaCy's span group keeps it
]
TASKS = [
    task(1, {"text": TEXT}, {"annotations": SPANS}),
    task(2, {"text": "nobody here"}),  # unlabelled: left out
    task(3, {"text": "Bo went home"}, {"annotations": [{"start": 0, "end": 2, "label": "PER"}]}),
]


def _conll_sentences(data: bytes) -> list[list[tuple[str, str]]]:
    """Read as CoNLL readers do: blank lines end sentences, -DOCSTART- is skipped."""
    sentences, current = [], []
    for line in data.decode().splitlines():
        columns = line.split()
        if not columns or columns[0] == "-DOCSTART-":
            if current:
                sentences.append(current)
            current = []
        else:
            current.append((columns[0], columns[-1]))
    return sentences + ([current] if current else [])


def test_conll_tags_are_read_by_seqeval():
    data = b"".join(conll.encode(TASKS, CTX))
    assert data.startswith(b"-DOCSTART- -X- -X- O\n\n")
    sentences = _conll_sentences(data)
    assert len(sentences) == 2
    tags = [[t for _, t in s] for s in sentences]
    assert [w for w, _ in sentences[0]] == ["Ann", "Smith", "moved", "to", "New", "York", "-",
                                           "based", "startups", "."]  # fmt: skip
    assert get_entities(tags[0]) == [("PER", 0, 1), ("LOC", 4, 5)]
    report = classification_report(tags, tags, output_dict=True)
    assert report["PER"]["support"] == 2 and report["LOC"]["f1-score"] == 1.0


def test_conll_reads_back_as_tasks_with_labels():
    data = b"".join(conll.encode(TASKS, CTX))
    items = list(conll.read(io.BytesIO(data), ImportContext("namedentityrecognition", LABELS)))
    assert [i.where for i in items] == ["line 3", "line 14"]
    first = items[0]
    assert first.record == {"text": "Ann Smith moved to New York - based startups ."}
    assert [(a["text"], a["label"]) for a in first.label["annotations"]] == [
        ("Ann Smith", "PER"),
        ("New York", "LOC"),
    ]


def test_conll_errors_name_the_line():
    bad = b"Ann B-PER\nmet O\n\nBo X-PER\n"
    with pytest.raises(FormatError) as err:
        list(conll.read(io.BytesIO(bad), ImportContext("namedentityrecognition")))
    assert err.value.where == "line 4" and "'X-PER' is not O" in err.value.msg
    with pytest.raises(FormatError, match="a token and its tag") as err:
        list(conll.read(io.BytesIO(b"Ann B-PER\nlonely\n"), ImportContext("x")))
    assert err.value.where == "line 2"
    with pytest.raises(FormatError, match="not UTF-8") as err:
        list(conll.read(io.BytesIO(b"Ann B-PER\n\xff\xfe O\n"), ImportContext("x")))
    assert err.value.where.startswith("after line")


def test_docbin_loads_in_spacy_with_exact_spans(tmp_path):
    path = tmp_path / "train.spacy"
    path.write_bytes(b"".join(spacy_docbin.encode(TASKS, CTX)))
    docs = list(DocBin().from_disk(path).get_docs(spacy.blank("en").vocab))
    assert [d.text for d in docs] == [TEXT, "Bo went home"]
    assert [(e.start_char, e.end_char, e.label_) for e in docs[0].ents] == [
        (0, 10, "PER"),
        (20, 28, "LOC"),
    ]
    group = docs[0].spans[spacy_docbin.SPAN_GROUP]
    assert [(s.start_char, s.end_char, s.text) for s in group] == [
        (0, 10, "Ann  Smith"),
        (20, 28, "New York"),
        (24, 28, "York"),
    ]
    assert spacy_docbin.SPAN_GROUP not in docs[1].spans  # nothing nested there
    assert docs[0].user_data["task_id"] == "task_1" and docs[0].user_data["confidence"] == 0.9


def test_docbin_without_spacy_is_refused_before_any_byte(monkeypatch):
    monkeypatch.setitem(sys.modules, "spacy", None)
    with pytest.raises(ValueError, match=r"needs spaCy: pip install 'quorum-labeling\[spacy\]'"):
        spacy_docbin.encode(TASKS, CTX)
