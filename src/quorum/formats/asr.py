"""An ASR manifest: JSON Lines with NeMo's keys (`audio_filepath`, `duration`, `text`), which
Hugging Face's and most ASR trainers' manifest readers take as well.

`audio_filepath` is the task's audio URL or path as given; `duration` is the task's own, else
the end of the last segment, else null; `segments`, `language`, `task_id` and `confidence`
come along. Tasks without a transcript are left out.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from quorum.formats import exported
from quorum.formats.exporters import ExportContext, jsonl


def encode(tasks: Iterable[dict[str, Any]], ctx: ExportContext) -> Iterator[bytes]:
    def rows() -> Iterator[dict[str, Any]]:
        for task, params, label in exported.labelled(tasks):
            segments = label.get("segments") or None
            yield {
                "audio_filepath": params["attachment"],
                "duration": params.get("duration") or (segments[-1]["end"] if segments else None),
                "text": label["transcript"],
                "language": params.get("language"),
                "segments": segments,
                "task_id": task["task_id"],
                "confidence": task.get("confidence"),
            }

    return jsonl(rows(), ctx)
