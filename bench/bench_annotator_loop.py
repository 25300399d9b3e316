"""The annotator loop over HTTP: claim the next task and submit an answer, as fast as the
server allows, with 1 and 8 concurrent annotators, on SQLite and on PostgreSQL.

A project of 100,000 categorization tasks is seeded first; each annotator is a thread with its
own keep-alive connection (the standard library's `http.client`: the client shares the machine's
two cores with the server, and httpx would spend more CPU per request than the server does) that
runs `next` + `submit` for a fixed time. Peer figures on this
machine (Label Studio 1.23, SQLite): ~3.5 round trips/s with one annotator, 4.8/s with eight
(next-task p99 4 s). Targets: >= 500 round trips/s with eight and next p99 < 50 ms on SQLite.
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time
from http.client import HTTPConnection

import numpy as np
from _harness import cpu_seconds, empty_database, serving

from quorum.db.engine import Database
from quorum.db.migrate import upgrade
from quorum.services.accounts import users
from quorum.services.projects import catalog
from quorum.services.tasks import creation

TASKS = int(os.environ.get("BENCH_TASKS", 100_000))
SECONDS = float(os.environ.get("BENCH_SECONDS", 10))
# Server processes; SQLite serialises writers, but the Python around them runs in parallel.
WORKERS = int(os.environ.get("BENCH_SERVER_WORKERS", 1))
WARMUP = 5  # round trips per annotator before the clock starts


def _seed(url: str, annotators: int) -> list[str]:
    db = Database(url)
    upgrade(db.engine)
    keys = []
    with db.session(write=True) as s:
        catalog.create_project(
            s,
            "loop",
            "categorization",
            params={"categories": ["positive", "negative", "neutral"]},
            policy={"min_overlap": 1, "max_overlap": 3, "confidence_target": 0.9},
        )
        for i in range(annotators):
            users.create_user(s, f"w{i}", "annotator")
            catalog.add_member(s, "loop", f"w{i}", "annotator")
            keys.append(users.create_api_key(s, f"w{i}"))
        creation.create_tasks(s, "loop", [{"attachment": f"review {i}"} for i in range(TASKS)])
    db.dispose()
    return keys


def _run(url: str, keys: list[str], seconds: float) -> dict:
    with serving(url, WORKERS) as (port, server):
        next_ms: list[float] = []
        submit_ms: list[float] = []
        lock = threading.Lock()
        # Every annotator warms up (first connections, the quality engine's first import) and
        # then all start the clock together.
        clock = {"started": 0.0, "stop": 0.0}

        def start_clock() -> None:
            clock["cpu"] = cpu_seconds(server.pid)
            clock["started"] = time.perf_counter()
            clock["stop"] = clock["started"] + seconds

        ready = threading.Barrier(len(keys), action=start_clock)

        def annotator(key: str) -> None:
            mine_next, mine_submit = [], []
            headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
            answer = json.dumps({"response": {"category": "positive"}, "time_spent_s": 2.0})
            http = HTTPConnection("127.0.0.1", port)

            def round_trip() -> tuple[float, float]:
                t0 = time.perf_counter()
                http.request("POST", "/api/projects/loop/next", headers=headers)
                claimed = http.getresponse()
                body = claimed.read()
                t1 = time.perf_counter()
                if claimed.status != 200:
                    raise RuntimeError(f"next answered {claimed.status}")
                assignment = json.loads(body)["assignment_id"]
                http.request(
                    "POST", f"/api/assignments/{assignment}/submit", answer, headers=headers
                )
                done = http.getresponse()
                done.read()
                if done.status != 200:
                    raise RuntimeError(f"submit answered {done.status}")
                return (t1 - t0) * 1000, (time.perf_counter() - t1) * 1000

            try:
                for _ in range(WARMUP):
                    round_trip()
                ready.wait()
                while time.perf_counter() < clock["stop"]:
                    claim_ms, submit_ms_ = round_trip()
                    mine_next.append(claim_ms)
                    mine_submit.append(submit_ms_)
            finally:
                http.close()
            with lock:
                next_ms.extend(mine_next)
                submit_ms.extend(mine_submit)

        threads = [threading.Thread(target=annotator, args=(k,)) for k in keys]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.perf_counter() - clock["started"]
        server_cpu = cpu_seconds(server.pid) - clock["cpu"]

    def pct(values: list[float]) -> dict:
        a = np.asarray(values)
        return {f"p{q}": round(float(np.percentile(a, q)), 2) for q in (50, 95, 99)}

    return {
        "annotators": len(keys),
        "round_trips": len(next_ms),
        "round_trips_per_s": round(len(next_ms) / elapsed, 1),
        "server_cpu_ms_per_round_trip": round(server_cpu * 1000 / len(next_ms), 3),
        "next_ms": pct(next_ms),
        "submit_ms": pct(submit_ms),
    }


def run(dialect: str, annotators: int) -> dict:
    with empty_database(dialect) as url:
        return {"database": dialect, **_run(url, _seed(url, annotators), SECONDS)}


def main() -> dict:
    dialects = sys.argv[1:] or ["sqlite", "postgresql"]
    runs = [run(d, n) for d in dialects for n in (1, 8)]
    return {
        "benchmark": "annotator_loop_http",
        "tasks": TASKS,
        "seconds_per_run": SECONDS,
        "runs": runs,
        "target": {"round_trips_per_s_8": 500, "next_p99_ms_sqlite": 50},
        "peer": {"round_trips_per_s_1": 3.5, "round_trips_per_s_8": 4.8, "next_p99_ms_8": 4000},
    }


if __name__ == "__main__":
    print(json.dumps(main()))
