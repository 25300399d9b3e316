"""Exporters: turn a stream of exported task dicts into bytes, chunk by chunk.

Which formats serve which task type is the type's to say (`TaskType.exporters`): a format
that cannot carry a type's responses is refused for its projects rather than written lossy.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any

import orjson

if TYPE_CHECKING:  # the CLI's help lists EXPORTERS without loading the task types
    from quorum.tasktypes import TaskType

_OPTS = orjson.OPT_NAIVE_UTC | orjson.OPT_UTC_Z


def jsonl(tasks: Iterable[dict[str, Any]], *, chunk_lines: int = 1000) -> Iterator[bytes]:
    """One JSON object per line; lines are grouped so each write carries many tasks."""
    buffer: list[bytes] = []
    dumps = orjson.dumps
    for task in tasks:
        buffer.append(dumps(task, option=_OPTS))
        if len(buffer) >= chunk_lines:
            yield b"\n".join(buffer) + b"\n"
            buffer = []
    if buffer:
        yield b"\n".join(buffer) + b"\n"


EXPORTERS: dict[str, tuple[Callable[..., Iterator[bytes]], str]] = {
    "jsonl": (jsonl, "application/x-ndjson"),
}


def exporter_for(fmt: str, task_type: TaskType) -> tuple[Callable[..., Iterator[bytes]], str]:
    """The exporter and its media type for format name `fmt`, if it serves `task_type`."""
    if fmt not in EXPORTERS:
        raise ValueError(f"unknown export format {fmt!r}; supported: {', '.join(EXPORTERS)}")
    if fmt not in task_type.exporters:
        raise ValueError(
            f"export format {fmt!r} does not serve {task_type.name} projects; "
            f"they export as {', '.join(task_type.exporters)}"
        )
    return EXPORTERS[fmt]
