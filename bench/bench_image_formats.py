"""Image formats at scale: 100,000 image tasks with 500,000 boxes.

Export: the same project as JSONL, COCO and YOLO through a live `quorum serve` on SQLite, the
clock from the request to the last byte on disk, the server's resident memory sampled during
each (flat: its peak must not grow with the export), and its CPU time (which the machine's other
load does not inflate). Target: COCO and YOLO within 2x of JSONL.

Import: a COCO file of 100,000 images / 500,000 boxes read and created as tasks with their
boxes as pre-labels (`--as hypothesis`) in SQLite, in process, from the file on disk to the
commit, with the CPU time it took. Target: at least 20,000 images/s.
"""

from __future__ import annotations

import json
import sys
import threading
import time
import tracemalloc
from pathlib import Path

import httpx
import orjson
from _harness import admin_key, cpu_seconds, data_dir, rss_mb, server
from sqlalchemy import update

from quorum.db.models import Task, utcnow
from quorum.formats.exporters import EXPORTERS, ExportContext
from quorum.formats.importers import ImportAs
from quorum.services.projects import catalog
from quorum.services.tasks import creation, file_import

N = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
BOXES = 5
LABELS = ["car", "person", "bicycle", "dog", "cat"]
PARAMS = {"geometries": {"box": {"objects_to_annotate": LABELS}}}


def _boxes(i: int) -> list[dict]:
    return [
        {
            "type": "box",
            "label": LABELS[(i + k) % 5],
            "left": 10.0 * k + i % 7,
            "top": 20.0 + k,
            "width": 50.5 + k,
            "height": 40.0 + (i % 13),
            "attributes": {},
        }
        for k in range(BOXES)
    ]


def _seed(db) -> None:
    with db.session(write=True) as s:
        catalog.create_project(s, "street", "imageannotation", params=PARAMS)
        creation.create_tasks(
            s,
            "street",
            [
                {
                    "attachment": f"https://cdn.example.com/street/{i:06d}.jpg",
                    "unique_id": f"img-{i}",
                    "metadata": {"width": 1280, "height": 720},
                }
                for i in range(N)
            ],
        )
        response = {"annotations": _boxes(3), "links": [], "global_attributes": {}}
        s.execute(
            update(Task).values(
                status="completed", response=response, confidence=0.91, completed_at=utcnow()
            )
        )
        s.commit()


class _Peak:
    """The peak resident memory of a process while a block runs."""

    def __init__(self, pid: int) -> None:
        self.pid, self.peak, self._stop = pid, 0.0, threading.Event()

    def __enter__(self) -> _Peak:
        self.peak = rss_mb(self.pid)
        self._thread = threading.Thread(target=self._sample)
        self._thread.start()
        return self

    def _sample(self) -> None:
        while not self._stop.wait(0.02):
            self.peak = max(self.peak, rss_mb(self.pid))

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def _export(http: httpx.Client, pid: int, fmt: str, out: Path) -> dict:
    before, cpu = rss_mb(pid), cpu_seconds(pid)
    with _Peak(pid) as peak:
        started = time.perf_counter()
        with (
            http.stream("GET", "/api/projects/street/export", params={"format": fmt}) as response,
            out.open("wb") as stream,
        ):
            response.raise_for_status()
            for chunk in response.iter_bytes():
                stream.write(chunk)
        elapsed = time.perf_counter() - started
    return {
        "format": fmt,
        "seconds": round(elapsed, 3),
        "server_cpu_s": round(cpu_seconds(pid) - cpu, 2),
        "mb": round(out.stat().st_size / 1e6, 1),
        "server_rss_before_mb": round(before, 1),
        "server_rss_peak_mb": round(peak.peak, 1),
    }


def export_runs() -> dict:
    with data_dir() as directory:
        db, key = admin_key(directory)
        _seed(db)
        db.dispose()
        with server(directory) as (url, process, _):
            http = httpx.Client(
                base_url=url, headers={"Authorization": f"Bearer {key}"}, timeout=600
            )
            runs = [
                _export(http, process.pid, fmt, directory / f"export.{fmt}")
                for fmt in ("jsonl", "coco", "yolo", "jsonl", "coco", "yolo")
            ]
    best = {
        fmt: min(r["seconds"] for r in runs if r["format"] == fmt)
        for fmt in ("jsonl", "coco", "yolo")
    }
    cpu = {
        fmt: min(r["server_cpu_s"] for r in runs if r["format"] == fmt)
        for fmt in ("jsonl", "coco", "yolo")
    }
    return {
        "runs": runs,
        "best_seconds": best,
        "best_server_cpu_s": cpu,
        "coco_vs_jsonl": round(best["coco"] / best["jsonl"], 2),
        "yolo_vs_jsonl": round(best["yolo"] / best["jsonl"], 2),
        "target_ratio": 2,
    }


