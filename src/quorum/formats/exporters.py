"""Exporters: turn a stream of exported task dicts into bytes, chunk by chunk.

An exporter is registered here by format name, with the task types it can carry (`serves`);
each task type lists the formats it exports as (`TaskType.exporters`), and `check_registry`
holds the two to agreement, so a format that cannot carry a type's responses is refused for
its projects rather than written lossy. An encoder is named by import path and loaded on
first use: the CLI's help lists formats without importing pyarrow or the task types.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import orjson

if TYPE_CHECKING:
    from quorum.tasktypes import TaskType

# What the image encoders read of a task (`quorum.formats.images.images`).
IMAGE_FIELDS = ("task_id", "unique_id", "params", "metadata", "response", "confidence")

_OPTS = orjson.OPT_NAIVE_UTC | orjson.OPT_UTC_Z


@dataclass(frozen=True, slots=True)
class ExportContext:
    """What an encoder may need beyond the tasks: a CSV header is the project's field ids, a
    COCO category list its labels. `params` are the project's newest default params."""

    project: str
    task_type: str
    params: dict[str, Any] = field(default_factory=dict)


Encoder = Callable[[Iterable[dict[str, Any]], ExportContext], Iterator[bytes]]


@dataclass(frozen=True, slots=True)
class Exporter:
    """One export format. `encoder` is `module:function`; `serves` lists task types, or is
    None for a format that carries every type."""

    name: str
    media_type: str
    extension: str
    encoder: str
    serves: frozenset[str] | None = None
    summary: str = ""
    one_line_per_task: bool = False  # the CLI counts tasks by lines, else reports bytes
    # The task fields the encoder reads, if only some of its own row: the export then reads
    # just those (no answers, tags or batch), a third of the cost of reading a task.
    fields: tuple[str, ...] | None = None

    def encode(self, tasks: Iterable[dict[str, Any]], ctx: ExportContext) -> Iterator[bytes]:
        module, _, function = self.encoder.partition(":")
        encoder: Encoder = getattr(importlib.import_module(module), function)
        return encoder(tasks, ctx)


def jsonl(tasks: Iterable[dict[str, Any]], ctx: ExportContext | None = None) -> Iterator[bytes]:
    """One JSON object per line; lines are grouped so each write carries many tasks."""
    buffer: list[bytes] = []
    dumps = orjson.dumps
    for task in tasks:
        buffer.append(dumps(task, option=_OPTS))
        if len(buffer) >= 1000:
            yield b"\n".join(buffer) + b"\n"
            buffer = []
    if buffer:
        yield b"\n".join(buffer) + b"\n"


EXPORTERS: dict[str, Exporter] = {
    e.name: e
    for e in (
        Exporter(
            "jsonl",
            "application/x-ndjson",
            "jsonl",
            "quorum.formats.exporters:jsonl",
            summary="Quorum's own: every task with its params, label, confidence and answers",
            one_line_per_task=True,
        ),
        Exporter(
            "hf",
            "application/vnd.apache.parquet",
            "parquet",
            "quorum.formats.hf:encode",
            summary="Hugging Face dataset: Parquet with a feature schema (ClassLabel, ner_tags)",
        ),
        Exporter(
            "conll",
            "text/plain",
            "conll",
            "quorum.formats.conll:encode",
            serves=frozenset({"namedentityrecognition"}),
            summary="CoNLL-2003, IOB2 tags, tokens cut at entity edges",
        ),
        Exporter(
            "spacy",
            "application/octet-stream",
            "spacy",
            "quorum.formats.spacy_docbin:encode",
            serves=frozenset({"namedentityrecognition"}),
            summary="spaCy DocBin (needs the spacy extra)",
        ),
        Exporter(
            "preference",
            "application/x-ndjson",
            "jsonl",
            "quorum.formats.llm:preference",
            serves=frozenset({"comparison"}),
            summary="preference pairs (prompt, chosen, rejected, margin, tie) for TRL",
        ),
        Exporter(
            "sft",
            "application/x-ndjson",
            "jsonl",
            "quorum.formats.llm:sft",
            serves=frozenset({"comparison", "textcollection"}),
            summary="SFT conversations (messages) for TRL",
        ),
        Exporter(
            "asr",
            "application/x-ndjson",
            "jsonl",
            "quorum.formats.asr:encode",
            serves=frozenset({"audiotranscription"}),
            summary="ASR manifest (audio_filepath, duration, text)",
        ),
        Exporter(
            "csv",
            "text/csv",
            "csv",
            "quorum.formats.table:encode",
            serves=frozenset({"categorization", "textcollection"}),
            summary="one row per task, one column per field",
        ),
        Exporter(
            "coco",
            "application/json",
            "json",
            "quorum.formats.coco:encode",
            frozenset({"imageannotation"}),
            summary="COCO detection and segmentation JSON: boxes, polygons, keypoints",
            fields=IMAGE_FIELDS,
        ),
        Exporter(
            "yolo",
            "application/zip",
            "zip",
            "quorum.formats.yolo:encode",
            frozenset({"imageannotation"}),
            summary="YOLO detect/segment, zipped: data.yaml and one label file per image",
            fields=IMAGE_FIELDS,
        ),
        Exporter(
            "voc",
            "application/zip",
            "zip",
            "quorum.formats.voc:encode",
            frozenset({"imageannotation"}),
            summary="Pascal VOC XML, one file per image, zipped (boxes)",
            fields=IMAGE_FIELDS,
        ),
    )
}


def check_registry(task_types: Iterable[TaskType]) -> None:
    """Every format a type names exists and says it serves that type."""
    for task_type in task_types:
        for name in task_type.exporters:
            exporter = EXPORTERS.get(name)
            if exporter is None:
                raise LookupError(f"task type {task_type.name!r} names unknown format {name!r}")
            if exporter.serves is not None and task_type.name not in exporter.serves:
                raise LookupError(
                    f"task type {task_type.name!r} names format {name!r}, "
                    f"which serves only {', '.join(sorted(exporter.serves))}"
                )


def exporter_for(fmt: str, task_type: TaskType) -> Exporter:
    """The exporter for format name `fmt`, if it serves `task_type`."""
    if fmt not in EXPORTERS:
        raise ValueError(f"unknown export format {fmt!r}; supported: {', '.join(EXPORTERS)}")
    if fmt not in task_type.exporters:
        raise ValueError(
            f"export format {fmt!r} does not serve {task_type.name} projects; "
            f"they export as {', '.join(task_type.exporters)}"
        )
    return EXPORTERS[fmt]
