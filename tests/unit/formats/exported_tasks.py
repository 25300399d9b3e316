"""Task dicts shaped as `services.exports.export.iter_export` yields them, JSON columns as
undecoded fragments, for the encoders' unit tests."""

from __future__ import annotations

from typing import Any

import orjson


def task(n: int, params: dict[str, Any], response: Any = None, **more: Any) -> dict[str, Any]:
    return {
        "task_id": f"task_{n}",
        "unique_id": f"u{n}",
        "status": "pending" if response is None else "completed",
        "params": orjson.Fragment(orjson.dumps(params)),
        "response": None if response is None else orjson.Fragment(orjson.dumps(response)),
        "confidence": None if response is None else 0.9,
        "annotations": [],
        **more,
    }
