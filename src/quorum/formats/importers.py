"""Reading task records from files, keeping where in the file each record came from.

An importer is registered here by format name (`IMPORTERS`), its reader named by import path
and loaded on first use. A reader yields `Item`s one at a time, so a file is read in one pass:
a task record (params plus the envelope keys of `services.tasks.records`) and, for formats that
carry labels (a COCO file's boxes), the label as a response of the task type, which the caller
makes a pre-label or a gold answer (`as_record`). A malformed record raises `FormatError`
naming where it is (a line, an image, a column).
"""

from __future__ import annotations

import csv
import importlib
import io
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from typing import IO, Any

from quorum.formats import safe_json
from quorum.formats.safe_json import UnsafeJSON

Record = tuple[int, Any]  # (line number, record)


class FormatError(ValueError):
    """A record that cannot be read; `where` says where it is ("line 3", "image 17")."""

    def __init__(self, line: int | str, msg: str) -> None:
        self.where = line if isinstance(line, str) else f"line {line}"
        self.msg = msg
        super().__init__(f"{self.where}: {msg}")


class ImportAs(StrEnum):
    """What the labels a file carries become: nothing (plain tasks), pre-labels shown to
    annotators (`hypothesis`), or the expected answers of gold tasks."""

    tasks = "tasks"
    hypothesis = "hypothesis"
    gold = "gold"


@dataclass(frozen=True, slots=True)
class Item:
    """One record read from a file; `label` is the response the file gives it, if any."""

    where: str
    record: dict[str, Any]
    label: dict[str, Any] | None = None

    def as_record(self, as_: ImportAs) -> Any:
        if self.label is None or as_ is ImportAs.tasks:
            return self.record
        if as_ is ImportAs.hypothesis:
            return {**self.record, "hypothesis": self.label}
        return {**self.record, "gold": self.label}


@dataclass(frozen=True, slots=True)
class ImportContext:
    """What a reader may need beyond the bytes: a COCO category id becomes a label of the
    project's, so it reads the project's type and newest default params."""

    task_type: str
    params: dict[str, Any] = field(default_factory=dict)
    # Where a file's media are served from: an image named `cat.jpg` in a COCO file is
    # `{media_url}/cat.jpg` (`--media-url`); None keeps the URLs the file gives.
    media_url: str | None = None


Reader = Callable[[IO[bytes], ImportContext], Iterable[Item]]


@dataclass(frozen=True, slots=True)
class Importer:
    """One import format: `reader` is `module:function`, `extensions` name its files, and
    `serves` lists the task types it can fill (None: every type)."""

    name: str
    extensions: tuple[str, ...]
    reader: str
    serves: frozenset[str] | None = None
    summary: str = ""

    def read(self, stream: IO[bytes], ctx: ImportContext) -> Iterable[Item]:
        if self.serves is not None and ctx.task_type not in self.serves:
            raise ValueError(
                f"import format {self.name!r} does not fill {ctx.task_type} projects; "
                f"it fills {', '.join(sorted(self.serves))}"
            )
        module, _, function = self.reader.partition(":")
        reader: Reader = getattr(importlib.import_module(module), function)
        return reader(stream, ctx)


def read_jsonl(stream: IO[bytes]) -> Iterator[Record]:
    """One JSON object per line; blank lines are skipped."""
    for number, raw in enumerate(stream, start=1):
        line = raw.strip()
        if not line:
            continue
        try:
            yield number, safe_json.loads(line)
        except UnsafeJSON as exc:
            raise FormatError(number, str(exc)) from None


def read_json_array(stream: IO[bytes]) -> Iterator[Record]:
    """A JSON array of records; the 'line' is the item's 1-based position."""
    try:
        data = safe_json.loads(stream.read())
    except UnsafeJSON as exc:
        # The 'line' of a record is its position: `3.metadata.note` is record 3.
        position, _, _ = exc.loc.partition(".")
        raise FormatError(int(position) + 1 if position.isdigit() else 1, str(exc)) from None
    if not isinstance(data, list):
        raise FormatError(1, "expected a JSON array of task records")
    yield from enumerate(data, start=1)


# CSV columns that are always integers or JSON, whatever their text looks like.
_CSV_INT = frozenset({"priority"})
_CSV_LIST_SEP = {"tags": "|"}


