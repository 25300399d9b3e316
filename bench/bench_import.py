"""Bulk import of 100,000 text-categorization tasks through the API into SQLite.

Bodies are serialised before the clock starts; the time is from the first request to the last
answer, over a live `quorum serve`. Peer figure on this machine: Label Studio 1.23, ~6,400
tasks/s. Target: at least 60,000 tasks/s.
"""

from __future__ import annotations

import json
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import orjson
from _harness import admin_key, data_dir, server

N = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
PER_REQUEST = 20_000
TEXTS = [
    "The battery lasts two days and the screen is bright.",
    "Stopped working after a week, support never answered.",
    "Fine for the price, nothing special.",
]


def run(workers: int, concurrency: int) -> dict:
    with data_dir() as directory:
        db, key = admin_key(directory)
        db.dispose()
        with server(directory, workers) as (url, _process, _):
            headers = {"Authorization": f"Bearer {key}"}
            http = httpx.Client(base_url=url, headers=headers, timeout=600)
            http.post(
                "/api/projects",
                json={
                    "name": "reviews",
                    "type": "categorization",
                    "params": {"categories": ["positive", "negative", "neutral"]},
                },
            ).raise_for_status()
            bodies = [
                orjson.dumps(
                    [
                        {
                            "attachment": TEXTS[i % 3] + f" #{i}",
                            "unique_id": f"review-{i}",
                            "metadata": {"source": "app-store", "n": i},
                        }
                        for i in range(start, min(start + PER_REQUEST, N))
                    ]
                )
                for start in range(0, N, PER_REQUEST)
            ]
            clients = [
                httpx.Client(base_url=url, headers=headers, timeout=600) for _ in range(concurrency)
            ]

            def send(index: int) -> int:
                response = clients[index % concurrency].post(
                    "/api/projects/reviews/tasks/bulk",
                    content=bodies[index],
                    headers={"Content-Type": "application/json"},
                )
                response.raise_for_status()
                return response.json()["created"]

            started = time.perf_counter()
            with ThreadPoolExecutor(concurrency) as pool:
                created = sum(pool.map(send, range(len(bodies))))
            elapsed = time.perf_counter() - started
            total = http.get("/api/tasks/count", params={"project": "reviews"}).json()["total"]
    assert created == total == N
    return {
        "server_workers": workers,
        "client_connections": concurrency,
        "seconds": round(elapsed, 3),
        "tasks_per_s": round(N / elapsed),
    }


def main() -> dict:
    runs = [run(1, 1), run(2, 2)]
    return {
        "benchmark": "bulk_import_api_sqlite",
        "tasks": N,
        "records_per_request": PER_REQUEST,
        "runs": runs,
        "best_tasks_per_s": max(r["tasks_per_s"] for r in runs),
        "target_tasks_per_s": 60_000,
        "peer_tasks_per_s": 6_400,
    }


if __name__ == "__main__":
    print(json.dumps(main()))
