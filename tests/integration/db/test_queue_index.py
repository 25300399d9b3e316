"""The claim walks the queue's partial indexes on both databases, as db.claim says it does."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect

from quorum.db import claim
from quorum.db.hot import Statement
from quorum.services.projects import catalog
from quorum.services.tasks import creation

TASKS = 200


@pytest.fixture
def queue(db):
    """A project with regular and gold tasks; the ids of the project and a user."""
    with db.session(write=True) as s:
        project = catalog.create_project(
            s, "p", "categorization", params={"categories": ["a", "b"]}
        )
        records = [{"attachment": f"t{i}"} for i in range(TASKS)]
        records += [{"attachment": f"g{i}", "gold": {"category": "a"}} for i in range(TASKS)]
        creation.create_tasks(s, "p", records)
    return {"project": project["id"], "user": 1}


def _plan(db, statement: Statement, params: dict) -> str:
    """The database's plan of `statement`, as text."""
    with db.engine.connect() as conn:
        raw = conn.connection.dbapi_connection
        sql = statement.text(conn.dialect)
        if conn.dialect.name == "sqlite":
            rows = raw.execute(f"EXPLAIN QUERY PLAN {sql}", params).fetchall()
            return "\n".join(row[-1] for row in rows)
        # Few rows: without this the planner may rightly prefer reading the whole table.
        raw.execute("SET enable_seqscan = off")
        rows = raw.execute(f"EXPLAIN {sql}", params).fetchall()
        conn.rollback()
        return "\n".join(row[0] for row in rows)


def _sorts_tasks(plan: str) -> bool:
    return "TEMP B-TREE FOR ORDER BY" in plan or "Sort Key: tasks." in plan


def test_the_queue_indexes_exist(db):
    names = {index["name"] for index in inspect(db.engine).get_indexes("tasks")}
    assert {"ix_tasks_queue", "ix_tasks_gold"} <= names


def test_a_claim_walks_the_queue_index(db, queue):
    plan = _plan(db, claim.NEXT_TASK, queue)
    assert "ix_tasks_queue" in plan, plan
    assert not _sorts_tasks(plan), plan  # walked in hand-out order


def test_a_gold_claim_walks_the_gold_index(db, queue):
    """Regular tasks were created first: a walk of the project's pending tasks in id order
    (SQLite's choice by itself) would step over all of them before the first gold task."""
    plan = _plan(db, claim.NEXT_GOLD, {**queue, "after": ""})
    assert "ix_tasks_gold" in plan, plan
    assert not _sorts_tasks(plan), plan
    assert "ix_tasks_gold" in _plan(db, claim.QUALIFICATION_GOLD, queue)