def _csv_value(column: str, text: str, line: int) -> Any:
    problem = safe_json.text_problem(text)
    if problem is not None:
        raise FormatError(line, f"column {column!r} {problem}")
    if column in _CSV_INT:
        try:
            return int(text)
        except ValueError:
            raise FormatError(line, f"column {column!r}: {text!r} is not an integer") from None
    if column in _CSV_LIST_SEP and not text.startswith("["):
        return [t for t in text.split(_CSV_LIST_SEP[column]) if t]
    if text[:1] in "[{":
        try:
            return safe_json.loads(text)
        except UnsafeJSON as exc:
            raise FormatError(line, f"column {column!r}: {exc}") from None
    if text in ("true", "false"):
        return text == "true"
    return text


def read_csv(stream: IO[bytes]) -> Iterator[Record]:
    """A header row of field names, then one task per row.

    Empty cells are left out; cells starting with `[` or `{` are JSON (lists of categories,
    a gold response); `true`/`false` are booleans; `tags` may be `a|b|c`.
    """
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
    reader = csv.reader(text)
    try:
        header = next(reader)
    except StopIteration:
        return
    except (csv.Error, UnicodeDecodeError) as exc:
        raise FormatError(1, f"not valid CSV ({exc})") from None
    if not header or any(not h.strip() for h in header):
        raise FormatError(1, "the header row has an empty column name")
    header = [h.strip() for h in header]
    for name in header:
        problem = safe_json.text_problem(name)
        if problem is not None:
            raise FormatError(1, f"the column name {name!r} {problem}")
    try:
        for row in reader:
            line = reader.line_num
            if not any(row):
                continue
            if len(row) != len(header):
                raise FormatError(line, f"has {len(row)} cells, the header has {len(header)}")
            yield line, {c: _csv_value(c, v, line) for c, v in zip(header, row, strict=True) if v}
    except (csv.Error, UnicodeDecodeError) as exc:
        raise FormatError(reader.line_num, f"not valid CSV ({exc})") from None


def _lines(read: Callable[[IO[bytes]], Iterable[Record]]) -> Reader:
    """A reader of Quorum's own records, which carry no separate label."""

    def items(stream: IO[bytes], ctx: ImportContext) -> Iterator[Item]:
        for line, record in read(stream):
            yield Item(f"line {line}", record)

    return items


jsonl_items, json_items = map(_lines, (read_jsonl, read_json_array))

IMPORTERS: dict[str, Importer] = {
    i.name: i
    for i in (
        Importer("jsonl", (".jsonl", ".ndjson"), f"{__name__}:jsonl_items",
                 summary="one task record (JSON object) per line"),
        Importer("csv", (".csv",), "quorum.formats.table:read",
                 summary="a header of field names, one task per row (label columns too)"),
        Importer("json", (".json",), f"{__name__}:json_items",
                 summary="a JSON array of task records"),
        Importer("conll", (".conll", ".iob", ".iob2"), "quorum.formats.conll:read",
                 frozenset({"namedentityrecognition"}),
                 summary="CoNLL / IOB tagged tokens, one text per block"),
        Importer("hf", (".parquet",), "quorum.formats.hf:read",
                 summary="Parquet: Quorum's hf export, or tokens+ner_tags / text+label"),
        Importer("coco", (".coco.json",), "quorum.formats.coco:read",
                 frozenset({"imageannotation"}), "COCO detection/segmentation JSON"),
        Importer("yolo", (".yolo.zip",), "quorum.formats.yolo:read",
                 frozenset({"imageannotation"}), "a zipped YOLO dataset (data.yaml, labels/)"),
        Importer("voc", (".voc.zip",), "quorum.formats.voc:read",
                 frozenset({"imageannotation"}), "zipped Pascal VOC XML files"),
    )
}  # fmt: skip


def importer_for(fmt: str) -> Importer:
    try:
        return IMPORTERS[fmt]
    except KeyError:
        raise ValueError(
            f"unknown import format {fmt!r}; supported: {', '.join(IMPORTERS)}"
        ) from None


def guess_format(filename: str) -> str:
    """The import format from a file name's extension, the longest that matches (a
    `.coco.json` file is COCO, not a JSON array)."""
    lower = filename.lower()
    matching = [
        (len(e), i.name) for i in IMPORTERS.values() for e in i.extensions if lower.endswith(e)
    ]
    if matching:
        return max(matching, key=lambda m: m[0])[1]
    known = ", ".join(e for i in IMPORTERS.values() for e in i.extensions)
    raise ValueError(f"cannot tell the format of {filename!r}: use one of {known}")
