"""The hf export is a dataset `datasets` loads with its features; the import reads it back."""

from __future__ import annotations

import io

import datasets
import orjson
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from quorum.formats import hf
from quorum.formats.exporters import ExportContext
from quorum.formats.importers import FormatError, ImportContext

from .exported_tasks import task

CATEGORIES = {"categories": ["pos", "neg", "meh"]}


def _load(tmp_path, data: bytes) -> datasets.Dataset:
    tmp_path.mkdir(exist_ok=True)
    path = tmp_path / "export.parquet"
    path.write_bytes(data)
    return datasets.load_dataset(
        "parquet", data_files=str(path), split="train", cache_dir=str(tmp_path / "cache")
    )


def test_categorization_loads_with_a_class_label(tmp_path, monkeypatch):
    monkeypatch.setattr(hf, "ROW_GROUP", 7)  # several row groups
    tasks = [
        task(i, {"attachment": f"text {i}"}, {"category": ["pos", "neg"][i % 2]}) for i in range(20)
    ]
    tasks.append(task(20, {"attachment": "not yet"}))
    chunks = list(hf.encode(tasks, ExportContext("p", "categorization", CATEGORIES)))
    assert len(chunks) > 3  # streamed, group by group
    ds = _load(tmp_path, b"".join(chunks))
    assert ds.features["label"] == datasets.ClassLabel(names=["pos", "neg", "meh"])
    assert ds.features["text"] == datasets.Value("string")
    assert ds.features["confidence"] == datasets.Value("float64")
    assert len(ds) == 21 and ds[1]["label"] == 1 and ds[20]["label"] is None
    assert ds.features["label"].int2str(ds[0]["label"]) == "pos"
    assert orjson.loads(ds[3]["response"]) == {"category": "neg"} and ds[3]["task_id"] == "task_3"
    assert pq.ParquetFile(io.BytesIO(b"".join(chunks))).num_row_groups == 3


def test_multiple_choice_is_a_sequence_of_class_labels(tmp_path):
    ctx = ExportContext("p", "categorization", {**CATEGORIES, "allow_multiple": True})
    data = b"".join(hf.encode([task(0, {"attachment": "x"}, {"category": ["neg", "meh"]})], ctx))
    ds = _load(tmp_path, data)
    assert ds.features["label"].feature == datasets.ClassLabel(names=["pos", "neg", "meh"])
    assert ds[0]["label"] == [1, 2]


def test_ner_loads_as_tokens_and_ner_tags_and_reads_back(tmp_path):
    labels = {"labels": [{"name": "PER"}, {"name": "LOC"}]}
    spans = [{"start": 0, "end": 3, "label": "PER"}, {"start": 10, "end": 15, "label": "LOC"}]
    tasks = [task(0, {"text": "Ann lives Paris."}, {"annotations": spans})]
    data = b"".join(hf.encode(tasks, ExportContext("p", "namedentityrecognition", labels)))
    ds = _load(tmp_path, data)
    tag_names = ds.features["ner_tags"].feature.names
    assert tag_names == ["O", "B-PER", "I-PER", "B-LOC", "I-LOC"]
    assert ds[0]["tokens"] == ["Ann", "lives", "Paris", "."]
    assert [tag_names[t] for t in ds[0]["ner_tags"]] == ["B-PER", "O", "B-LOC", "O"]
    items = list(hf.read(io.BytesIO(data), ImportContext("namedentityrecognition", labels)))
    assert items[0].record == {"text": "Ann lives Paris.", "unique_id": "u0"}
    assert items[0].label == {"annotations": spans}


def test_every_type_loads(tmp_path):
    ctx = ExportContext("p", "comparison", {})
    params = {
        "prompt": "hi",
        "candidates": [{"id": "a", "content": "A"}, {"id": "b", "content": "B"}],
    }
    ds = _load(tmp_path, b"".join(hf.encode([task(0, params, {"choice": "a"})], ctx)))
    assert orjson.loads(ds[0]["params"]) == params and ds[0]["status"] == "completed"
    # `load_dataset` refuses any empty split; the file still declares its features.
    empty = pq.read_table(io.BytesIO(b"".join(hf.encode([], ctx))))
    assert empty.num_rows == 0
    assert datasets.Features.from_arrow_schema(empty.schema)["params"] == datasets.Value("string")


def _parquet(table: pa.Table, features: datasets.Features | None = None) -> io.BytesIO:
    if features is not None:
        table = table.replace_schema_metadata(features.arrow_schema.metadata)
    out = io.BytesIO()
    pq.write_table(table, out)
    out.seek(0)
    return out


def test_a_dataset_written_by_datasets_imports_by_its_class_label_names():
    features = datasets.Features(
        {
            "tokens": datasets.Sequence(datasets.Value("string")),
            "ner_tags": datasets.Sequence(datasets.ClassLabel(names=["O", "B-PER", "I-PER"])),
        }
    )
    ds = datasets.Dataset.from_dict(
        {"tokens": [["Ann", "Lee", "ran"]], "ner_tags": [[1, 2, 0]]}, features=features
    )
    out = io.BytesIO()
    ds.to_parquet(out)
    out.seek(0)
    [item] = hf.read(out, ImportContext("namedentityrecognition"))
    assert item.record == {"text": "Ann Lee ran"}
    assert item.label == {
        "annotations": [{"start": 0, "end": 7, "label": "PER", "text": "Ann Lee"}]
    }
    text = datasets.Dataset.from_dict(
        {"text": ["good", "bad", "?"], "label": [0, 1, -1]},
        features=datasets.Features(
            {"text": datasets.Value("string"), "label": datasets.ClassLabel(names=["pos", "neg"])}
        ),
    )
    out = io.BytesIO()
    text.to_parquet(out)
    out.seek(0)
    items = list(hf.read(out, ImportContext("categorization")))
    assert [i.label for i in items] == [{"category": "pos"}, {"category": "neg"}, None]
    assert items[0].record == {"attachment_type": "text", "attachment": "good"}


def test_bad_files_are_named():
    with pytest.raises(FormatError, match="not a Parquet file"):
        list(hf.read(io.BytesIO(b"hello"), ImportContext("categorization")))
    with pytest.raises(FormatError, match="expected the columns params"):
        list(hf.read(_parquet(pa.table({"x": [1]})), ImportContext("categorization")))
    bad_json = _parquet(pa.table({"params": ['{"a": 1}', "{oops"]}))
    with pytest.raises(FormatError, match="column 'params': not valid JSON") as err:
        list(hf.read(bad_json, ImportContext("categorization")))
    assert err.value.where == "row 2"
    features = datasets.Features(
        {"text": datasets.Value("string"), "label": datasets.ClassLabel(names=["a"])}
    )
    out_of_range = _parquet(pa.table({"text": ["x"], "label": [3]}), features)
    with pytest.raises(FormatError, match="3 is not a class id"):
        list(hf.read(out_of_range, ImportContext("categorization")))
