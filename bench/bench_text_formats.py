"""The text, NER, LLM and audio encoders over 100,000 and 200,000 labelled tasks, in process.

Each run is its own process, so its peak resident memory is its own: a streaming encoder's
peak is the same at both sizes (the spaCy DocBin is serialised whole and grows, a few bytes a
token). Tasks are made on the fly as the export service yields them (JSON as fragments).
Prints one JSON line per format with tasks/s at the larger size and both peaks.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
from collections.abc import Iterator

import orjson

from quorum.formats.exporters import EXPORTERS, ExportContext

SIZES = (100_000, 200_000)
TEXT = "Ann Lee flew from Oslo to New York-based offices on Monday."
SPANS = [{"start": 0, "end": 7, "label": "PER"}, {"start": 18, "end": 22, "label": "LOC"}]
CANDIDATES = [{"id": "a", "content": "Yes, it works."}, {"id": "b", "content": "No."}]
FIELDS = [{"type": "text", "field_id": "reply", "title": "Reply"}]
CASES = {  # format: (task type, default params, params, label)
    "hf": ("categorization", {"categories": ["pos", "neg"]}, {"attachment": TEXT},
           {"category": "neg"}),
    "csv": ("categorization", {"categories": ["pos", "neg"]}, {"attachment": TEXT},
            {"category": "neg"}),
    "conll": ("namedentityrecognition", {}, {"text": TEXT}, {"annotations": SPANS}),
    "spacy": ("namedentityrecognition", {}, {"text": TEXT}, {"annotations": SPANS}),
    "preference": ("comparison", {}, {"prompt": "Works?", "candidates": CANDIDATES},
                   {"choice": "a"}),
    "sft": ("textcollection", {"fields": FIELDS},
            {"fields": FIELDS, "attachments": [{"type": "text", "content": TEXT}]},
            {"annotations": {"reply": {"type": "text", "field_id": "reply", "response": ["Ok"]}}}),
    "asr": ("audiotranscription", {}, {"attachment": "https://x.test/a.wav", "duration": 3.5},
            {"transcript": TEXT}),
}  # fmt: skip


def _tasks(n: int, params: dict, label: dict) -> Iterator[dict]:
    p, r = orjson.dumps(params).decode(), orjson.dumps(label).decode()
    for i in range(n):
        yield {
            "task_id": f"task_{i:020d}", "unique_id": f"u{i}", "status": "completed",
            "params": orjson.Fragment(p), "response": orjson.Fragment(r), "confidence": 0.9,
            "annotations": [],
        }  # fmt: skip


def one(fmt: str, n: int) -> dict:
    task_type, defaults, params, label = CASES[fmt]
    ctx = ExportContext("bench", task_type, defaults)
    started = time.perf_counter()
    size = sum(len(c) for c in EXPORTERS[fmt].encode(_tasks(n, params, label), ctx))
    elapsed = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"seconds": elapsed, "bytes": size, "peak_mb": peak}


def main() -> None:
    for fmt in CASES:
        runs = []
        for n in SIZES:
            done = subprocess.run(
                [sys.executable, __file__, fmt, str(n)], capture_output=True, text=True, check=True
            )
            runs.append(json.loads(done.stdout))
        large = runs[-1]
        peaks = {str(n): round(r["peak_mb"]) for n, r in zip(SIZES, runs, strict=True)}
        print(
            json.dumps(
                {
                    "benchmark": f"export_{fmt}_in_process",
                    "tasks": SIZES[1],
                    "seconds": round(large["seconds"], 2),
                    "tasks_per_s": round(SIZES[1] / large["seconds"]),
                    "mb": round(large["bytes"] / 1e6, 1),
                    "peak_mb": peaks,
                }
            )
        )


if __name__ == "__main__":
    if len(sys.argv) == 3:
        print(json.dumps(one(sys.argv[1], int(sys.argv[2]))))
    else:
        main()
