"""Does a claim, a submission or a correction take longer when the task is gold? An annotator
with a stopwatch must not be able to tell (docs/workforce.md): medians of gold and regular
submits, claims and corrections of the previous answer within 10 % of each other.

One annotator claims and answers tasks of a project where half of what is served is gold, over
one keep-alive connection (the standard library's `http.client`), with a second annotator's
answers on the same tasks so that regular tasks run the whole consensus decision. At least 1,000
submissions of each kind are timed; which were gold is read from the database afterwards. Then
the same annotator corrects each answer right after giving it (to another category, so some
completed tasks change label and go to review): at least 300 corrections of each kind.
"""

from __future__ import annotations

import json
import os
import sys
import time
from http.client import HTTPConnection

import numpy as np
from _harness import empty_database, serving
from sqlalchemy import select

from quorum.db.engine import Database
from quorum.db.migrate import upgrade
from quorum.db.models import Assignment
from quorum.services.accounts import users
from quorum.services.projects import catalog
from quorum.services.tasks import creation

PER_KIND = int(os.environ.get("BENCH_GOLD_SUBMITS", 1000))
PER_KIND_CORRECTIONS = int(os.environ.get("BENCH_GOLD_CORRECTIONS", 300))
ANSWER = {"response": {"category": "positive"}, "time_spent_s": 2.0}
CORRECTION = {"response": {"category": "negative"}, "time_spent_s": 1.0}


def _seed(url: str) -> list[str]:
    db = Database(url)
    upgrade(db.engine)
    with db.session(write=True) as s:
        catalog.create_project(
            s,
            "gold",
            "categorization",
            params={"categories": ["positive", "negative", "neutral"]},
            policy={"min_overlap": 2, "max_overlap": 3, "gold_rate": 0.5},
        )
        keys = []
        for name in ("timed", "other"):
            users.create_user(s, name, "annotator")
            catalog.add_member(s, "gold", name, "annotator")
            keys.append(users.create_api_key(s, name))
        n = PER_KIND * 3
        records = [{"attachment": f"review {i}"} for i in range(n)]
        # Half the gold answers match what the annotator says, half do not.
        golden = ("positive", "negative")
        records += [{"attachment": f"g{i}", "gold": {"category": golden[i % 2]}} for i in range(n)]
        creation.create_tasks(s, "gold", records)
    db.dispose()
    return keys


def _timed_submits(
    port: int, key: str, rounds: int, *, correct: bool = False
) -> list[tuple[int, float, float]]:
    """(assignment, claim ms, submit ms) of each round; with `correct`, the submission is
    followed by a correction of it and the last figure is the correction's."""
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
    body = json.dumps(ANSWER)
    http = HTTPConnection("127.0.0.1", port)
    timings = []
    try:
        for _ in range(rounds):
            t0 = time.perf_counter()
            http.request("POST", "/api/projects/gold/next", headers=headers)
            claimed = http.getresponse()
            data = claimed.read()
            claim_ms = (time.perf_counter() - t0) * 1000
            if claimed.status != 200:
                raise RuntimeError(f"next answered {claimed.status}")
            assignment = json.loads(data)["assignment_id"]
            t0 = time.perf_counter()
            http.request("POST", f"/api/assignments/{assignment}/submit", body, headers=headers)
            done = http.getresponse()
            done.read()
            elapsed = (time.perf_counter() - t0) * 1000
            if done.status != 200:
                raise RuntimeError(f"submit answered {done.status}")
            if correct:
                t0 = time.perf_counter()
                url = f"/api/assignments/{assignment}/correct"
                http.request("POST", url, json.dumps(CORRECTION), headers=headers)
                fixed = http.getresponse()
                fixed.read()
                elapsed = (time.perf_counter() - t0) * 1000
                if fixed.status != 200:
                    raise RuntimeError(f"correct answered {fixed.status}")
            timings.append((assignment, claim_ms, elapsed))
    finally:
        http.close()
    return timings


def _run(url: str) -> dict:
    timed, other = _seed(url)
    with serving(url) as (port, _):
        # The other annotator answers first, so the timed one's regular answers are second
        # answers that run the consensus decision (and complete some tasks, whose corrections
        # then decide whether the label changed).
        rounds, correcting = int(PER_KIND * 2.3), int(PER_KIND_CORRECTIONS * 2.3)
        _timed_submits(port, other, 20 + rounds + correcting)
        _timed_submits(port, timed, 20)  # warm-up: first connections, first imports
        timings = _timed_submits(port, timed, rounds)
        corrections = _timed_submits(port, timed, correcting, correct=True)
    db = Database(url)
    with db.session() as s:
        gold = dict(s.execute(select(Assignment.id, Assignment.is_gold)).all())
    db.dispose()
    kinds: dict[bool, list] = {True: [], False: []}
    for assignment, claim_ms, submit_ms in timings:
        kinds[gold[assignment]].append((claim_ms, submit_ms))
    fixes: dict[bool, list] = {True: [], False: []}
    for assignment, _, correct_ms in corrections:
        fixes[gold[assignment]].append(correct_ms)

    def stats(pairs: list[tuple[float, float]]) -> dict:
        a = np.asarray(pairs)
        out: dict = {"submits": len(pairs)}
        for column, name in ((0, "next"), (1, "submit")):
            for q in (50, 90):
                out[f"{name}_p{q}_ms"] = round(float(np.percentile(a[:, column], q)), 3)
        return out

    g, r = stats(kinds[True]), stats(kinds[False])
    for kind, figures in ((True, g), (False, r)):
        figures["corrections"] = len(fixes[kind])
        for q in (50, 90):
            figures[f"correct_p{q}_ms"] = round(float(np.percentile(fixes[kind], q)), 3)
    return {
        "gold": g,
        "regular": r,
        "submit_median_ratio": round(g["submit_p50_ms"] / r["submit_p50_ms"], 3),
        "next_median_ratio": round(g["next_p50_ms"] / r["next_p50_ms"], 3),
        "correct_median_ratio": round(g["correct_p50_ms"] / r["correct_p50_ms"], 3),
    }


def run(dialect: str) -> dict:
    with empty_database(dialect) as url:
        return {"database": dialect, **_run(url)}


def main() -> dict:
    dialects = sys.argv[1:] or ["sqlite", "postgresql"]
    return {
        "benchmark": "gold_vs_regular_submit_latency",
        "runs": [run(d) for d in dialects],
        "target": {
            "submit_median_ratio_within": [0.9, 1.1],
            "correct_median_ratio_within": [0.9, 1.1],
        },
    }


if __name__ == "__main__":
    print(json.dumps(main()))
