"""Read schemathesis's text output into failures, and sort out those of known classes of bad
input (NUL, lone surrogates, integers past 64 bits, deep nesting, NaN/Infinity, malformed
cursors), so that a run tells them apart from new failures."""

from __future__ import annotations

import json
import re
import shlex
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

_CASE = re.compile(r"^\d+\. Test Case ID: (\S+)$", re.M)
_CHECK = re.compile(r"^- (ST\d+ .+)$", re.M)
_OPERATION = re.compile(r"^_+ (.+?) _+$", re.M)
INT64 = 2**63
DEEP = 64


@dataclass
class Failure:
    operation: str
    checks: list[str]
    curl: str
    known: str | None  # the known class of its input, if any


def parse(output: str) -> list[Failure]:
    """Every failed test case in the output, with the last request of its reproduction."""
    failures = []
    headers = [(m.start(), m.group(1)) for m in _OPERATION.finditer(output)]
    starts = [m.start() for m in _CASE.finditer(output)]
    for i, start in enumerate(starts):
        end = starts[i + 1] if i + 1 < len(starts) else len(output)
        block = output[start:end]
        operation = next((name for pos, name in reversed(headers) if pos < start), "?")
        curls = [line.strip() for line in block.splitlines() if line.strip().startswith("curl ")]
        curl = curls[-1] if curls else ""
        failures.append(Failure(operation, _CHECK.findall(block), curl, known_class(curl)))
    return failures


def known_class(curl: str) -> str | None:
    try:
        words = shlex.split(curl)
    except ValueError:
        return None
    body = words[words.index("-d") + 1] if "-d" in words else None
    url = next((w for w in words if w.startswith("http")), "")
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    texts = [unquote(parts.path, errors="surrogateescape"), *(v for _, v in query)]
    if any(k in ("cursor", "next_token") and v and not v.isascii() for k, v in query):
        return "malformed cursor"
    value: Any = None
    if body is not None:
        if re.search(r"\bNaN\b|-?\bInfinity\b", body):
            return "NaN/Infinity"
        try:
            value = json.loads(body)
        except (ValueError, RecursionError):
            return "deeply nested JSON" if body.count("[") + body.count("{") > DEEP else None
    strings, ints, depth = _walk(value)
    strings += texts
    if any("\x00" in s for s in strings) or "%00" in url:
        return "NUL in strings"
    if any(re.search("[\ud800-\udfff]", s) for s in strings):
        return "lone surrogates"
    if any(abs(n) >= INT64 for n in ints) or re.search(r"\d{19,}", parts.path + parts.query):
        return "integer beyond 64 bits"
    if depth > DEEP:
        return "deeply nested JSON"
    return None


def _walk(value: Any, depth: int = 0) -> tuple[list[str], list[int], int]:
    strings: list[str] = []
    ints: list[int] = []
    deepest = depth
    items: list[Any] = []
    if isinstance(value, dict):
        strings += list(value)
        items = list(value.values())
    elif isinstance(value, list):
        items = value
    elif isinstance(value, str):
        strings.append(value)
    elif isinstance(value, int) and not isinstance(value, bool):
        ints.append(value)
    for item in items:
        s, i, d = _walk(item, depth + 1)
        strings += s
        ints += i
        deepest = max(deepest, d)
    return strings, ints, deepest
