"""Hugging Face datasets as Parquet: what `datasets.load_dataset("parquet", data_files=…)` loads.

Every type's rows carry `task_id`, `unique_id`, `status`, `confidence` and the task's `params`
and consensus `response` as JSON text (lossless, and what the import reads back); some types
add the columns their training code reads: categorization a `label` `ClassLabel` over the
project's categories, NER `tokens` and IOB2 `ner_tags` (as the `conll2003` dataset),
transcription `audio`, `transcript` and `duration`. The feature schema is stored in the Parquet
schema metadata under `huggingface`, as `datasets` writes it, so writing needs pyarrow only.
Rows go out in row groups: memory holds one group, whatever the size of the export.

The import reads such a file back (`params` and `response` columns), or a dataset of the
common shapes: `tokens` + `ner_tags` for NER, `text` + `label` for categorization, a
`ClassLabel`'s ids read as its names.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import IO, Any

import orjson
import pyarrow as pa
import pyarrow.parquet as pq

from quorum.formats import exported
from quorum.formats.exporters import ExportContext
from quorum.formats.importers import FormatError, ImportContext, Item
from quorum.formats.tokens import from_tags, tokenise

ROW_GROUP = 10_000

STRING: dict[str, Any] = {"dtype": "string", "_type": "Value"}
FLOAT: dict[str, Any] = {"dtype": "float64", "_type": "Value"}


def class_label(names: list[str]) -> dict[str, Any]:
    return {"names": names, "_type": "ClassLabel"}


def sequence(feature: dict[str, Any]) -> dict[str, Any]:
    # "Sequence" rather than datasets 4's "List": every version of datasets reads it.
    return {"feature": feature, "_type": "Sequence"}


def _arrow(feature: dict[str, Any]) -> pa.DataType:
    kind = feature["_type"]
    if kind == "Sequence":
        return pa.list_(_arrow(feature["feature"]))
    if kind == "ClassLabel":
        return pa.int64()
    return pa.string() if feature["dtype"] == "string" else pa.float64()


@dataclass(frozen=True, slots=True)
class Columns:
    """A type's extra columns: their features, and the values of one task."""

    features: dict[str, Any]
    values: Callable[[dict[str, Any], dict[str, Any] | None], dict[str, Any]]


def _categorization(ctx: ExportContext) -> Columns:
    names = list(ctx.params.get("categories") or ())
    index = {name: i for i, name in enumerate(names)}
    many = bool(ctx.params.get("allow_multiple"))
    feature = sequence(class_label(names)) if many else class_label(names)

    def values(params: dict[str, Any], label: dict[str, Any] | None) -> dict[str, Any]:
        chosen = None if label is None else label["category"]
        if chosen is not None:  # a category outside the project's set stays in `response`
            ids = [index.get(c, -1) for c in (chosen if isinstance(chosen, list) else [chosen])]
            chosen = ids if many else ids[0]
        return {"text": params.get("attachment"), "label": chosen}

    return Columns({"text": STRING, "label": feature}, values)


def ner_tag_names(labels: Iterable[str]) -> list[str]:
    return ["O", *(f"{p}-{name}" for name in labels for p in "BI")]


def _ner(ctx: ExportContext) -> Columns:
    names = ner_tag_names(d["name"] for d in ctx.params.get("labels") or ())
    index = {name: i for i, name in enumerate(names)}

    def values(params: dict[str, Any], label: dict[str, Any] | None) -> dict[str, Any]:
        tokens = tokenise(params["text"], () if label is None else label.get("annotations", ()))
        tags = None if label is None else [index.get(t, 0) for t in tokens.tags()]
        return {"tokens": tokens.words, "ner_tags": tags}

    return Columns({"tokens": sequence(STRING), "ner_tags": sequence(class_label(names))}, values)


def _transcription(ctx: ExportContext) -> Columns:
    def values(params: dict[str, Any], label: dict[str, Any] | None) -> dict[str, Any]:
        return {
            "audio": params["attachment"],
            "transcript": None if label is None else label["transcript"],
            "duration": params.get("duration"),
        }

    return Columns({"audio": STRING, "transcript": STRING, "duration": FLOAT}, values)


_EXTRA: dict[str, Callable[[ExportContext], Columns]] = {
    "categorization": _categorization,
    "namedentityrecognition": _ner,
    "audiotranscription": _transcription,
}

_COMMON = {
    "task_id": STRING,
    "unique_id": STRING,
    "status": STRING,
    "confidence": FLOAT,
    "params": STRING,
    "response": STRING,
}


