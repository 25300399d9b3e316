"""Listing 10,000 tasks through the official `scaleapi` client's `get_tasks` generator.

The client pages through `GET /v1/tasks` 100 full task objects at a time; this measures how fast
a requester can read a project back through Scale's face. Setup writes the tasks straight into
SQLite (every one tagged, half of them completed with a response); the clock runs from the
first request to the last task read.
"""

from __future__ import annotations

import json
import sys
import time

from _harness import admin_key, data_dir, server
from scaleapi import ScaleClient
from sqlalchemy import insert, update

from quorum.db.models import Task, TaskTag, utcnow
from quorum.services.projects import catalog
from quorum.services.tasks import creation

N = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
LABELS = ["positive", "negative", "neutral"]


def _seed(db) -> None:
    with db.session(write=True) as s:
        catalog.create_project(s, "reviews", "categorization", params={"categories": LABELS})
        ids = creation.create_tasks(
            s,
            "reviews",
            [
                {"attachment": f"Review number {i}: works as described.", "unique_id": f"r{i}"}
                for i in range(N)
            ],
        )
        s.execute(insert(TaskTag), [{"task_id": t, "tag": "bench"} for t in ids])
        s.execute(
            update(Task)
            .where(Task.id.in_(ids[: N // 2]))
            .values(
                status="completed",
                response={"category": "positive"},
                confidence=0.97,
                completed_at=utcnow(),
            )
        )
        s.commit()


def main() -> dict:
    with data_dir() as directory:
        db, key = admin_key(directory)
        _seed(db)
        db.dispose()
        with server(directory) as (url, _process, _):
            client = ScaleClient(key, api_instance_url=f"{url}/v1")
            started = time.perf_counter()
            seen = sum(1 for _ in client.get_tasks(project_name="reviews"))
            elapsed = time.perf_counter() - started
    assert seen == N, seen
    return {
        "benchmark": "scale_get_tasks_sqlite",
        "tasks": N,
        "seconds": round(elapsed, 3),
        "tasks_per_s": round(N / elapsed),
    }


if __name__ == "__main__":
    print(json.dumps(main()))
