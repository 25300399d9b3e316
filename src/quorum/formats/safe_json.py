"""What JSON and text Quorum accepts: only what both databases can store and every exporter can
write back unchanged.

Refused, naming the place (`metadata.note`, `3.tags.0`):
- U+0000 in any string or key (PostgreSQL's text and jsonb cannot hold it; SQLite can, and
  the two databases must behave the same);
- lone surrogates (`"\\ud800"`: not encodable as UTF-8, so not storable);
- integers outside the signed 64-bit range (orjson would turn them into floats or refuse to
  write them; PostgreSQL's bigint and SQLite's INTEGER stop there);
- NaN and Infinity (not JSON; they would come back as null);
- nesting deeper than `MAX_DEPTH` levels (orjson writes at most 254, and stored values are
  written inside envelopes: an export line, a callback body).

The common case costs three passes at C speed over the raw bytes (the parse, a scan for escapes
and long digit runs, a depth probe); the value is walked in Python only when one of them
flags something, to say where.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

import orjson

MAX_DEPTH = 64
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1

# orjson refuses to write containers nested more than this (pinned by a unit test): wrapping a
# value in `_ORJSON_DEPTH - MAX_DEPTH` lists and writing it is a depth check at C speed.
_ORJSON_DEPTH = 254
_NUL_ESCAPE = b"\\u0000"
# One translation shows both: runs of digits (an integer of 19 digits or more may lie outside
# the 64-bit range; 2**63 has 19) as runs of `9`, and every `[` or `{` as `[`.
_PROBE = bytes(
    0x39 if 0x30 <= b <= 0x39 else 0x5B if b in (0x5B, 0x7B) else 0x20 for b in range(256)
)
_LONG_DIGIT_RUN = b"9" * 19
_SURROGATE = re.compile("[\ud800-\udfff]")


class UnsafeJSON(ValueError):
    """A value Quorum will not store; `loc` is the dotted path inside the document ("" for the
    document itself)."""

    def __init__(self, loc: str, msg: str) -> None:
        super().__init__(f"{loc}: {msg}" if loc else msg)
        self.loc, self.msg = loc, msg


def text_problem(value: str) -> str | None:
    """Why a string cannot be stored, or None."""
    if "\x00" in value:
        return "contains U+0000 (a NUL character), which cannot be stored"
    if not value.isascii() and _SURROGATE.search(value):
        return "contains a lone UTF-16 surrogate, which is not valid Unicode"
    return None


def loads(raw: bytes | bytearray | str) -> Any:
    """Parse JSON, refusing (with `UnsafeJSON`) anything the module docstring lists."""
    data = raw.encode("utf-8", "surrogatepass") if isinstance(raw, str) else raw
    try:
        value = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        # The standard library reads what orjson refuses (NaN, lone surrogates): say where.
        problem = _diagnose(data)
        if problem is not None:
            raise problem from None
        raise UnsafeJSON(
            "", f"not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"
        ) from None
    probe = data.translate(_PROBE)
    suspect = _NUL_ESCAPE in data or _LONG_DIGIT_RUN in probe
    # Fewer containers than the bound cannot nest past it: most bodies need no depth probe.
    if suspect or (probe.count(b"[") > MAX_DEPTH and not _shallow(value)):
        problem = _diagnose(data)
        if problem is not None:
            raise problem
    return value


def _shallow(value: Any) -> bool:
    wrapped = value
    for _ in range(_ORJSON_DEPTH - MAX_DEPTH):
        wrapped = [wrapped]
    try:
        orjson.dumps(wrapped)
    except orjson.JSONEncodeError:
        return False
    return True


def _diagnose(data: bytes | bytearray) -> UnsafeJSON | None:
    """The first refused thing in `data`, read leniently by the standard library."""
    try:
        value = json.loads(data)
    except RecursionError:
        return UnsafeJSON("", f"nested deeper than {MAX_DEPTH} levels")
    except ValueError:
        return None
    return _find(value, [], 0)


def _find(value: Any, path: list[str], depth: int) -> UnsafeJSON | None:
    problem: str | None = None
    if isinstance(value, str):
        problem = text_problem(value)
    elif isinstance(value, bool):
        pass
    elif isinstance(value, int):
        if not INT64_MIN <= value <= INT64_MAX:
            problem = "integer outside the signed 64-bit range"
    elif isinstance(value, float):
        if not math.isfinite(value):
            problem = "NaN and Infinity are not JSON numbers"
    elif depth >= MAX_DEPTH:
        problem = f"nested deeper than {MAX_DEPTH} levels"
    elif isinstance(value, dict):
        for key, item in value.items():
            key_problem = text_problem(key)
            if key_problem is not None:
                return UnsafeJSON(_loc(path), f"a key {key_problem}")
            found = _find(item, [*path, key], depth + 1)
            if found is not None:
                return found
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found = _find(item, [*path, str(index)], depth + 1)
            if found is not None:
                return found
    return None if problem is None else UnsafeJSON(_loc(path), problem)


def _loc(path: list[str]) -> str:
    """The dotted path; past a few levels only its start (the field it is in) is of use."""
    return ".".join(path) if len(path) <= 6 else ".".join(path[:6]) + ".…"
