"""CSV with one row a task and one column a field, read back by the `csv` import.

Columns: `task_id`, `unique_id`, `status`, `confidence`, the task's content (categorization:
`attachment_type`, `attachment`; a form: `title`, `attachments`), then the label: `category`,
or one column per field of the project's form, `answer.<field_id>`. A label cell is the answer
as plain text when it is a single plain value (`yes`, `3.5`, `true`), else JSON: the category
list, or the field's whole `response` list, so no text is mistaken for JSON or a boolean on
the way back.

The `csv` import reads Quorum task records; for categorization and form projects it also takes
these label columns as the file's label (`--as hypothesis|gold`; dropped with `--as tasks`) and
ignores `task_id`, `status` and `confidence`, which belong to the exported task.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import IO, Any, Protocol

import orjson

from quorum.formats import exported
from quorum.formats.exporters import ExportContext
from quorum.formats.importers import FormatError, ImportContext, Item, read_csv

FACTS = ("task_id", "unique_id", "status", "confidence")
EXPORT_ONLY = frozenset({"task_id", "status", "confidence"})


def _plain(value: Any) -> bool:
    if isinstance(value, bool | int | float):
        return True
    return (
        isinstance(value, str)
        and value != ""
        and value[:1] not in "[{"
        and value not in ("true", "false")
    )


def _cell(value: Any, whole: Any) -> str:
    """`value` as plain text if it reads back as itself, else `whole` as JSON."""
    if value is not None and _plain(value):
        return orjson.dumps(value).decode() if isinstance(value, bool) else str(value)
    return orjson.dumps(whole).decode()


class _Table(Protocol):
    """A task type's content and label columns."""

    @property
    def content(self) -> tuple[str, ...]: ...

    def columns(self) -> list[str]: ...

    def cells(self, label: dict[str, Any]) -> list[str]: ...

    def label(self, record: dict[str, Any], where: str) -> dict[str, Any] | None: ...


@dataclass(frozen=True, slots=True)
class _Categorization:
    ctx_params: dict[str, Any]
    content = ("attachment_type", "attachment")

    def columns(self) -> list[str]:
        return ["category"]

    def cells(self, label: dict[str, Any]) -> list[str]:
        chosen = label["category"]
        return [_cell(chosen, chosen if isinstance(chosen, list) else [chosen])]

    def label(self, record: dict[str, Any], where: str) -> dict[str, Any] | None:
        chosen = record.pop("category", None)
        if chosen is None:
            return None
        if (
            isinstance(chosen, list)
            and len(chosen) == 1
            and not self.ctx_params.get("allow_multiple")
        ):
            chosen = chosen[0]
        return {"category": chosen if isinstance(chosen, list) else str(chosen)}


def _number(text: str, where: str, column: str) -> float | int:
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return float(text)
    except ValueError:
        raise FormatError(where, f"column {column!r}: {text!r} is not a number") from None


@dataclass(frozen=True, slots=True)
class _Form:
    ctx_params: dict[str, Any]
    content = ("title", "attachments")

    def _fields(self) -> list[dict[str, Any]]:
        return list(self.ctx_params.get("fields") or ())

    @staticmethod
    def column(field_id: str) -> str:
        """A field's column: prefixed, since a field id may be a record key (`tags`, `title`)."""
        return f"answer.{field_id}"

    def columns(self) -> list[str]:
        return [self.column(f["field_id"]) for f in self._fields()]

    def cells(self, label: dict[str, Any]) -> list[str]:
        answers = label.get("annotations") or {}
        out = []
        for field in self._fields():
            answer = answers.get(field["field_id"])
            if answer is None:
                out.append("")
                continue
            entries = answer["response"]
            single = entries[0] if len(entries) == 1 else None
            if isinstance(single, list):  # a category entry: its one value, if it has one
                single = single[0] if len(single) == 1 else None
            out.append(_cell(single, entries))
        return out

    def label(self, record: dict[str, Any], where: str) -> dict[str, Any] | None:
        answers = {}
        for field in self._fields():
            fid, column = field["field_id"], self.column(field["field_id"])
            if column not in record:
                continue
            value = record.pop(column)
            if isinstance(value, list):
                entries = value
            elif field["type"] == "number":
                entries = [_number(str(value), where, column)]
            elif field["type"] == "category":
                entries = [[str(value)]]
            elif field["type"] == "boolean":
                entries = [value]
            else:
                entries = [orjson.dumps(value).decode() if isinstance(value, bool) else value]
            answers[fid] = {"type": field["type"], "field_id": fid, "response": entries}
        return {"annotations": answers} if answers else None


_TABLES: dict[str, Callable[[dict[str, Any]], _Table]] = {
    "categorization": _Categorization,
    "textcollection": _Form,
}


def _content(params: dict[str, Any], name: str) -> str:
    value = params.get(name)
    if value is None or value == []:
        return ""
    return value if isinstance(value, str) else orjson.dumps(value).decode()


def encode(tasks: Iterable[dict[str, Any]], ctx: ExportContext) -> Iterator[bytes]:
    table = _TABLES[ctx.task_type](ctx.params)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([*FACTS, *table.content, *table.columns()])
    empty = [""] * len(table.columns())
    for count, task in enumerate(tasks, start=1):
        params, label = exported.params(task), exported.label(task)
        confidence = task.get("confidence")
        writer.writerow(
            [
                task["task_id"],
                task.get("unique_id") or "",
                task.get("status") or "",
                "" if confidence is None else confidence,
                *(_content(params, name) for name in table.content),
                *(empty if label is None else table.cells(label)),
            ]
        )
        if count % 1000 == 0:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode()


def read(stream: IO[bytes], ctx: ImportContext) -> Iterator[Item]:
    table = _TABLES[ctx.task_type](ctx.params) if ctx.task_type in _TABLES else None
    for line, record in read_csv(stream):
        where = f"line {line}"
        for column in EXPORT_ONLY:
            record.pop(column, None)
        yield Item(where, record, None if table is None else table.label(record, where))