class _Sink:
    """A write-only file whose bytes are taken away after each row group."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []
        self.size = 0
        self.closed = False

    def write(self, data: bytes) -> int:
        self.parts.append(bytes(data))
        self.size += len(data)
        return len(data)

    def tell(self) -> int:
        return self.size

    def flush(self) -> None:
        pass

    def close(self) -> None:
        self.closed = True

    def writable(self) -> bool:
        return True

    def take(self) -> bytes:
        data, self.parts = b"".join(self.parts), []
        return data


def encode(tasks: Iterable[dict[str, Any]], ctx: ExportContext) -> Iterator[bytes]:
    extra = _EXTRA[ctx.task_type](ctx) if ctx.task_type in _EXTRA else None
    features = {**_COMMON, **(extra.features if extra else {})}
    metadata = {"huggingface": json.dumps({"info": {"features": features}})}
    schema = pa.schema([(k, _arrow(f)) for k, f in features.items()], metadata=metadata)
    sink = _Sink()
    writer = pq.ParquetWriter(sink, schema)
    columns: dict[str, list[Any]] = {name: [] for name in features}

    def flush() -> bytes:
        writer.write_table(pa.table(columns, schema=schema), row_group_size=ROW_GROUP)
        for column in columns.values():
            column.clear()
        return sink.take()

    rows = 0
    for task in tasks:
        params, label = exported.params(task), exported.label(task)
        row = {
            "task_id": task["task_id"],
            "unique_id": task.get("unique_id"),
            "status": task.get("status"),
            "confidence": task.get("confidence"),
            "params": orjson.dumps(params).decode(),
            "response": None if label is None else orjson.dumps(label).decode(),
            **(extra.values(params, label) if extra else {}),
        }
        for name, column in columns.items():
            column.append(row[name])
        rows += 1
        if rows % ROW_GROUP == 0:
            yield flush()
    if rows % ROW_GROUP:
        yield flush()
    writer.close()  # no rows, no row group: an empty one would stop `datasets` reading it
    yield sink.take()


def _features(schema: pa.Schema) -> dict[str, Any]:
    raw = (schema.metadata or {}).get(b"huggingface")
    if raw is None:
        return {}
    try:
        return json.loads(raw).get("info", {}).get("features", {}) or {}
    except (ValueError, AttributeError):
        return {}


def _names(feature: dict[str, Any] | None) -> list[str] | None:
    """The names of a ClassLabel feature, or of a sequence of them."""
    while feature and feature.get("_type") in ("Sequence", "List"):
        feature = feature.get("feature")
    return feature.get("names") if feature and feature.get("_type") == "ClassLabel" else None


def _named(value: Any, names: list[str] | None, where: str, column: str) -> Any:
    if names is None or not isinstance(value, int):
        return value
    if value == -1:  # datasets' "no label" (unlabelled test splits)
        return None
    if not 0 <= value < len(names):
        raise FormatError(
            where, f"column {column!r}: {value} is not a class id (0-{len(names) - 1})"
        )
    return names[value]


def _json(row: dict[str, Any], column: str, where: str) -> Any:
    text = row.get(column)
    if text is None:
        return None
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError as exc:
        raise FormatError(where, f"column {column!r}: not valid JSON ({exc})") from None


def _own(row: dict[str, Any], where: str, names: dict[str, Any]) -> Item:
    params = _json(row, "params", where)
    if not isinstance(params, dict):
        raise FormatError(where, "column 'params': expected a JSON object")
    record = {**params, **({"unique_id": row["unique_id"]} if row.get("unique_id") else {})}
    return Item(where, record, _json(row, "response", where))


def _tokens(row: dict[str, Any], where: str, names: dict[str, Any]) -> Item:
    tags = [_named(t, names.get("ner_tags"), where, "ner_tags") for t in row["ner_tags"] or ()]
    if len(tags) != len(row["tokens"] or ()):
        raise FormatError(where, "columns 'tokens' and 'ner_tags' differ in length")
    try:
        text, annotations = from_tags(row["tokens"], tags)
    except ValueError as exc:
        raise FormatError(where, f"column 'ner_tags': {exc}") from None
    return Item(where, {"text": text}, {"annotations": annotations})


def _text_label(row: dict[str, Any], where: str, names: dict[str, Any]) -> Item:
    label = row["label"]
    if isinstance(label, list):
        label = [_named(v, names.get("label"), where, "label") for v in label]
    else:
        label = _named(label, names.get("label"), where, "label")
    record = {"attachment_type": "text", "attachment": row["text"]}
    return Item(where, record, None if label is None else {"category": label})


# What a file's columns say it is: Quorum's own, then the common shapes.
_SHAPES: tuple[tuple[frozenset[str], Callable[..., Item]], ...] = (
    (frozenset({"params"}), _own),
    (frozenset({"tokens", "ner_tags"}), _tokens),
    (frozenset({"text", "label"}), _text_label),
)


def read(stream: IO[bytes], ctx: ImportContext) -> Iterator[Item]:
    try:
        parquet = pq.ParquetFile(stream)
    except (pa.ArrowInvalid, OSError) as exc:
        raise FormatError("the file", f"not a Parquet file ({exc})") from None
    columns = set(parquet.schema_arrow.names)
    shape = next((build for needs, build in _SHAPES if needs <= columns), None)
    if shape is None:
        raise FormatError(
            "the file",
            "expected the columns params (and response), tokens and ner_tags, or text and label; "
            f"found {', '.join(sorted(columns))}",
        )
    features = _features(parquet.schema_arrow)
    names = {column: _names(feature) for column, feature in features.items()}
    number = 0
    for batch in parquet.iter_batches(batch_size=ROW_GROUP):
        for row in batch.to_pylist():
            number += 1
            yield shape(row, f"row {number}", names)
