"""32 annotators at once on each database: no task over its overlap, nobody answers twice."""

from __future__ import annotations

import random
import threading
from collections import Counter

from sqlalchemy import select
from tests import factories as make

from quorum.db.engine import Database
from quorum.db.models import Annotation, Task
from quorum.services.labeling import assignments

ANNOTATORS = 32
TASKS = 40
OVERLAP = 3


def test_32_concurrent_annotators(db_url):
    db = Database(db_url, pool_size=ANNOTATORS)
    with db.session(write=True) as s:
        make.project(
            s,
            params={"categories": ["a", "b", "c"]},
            policy={"min_overlap": OVERLAP, "max_overlap": OVERLAP, "confidence_target": 0.99},
        )
        team = make.people(s, *(f"w{i}" for i in range(ANNOTATORS)), projects=["p"])
        people = [who.principal for who in team.values()]
        make.tasks(s, n=TASKS)

    errors: list[BaseException] = []
    start = threading.Barrier(ANNOTATORS)

    def work(principal):
        rng = random.Random(principal.user_id)
        try:
            start.wait()
            while True:
                with db.session(write=True) as s:
                    claimed = assignments.claim_next(s, principal, "p")
                if claimed is None:
                    return
                with db.session(write=True) as s:
                    assignments.submit(
                        s, principal, claimed["assignment_id"], {"category": rng.choice("abc")}, 1.0
                    )
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(p,)) for p in people]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=240)
    assert not any(t.is_alive() for t in threads)
    assert errors == []

    with db.session() as s:
        pairs = s.execute(select(Annotation.task_id, Annotation.user_id)).all()
        per_task = Counter(task_id for task_id, _ in pairs)
        assert len(pairs) == len(set(pairs)), "an annotator answered a task twice"
        assert set(per_task.values()) == {OVERLAP} and len(per_task) == TASKS
        states = s.execute(select(Task.status, Task.answered, Task.active)).all()
        assert all(row == ("completed", OVERLAP, 0) for row in states)
    db.dispose()
