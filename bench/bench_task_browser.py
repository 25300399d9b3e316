"""The manager's task browser: the first page of every filter and sort of GET /api/tasks over
a project of 100,000 tasks, through a live server, on SQLite and PostgreSQL.

Setup writes the rows straight through the bulk insert path (quorum.db.bulk): 100,000 tasks over
ten batches and a month of creation times, 60% completed with a confidence, 5% canceled, 1% gold,
10% tagged `hot`; two answers by one of 20 annotators on every completed task; a second
project of 10,000 tasks the filters must skip; and 100,000 finished callback jobs (one or two
per completed task), which a task's detail reads its callback history from. Each listing case
is asked for 50 tasks, a few times after one warm-up request, and the detail of a completed and
of a pending task likewise; the figures are the median and the slowest, in milliseconds
(target: under 200 ms). `python bench/bench_task_browser.py [sqlite|postgresql] [N]`.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import statistics
import sys
import time

import httpx
from _harness import empty_database, serving

from quorum.db.bulk import insert_rows
from quorum.db.engine import Database
from quorum.db.migrate import upgrade
from quorum.db.models import Annotation, Base, Batch, Job, Project, Task, TaskTag
from quorum.db.search import search_text
from quorum.services.accounts import users

DIALECT = sys.argv[1] if len(sys.argv) > 1 else "sqlite"
N = int(sys.argv[2]) if len(sys.argv) > 2 else 100_000
OTHER = N // 10
JOBS = N
ANNOTATORS = 20
TARGET_MS = 200
REPEAT = 5
T0 = dt.datetime(2026, 1, 1)
WORDS = ["great", "broken", "late", "cheap", "loud", "fine", "soft", "heavy"]
RARE = "zeppelin"  # in one task of 1,000

CASES: dict[str, dict[str, str]] = {
    "newest": {},
    "status=pending": {"status": "pending"},
    "batch": {"batch": "bench-b3"},
    "tag": {"tags": "hot"},
    "confidence range": {"confidence_min": "0.5", "confidence_max": "0.7"},
    "disagreement": {"disagreement_min": "0.4"},
    "annotator": {"annotator": "ann7"},
    "gold": {"is_gold": "true"},
    "created range": {"created_after": "2026-01-10T00:00", "created_before": "2026-01-12T00:00"},
    "completed range": {
        "completed_after": "2026-01-20T00:00",
        "completed_before": "2026-01-21T00:00",
    },
    "text (common)": {"text": "broken"},
    "text (rare)": {"text": RARE},
    "sort=created": {"sort": "created"},
    "sort=-completed": {"sort": "-completed"},
    "sort=completed": {"sort": "completed"},
    "sort=-confidence": {"sort": "-confidence"},
    "sort=confidence": {"sort": "confidence"},
    "sort=-disagreement": {"sort": "-disagreement"},
    "sort=disagreement": {"sort": "disagreement"},
    "completed, most disagreement": {"status": "completed", "sort": "-disagreement"},
    "annotator, most disagreement": {"annotator": "ann7", "sort": "-disagreement"},
    "batch by confidence": {"batch": "bench-b3", "sort": "confidence"},
    "tag, newest completed": {"tags": "hot", "sort": "-completed"},
}


def _id(at: dt.datetime, n: int) -> str:
    """Time-ordered like quorum.services.ids: seconds, a fixed middle, a counter."""
    return f"{int(at.timestamp()):08x}{'be' * 5}{n & 0xFFFFFF:06x}"


def _seed(db: Database) -> str:
    rng = random.Random(12)
    with db.session(write=True) as s:
        users.create_user(s, "bench", "admin")
        key = users.create_api_key(s, "bench")
        people = [users.create_user(s, f"ann{i}", "annotator")["id"] for i in range(ANNOTATORS)]
        projects = []
        for name in ("bench", "other"):
            project = Project(name=name, task_type="categorization", policy={})
            s.add(project)
            s.flush()
            projects.append(project.id)
        batch_ids = []
        for b in range(10):
            batch = Batch(name=f"bench-b{b}", project_id=projects[0], status="in_progress")
            s.add(batch)
            s.flush()
            batch_ids.append(batch.id)
        tasks, tags, answers = [], [], []
        span = dt.timedelta(days=30)
        for i in range(N + OTHER):
            mine = i < N
            created = T0 + span * (i / (N + OTHER))
            task_id = _id(created, i)
            word = RARE if i % 1000 == 7 else rng.choice(WORDS)
            params = {"attachment": f"Review {i}: {word} product", "attachment_type": "text",
                      "categories": ["positive", "negative"]}  # fmt: skip
            draw = rng.random()
            status, confidence, completed, response = "pending", None, None, None
            if draw < 0.6:
                status, confidence = "completed", round(rng.uniform(0.3, 1.0), 6)
                completed = created + dt.timedelta(hours=rng.uniform(1, 72))
                response = {"category": "positive"}
                for who in rng.sample(people, 2):
                    answers.append((task_id, who, {"category": "positive"}, 4.0, completed))
            elif draw < 0.65:
                status = "canceled"
            tasks.append((
                task_id, projects[0] if mine else projects[1],
                batch_ids[i * 10 // N] if mine else None, status, params, 0, {}, 0, i % 100 == 3,
                response, confidence, created, created, completed, search_text(params),
            ))  # fmt: skip
            if i % 10 == 0:
                tags.append((task_id, "hot"))
        tables = Base.metadata.tables
        insert_rows(s, tables[Task.__tablename__], (
            "id", "project_id", "batch_id", "status", "params", "param_version", "metadata",
            "priority", "is_gold", "response", "confidence", "created_at", "updated_at",
            "completed_at", "search_text",
        ), tasks)  # fmt: skip
        insert_rows(s, tables[TaskTag.__tablename__], ("task_id", "tag"), tags)
        insert_rows(s, tables[Job.__tablename__], (
            "kind", "task_id", "payload", "status", "run_at", "attempts", "created_at",
            "updated_at", "finished_at",
        ), _callback_jobs(tasks))  # fmt: skip
        insert_rows(s, tables[Annotation.__tablename__], (
            "task_id", "user_id", "response", "time_spent_s", "created_at",
        ), answers)  # fmt: skip
        s.commit()
    return key


def _callback_jobs(tasks: list[tuple]) -> list[tuple]:
    """`JOBS` delivered callbacks, cycling over the completed tasks (the first few get two)."""
    done = [(t[0], t[13]) for t in tasks if t[3] == "completed"]
    url = "https://example.com/callback"
    jobs = []
    for n in range(JOBS):
        task_id, at = done[n % len(done)]
        payload = {"task_id": task_id, "event": "completed", "url": url}
        jobs.append(("callback.task", task_id, payload, "succeeded", at, 1, at, at, at))
    return jobs


def _time(
    client: httpx.Client, path: str, params: dict[str, str], count: str
) -> tuple[list[float], int]:
    """Times of `REPEAT` requests after a warm-up, and how many `count` items the last gave."""
    client.get(path, params=params).raise_for_status()  # warm-up
    times, found = [], 0
    for _ in range(REPEAT):
        started = time.perf_counter()
        response = client.get(path, params=params)
        times.append((time.perf_counter() - started) * 1000)
        response.raise_for_status()
        found = len(response.json()[count])
    return times, found


def main() -> dict:
    with empty_database(DIALECT) as url:
        db = Database(url)
        upgrade(db.engine)
        started = time.perf_counter()
        key = _seed(db)
        with db.engine.begin() as conn:
            conn.exec_driver_sql("ANALYZE")
        seed_s = time.perf_counter() - started
        db.dispose()
        cases = {}
        with (
            serving(url) as (port, _process),
            httpx.Client(
                base_url=f"http://127.0.0.1:{port}",
                headers={"Authorization": f"Bearer {key}"},
                timeout=30,
            ) as client,
        ):
            requests = [
                ("/api/tasks", {"project": "bench", "limit": "50", **params}, "docs", name)
                for name, params in CASES.items()
            ]
            for status in ("completed", "pending"):
                [task] = client.get(
                    "/api/tasks", params={"project": "bench", "status": status, "limit": "1"}
                ).json()["docs"]
                path = f"/api/tasks/{task['task_id']}/detail"
                requests.append((path, {}, "history", f"detail ({status})"))
            for path, query, count, name in requests:
                times, found = _time(client, path, query, count)
                cases[name] = {
                    "median_ms": round(statistics.median(times), 1),
                    "max_ms": round(max(times), 1),
                    "rows": found,
                }
    slowest = max(c["median_ms"] for c in cases.values())
    return {
        "benchmark": f"task_browser_{DIALECT}",
        "tasks": N,
        "other_project_tasks": OTHER,
        "callback_jobs": JOBS,
        "seed_s": round(seed_s, 1),
        "target_ms": TARGET_MS,
        "slowest_median_ms": slowest,
        "all_under_target": slowest < TARGET_MS,
        "cases": cases,
    }


if __name__ == "__main__":
    print(json.dumps(main()))
