"""Memory and responsiveness of a live server while it receives large uploads.

A `quorum serve` on SQLite receives a 500 MB file through Scale's `files/upload` (multipart),
then three such files at once, then a 50 MB JSON Lines task import (whose parsed records are
held in memory for the all-or-nothing insert: that phase grows with the file). Reported: the
server's peak resident memory (VmHWM from /proc) after each phase, and the latency of
`/healthz`, asked every 50 ms while the uploads run. Uploads are spooled to disk as they
arrive, so the peak should stay near the idle figure whatever the size; a server that holds
whole bodies grows by a few times the upload. The machine's other load moves the latency
figures, not the memory.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import numpy as np
from _harness import admin_key, data_dir, server

MB = 1_000_000
UPLOAD_MB = int(os.environ.get("BENCH_UPLOAD_MB", 500))
IMPORT_MB = int(os.environ.get("BENCH_IMPORT_MB", 50))
CONCURRENT = 3


def vm_hwm_mb(pid: int) -> float:
    """Peak resident memory of a process so far, from /proc."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
    raise RuntimeError("no VmHWM")


def _big_file(path: Path, size: int) -> Path:
    block = np.random.default_rng(0).bytes(MB)
    with path.open("wb") as out:
        for _ in range(size // MB):
            out.write(block)
    return path


def _jsonl(path: Path, size: int) -> Path:
    line = b'{"attachment": "' + b"a fairly ordinary review of a product " * 6 + b'"}\n'
    with path.open("wb") as out:
        for _ in range(size // len(line)):
            out.write(line)
    return path


class HealthProbe:
    """Asks /healthz every 50 ms in a thread; latencies in ms."""

    def __init__(self, url: str) -> None:
        self.url, self.latencies, self._stop = url, [], threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        with httpx.Client(timeout=30) as client:
            while not self._stop.is_set():
                started = time.perf_counter()
                with contextlib.suppress(httpx.TimeoutException):  # counted as the 30 s
                    client.get(f"{self.url}/healthz")
                self.latencies.append((time.perf_counter() - started) * 1000)
                self._stop.wait(0.05)

    def __enter__(self) -> HealthProbe:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def summary(self) -> dict:
        values = np.array(self.latencies or [0.0])
        return {
            "samples": len(self.latencies),
            "p50": round(float(np.percentile(values, 50)), 1),
            "p99": round(float(np.percentile(values, 99)), 1),
            "max": round(float(values.max()), 1),
        }


def _upload(url: str, headers: dict, path: Path) -> float:
    started = time.perf_counter()
    with httpx.Client(base_url=url, headers=headers, timeout=900) as client, path.open("rb") as f:
        response = client.post("/v1/files/upload", files={"file": (path.name, f)})
    response.raise_for_status()
    assert response.json()["size"] == path.stat().st_size
    return time.perf_counter() - started


def _phase(url: str, pid: int, work) -> dict:
    with HealthProbe(url) as probe:
        started = time.perf_counter()
        work()
        seconds = time.perf_counter() - started
    return {
        "seconds": round(seconds, 2),
        "peak_rss_mb": vm_hwm_mb(pid),
        "healthz_ms": probe.summary(),
    }


def main() -> dict:
    with data_dir() as directory:
        db, key = admin_key(directory)
        db.dispose()
        big = _big_file(directory / "big.bin", UPLOAD_MB * MB)
        copies = [big]
        for i in range(1, CONCURRENT):  # the same bytes under other names
            copies.append(directory / f"big{i}.bin")
            os.link(big, copies[-1])
        tasks = _jsonl(directory / "tasks.jsonl", IMPORT_MB * MB)
        with server(directory) as (url, process, _):
            headers = {"Authorization": f"Bearer {key}"}
            httpx.post(f"{url}/api/projects", headers=headers, timeout=30, json={
                "name": "p", "type": "categorization", "params": {"categories": ["a", "b"]}},
            ).raise_for_status()  # fmt: skip
            idle = vm_hwm_mb(process.pid)
            one = _phase(url, process.pid, lambda: _upload(url, headers, big))

            def concurrent() -> None:
                with ThreadPoolExecutor(CONCURRENT) as pool:
                    list(pool.map(lambda p: _upload(url, headers, p), copies))

            several = _phase(url, process.pid, concurrent)

            def import_tasks() -> None:
                with (
                    httpx.Client(base_url=url, headers=headers, timeout=900) as client,
                    tasks.open("rb") as body,
                ):
                    response = client.post(
                        "/api/projects/p/tasks/import?filename=tasks.jsonl", content=body
                    )
                response.raise_for_status()

            imported = _phase(url, process.pid, import_tasks)
    return {
        "benchmark": "upload_memory",
        "upload_mb": UPLOAD_MB,
        "idle_peak_rss_mb": idle,
        "one_upload": one,
        f"{CONCURRENT}_concurrent_uploads": several,
        "import_mb": IMPORT_MB,
        "jsonl_import": imported,
    }


if __name__ == "__main__":
    json.dump(main(), sys.stdout)
    print()
