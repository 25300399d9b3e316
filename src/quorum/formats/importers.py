"""Reading task records from JSONL, CSV or a JSON array, keeping each record's line number.

Records are yielded one at a time so that a file is read in one pass; a malformed line raises
`FormatError` naming the file's line (and the CSV column).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator
from typing import IO, Any

from quorum.formats import safe_json
from quorum.formats.safe_json import UnsafeJSON

Record = tuple[int, Any]  # (line number, record)


class FormatError(ValueError):
    def __init__(self, line: int, msg: str) -> None:
        self.line = line
        self.msg = msg
        super().__init__(f"line {line}: {msg}")


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


READERS: dict[str, Callable[[IO[bytes]], Iterable[Record]]] = {
    "jsonl": read_jsonl,
    "csv": read_csv,
    "json": read_json_array,
}


def reader_for(fmt: str) -> Callable[[IO[bytes]], Iterable[Record]]:
    try:
        return READERS[fmt]
    except KeyError:
        raise ValueError(
            f"unknown import format {fmt!r}; supported: {', '.join(READERS)}"
        ) from None


def guess_format(filename: str) -> str:
    """The import format from a file name's extension (`.jsonl`, `.ndjson`, `.csv`, `.json`)."""
    lower = filename.lower()
    for ext, fmt in ((".jsonl", "jsonl"), (".ndjson", "jsonl"), (".csv", "csv"), (".json", "json")):
        if lower.endswith(ext):
            return fmt
    raise ValueError(f"cannot tell the format of {filename!r}: use .jsonl, .csv or .json")
