"""The manager's dashboard API on a project with 10,000 answered tasks (two answers each), for
a categorization, an entity-span and an image-box project, on SQLite and PostgreSQL.

Setup writes tasks, annotations and annotator records straight into the database; the clock
runs per `GET /api/projects/{p}/dashboard` against a live server. Agreement is measured on the
latest `AGREEMENT_SAMPLE` tasks with several answers, so the figure must not grow with the
project. Target: p95 under 500 ms on SQLite.
"""

from __future__ import annotations

import json
import statistics
import sys
import time

import httpx
from _harness import empty_database, serving
from sqlalchemy import select, update

from quorum.db.bulk import insert_rows
from quorum.db.engine import Database
from quorum.db.migrate import upgrade
from quorum.db.models import Annotation, Project, ProjectAnnotator, Task, User, utcnow
from quorum.services.accounts import users
from quorum.services.projects import catalog
from quorum.services.tasks import creation
from quorum.services.workforce.dashboard_agreement import AGREEMENT_SAMPLE

N = int(sys.argv[2]) if len(sys.argv) > 2 else 10_000
REQUESTS = 20
PERSON = {"start": 0, "end": 3, "label": "PER"}
PLACE = {"start": 8, "end": 14, "label": "LOC"}


def _box(left: int) -> dict:
    return {"type": "box", "label": "car", "left": left, "top": 5, "width": 40, "height": 30,
            "attributes": {}}  # fmt: skip


def _shapes(*boxes: dict) -> dict:
    return {"annotations": list(boxes), "links": [], "global_attributes": {}}


# name, type, params, task record, the two annotators' answers to task i
PROJECTS = [
    ("tickets", "categorization", {"categories": ["bug", "question", "other"]},
     {"attachment": "The app crashes on start."},
     lambda i: ({"category": "bug"}, {"category": ("bug", "question")[i % 4 == 0]})),
    ("entities", "namedentityrecognition", {"labels": [{"name": "PER"}, {"name": "LOC"}]},
     {"text": "Ada in London."},
     lambda i: ({"annotations": [PERSON, PLACE]}, {"annotations": [PERSON][: 1 + i % 2]})),
    ("boxes", "imageannotation", {"geometries": {"box": {"objects_to_annotate": ["car"]}}},
     {"attachment": "https://example.com/street.png"},
     lambda i: (_shapes(_box(10), _box(100)), _shapes(_box(10 + i % 7), _box(104)))),
]  # fmt: skip


def _seed(url: str) -> str:
    db = Database(url, pool_size=1)
    upgrade(db.engine)
    with db.session(write=True) as s:
        users.create_user(s, "boss", "manager")
        key = users.create_api_key(s, "boss")
        people = []
        for name in ("ann", "bea"):
            users.create_user(s, name, "annotator")
            people.append(s.scalar(select(User.id).where(User.name == name)))
        now = utcnow()
        for name, kind, params, record, answers in PROJECTS:
            catalog.create_project(s, name, kind, params=params)
            for user in ("ann", "bea"):
                catalog.add_member(s, name, user, "annotator")
            project_id = s.scalar(select(Project.id).where(Project.name == name))
            ids = creation.create_tasks(s, name, [dict(record) for _ in range(N)])
            rows = [
                (task_id, user, response, 3.0, now)
                for i, task_id in enumerate(ids)
                for user, response in zip(people, answers(i), strict=True)
            ]
            columns = ("task_id", "user_id", "response", "time_spent_s", "created_at")
            for start in range(0, len(rows), 20_000):
                insert_rows(s, Annotation.__table__, columns, rows[start : start + 20_000])
            s.execute(
                update(Task)
                .where(Task.project_id == project_id)
                .values(status="completed", answered=2, confidence=0.9, completed_at=now,
                        response=answers(0)[0])
            )  # fmt: skip
            insert_rows(
                s, ProjectAnnotator.__table__, ("project_id", "user_id", "answered"),
                [(project_id, user, N) for user in people],
            )  # fmt: skip
        s.commit()
    db.dispose()
    return key


def _time(port: int, key: str, project: str) -> dict:
    headers = {"Authorization": f"Bearer {key}"}
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", headers=headers, timeout=60) as http:
        first = http.get(f"/api/projects/{project}/dashboard")  # warms the adapters' imports
        first.raise_for_status()
        measures = {m["name"]: m["value"] for m in first.json()["agreement"]["measures"]}
        ms = []
        for _ in range(REQUESTS):
            started = time.perf_counter()
            http.get(f"/api/projects/{project}/dashboard").raise_for_status()
            ms.append((time.perf_counter() - started) * 1000)
    ms.sort()
    return {
        "project": project,
        "median_ms": round(statistics.median(ms), 1),
        "p95_ms": round(ms[int(0.95 * (len(ms) - 1))], 1),
        "measures": measures,
    }


def run(dialect: str) -> dict:
    with empty_database(dialect) as url:
        key = _seed(url)
        with serving(url) as (port, _process):
            return {"database": dialect, "projects": [_time(port, key, p[0]) for p in PROJECTS]}


def main() -> dict:
    dialects = sys.argv[1:2] or ["sqlite", "postgresql"]
    return {
        "benchmark": "dashboard_api",
        "answered_tasks": N,
        "answers_per_task": 2,
        "agreement_sample": AGREEMENT_SAMPLE,
        "requests": REQUESTS,
        "runs": [run(d) for d in dialects],
        "target": {"p95_ms_sqlite": 500},
    }


if __name__ == "__main__":
    print(json.dumps(main()))