def _synthetic(n: int):
    """Exported task dicts as `iter_export` yields them, made on the fly (no database)."""
    response = orjson.Fragment(
        orjson.dumps({"annotations": _boxes(3), "links": [], "global_attributes": {}})
    )
    metadata = orjson.Fragment(b'{"width":1280,"height":720}')
    for i in range(n):
        params = {**PARAMS, "attachment": f"https://cdn.example.com/street/{i:06d}.jpg"}
        yield {
            "task_id": f"task_{i:022d}",
            "unique_id": f"img-{i}",
            "params": orjson.Fragment(orjson.dumps(params)),
            "metadata": metadata,
            "response": response,
            "confidence": 0.91,
        }


def encoder_memory() -> dict:
    """Peak Python memory of each encoder over 20,000 and over 100,000 tasks, with tracemalloc:
    what the encoder holds, apart from the database driver's and the server's caches."""
    ctx = ExportContext("street", "imageannotation", PARAMS)
    found: dict = {}
    for fmt in ("jsonl", "coco", "yolo", "voc"):
        peaks = {}
        for n in (N // 5, N):
            tracemalloc.start()
            for _chunk in EXPORTERS[fmt].encode(_synthetic(n), ctx):
                pass
            peaks[n] = round(tracemalloc.get_traced_memory()[1] / 1e6, 2)
            tracemalloc.stop()
        found[fmt] = {f"peak_mb_{n}_tasks": mb for n, mb in peaks.items()}
    return found


def _coco_file(path: Path) -> None:
    images = [
        {"id": i, "file_name": f"{i:06d}.jpg", "width": 1280, "height": 720} for i in range(N)
    ]
    annotations = [
        {
            "id": i * BOXES + k,
            "image_id": i,
            "category_id": (i + k) % 5 + 1,
            "bbox": [10.0 * k + i % 7, 20.0 + k, 50.5 + k, 40.0 + i % 13],
            "area": (50.5 + k) * (40.0 + i % 13),
            "iscrowd": 0,
            "segmentation": [],
        }
        for i in range(N)
        for k in range(BOXES)
    ]
    categories = [{"id": i, "name": name} for i, name in enumerate(LABELS, start=1)]
    path.write_bytes(
        orjson.dumps({"images": images, "annotations": annotations, "categories": categories})
    )


def import_run() -> dict:
    with data_dir() as directory:
        db, _key = admin_key(directory)
        with db.session(write=True) as s:
            catalog.create_project(s, "street", "imageannotation", params=PARAMS)
            s.commit()
        source = directory / "instances.json"
        _coco_file(source)
        size_mb = round(source.stat().st_size / 1e6, 1)
        started, cpu = time.perf_counter(), time.process_time()
        with source.open("rb") as stream, db.session(write=True) as s:
            ids = file_import.import_stream(
                s,
                "street",
                stream,
                fmt="coco",
                name=source.name,
                as_=ImportAs.hypothesis,
                media_url="https://cdn.example.com/street",
            )
            s.commit()
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
        with db.session() as s:
            count = s.query(Task).filter(Task.project_id.isnot(None)).count()
        db.dispose()
    assert len(ids) == count == N
    return {
        "images": N,
        "boxes": N * BOXES,
        "file_mb": size_mb,
        "seconds": round(elapsed, 3),
        "images_per_s": round(N / elapsed),
        "cpu_s": round(cpu, 3),
        "cpu_us_per_image": round(cpu / N * 1e6, 1),
        "target_images_per_s": 20_000,
    }


def main() -> dict:
    which = sys.argv[2] if len(sys.argv) > 2 else "both"
    result: dict = {"benchmark": "image_formats_sqlite", "images": N, "boxes": N * BOXES}
    if which in ("both", "import"):
        result["import_coco"] = import_run()
    if which in ("both", "export"):
        result["export"] = export_runs()
    if which in ("both", "memory"):
        result["encoder_memory"] = encoder_memory()
    return result


if __name__ == "__main__":
    print(json.dumps(main()))
