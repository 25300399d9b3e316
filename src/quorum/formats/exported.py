"""Reading the task dicts an export yields: their JSON columns arrive as `orjson.Fragment`s
(passed through undecoded, which is what makes the JSONL export fast), so an encoder that
needs the values decodes them here, once per task."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import orjson


def value(raw: Any) -> Any:
    """A JSON column's value, decoded if it is still a fragment."""
    return orjson.loads(orjson.dumps(raw)) if isinstance(raw, orjson.Fragment) else raw


def params(task: dict[str, Any]) -> dict[str, Any]:
    return value(task["params"]) or {}


def label(task: dict[str, Any]) -> dict[str, Any] | None:
    """The task's consensus label, or None while it has none."""
    return value(task.get("response"))


def labelled(
    tasks: Iterable[dict[str, Any]],
) -> Iterator[tuple[dict[str, Any], dict[str, Any], dict[str, Any]]]:
    """(task, params, label) of each task that has a label: training formats leave the others
    out, since writing them would claim an empty label."""
    for task in tasks:
        label_ = label(task)
        if label_ is not None:
            yield task, params(task), label_
