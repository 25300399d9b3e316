"""Server start to first answer, and idle memory after start and after some traffic.

Peer figures on this machine: Label Studio 335 MB idle, 28 s to start. Targets: under 120 MB
and under 3 s.
"""

from __future__ import annotations

import json
import time

import httpx
from _harness import admin_key, data_dir, rss_mb, server


def main() -> dict:
    with data_dir() as directory:
        db, key = admin_key(directory)
        db.dispose()
        with server(directory) as (url, process, start_s):
            time.sleep(1)
            idle_start = rss_mb(process.pid)
            http = httpx.Client(base_url=url, headers={"Authorization": f"Bearer {key}"})
            http.post(
                "/api/projects",
                json={"name": "p", "type": "categorization", "params": {"categories": ["a", "b"]}},
            )
            http.post(
                "/api/projects/p/tasks/bulk", json=[{"attachment": f"t{i}"} for i in range(1000)]
            )
            for _ in range(50):
                http.get("/api/tasks", params={"project": "p", "limit": 100})
            time.sleep(1)
            idle_after = rss_mb(process.pid)
    return {
        "benchmark": "server_start_and_memory",
        "start_to_first_answer_s": round(start_s, 2),
        "idle_rss_mb": round(idle_start, 1),
        "rss_after_traffic_mb": round(idle_after, 1),
        "target_rss_mb": 120,
        "target_start_s": 3,
        "peer_rss_mb": 335,
        "peer_start_s": 28,
    }


if __name__ == "__main__":
    print(json.dumps(main()))
