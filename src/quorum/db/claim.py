"""Picking the next task for an annotator: the one dialect-specific read of the queue.

Both databases walk the partial index `ix_tasks_queue` in hand-out order (the Studio order of
the task's batch, the task's priority, the active-learning score, oldest first) and stop at the
first task that still wants answers, that this annotator has never been given and whose batch,
if routed to groups, is routed to one of theirs. On PostgreSQL the row is locked with
`FOR UPDATE SKIP LOCKED`, so concurrent claimers take different tasks without waiting; on
SQLite the caller's write transaction (BEGIN IMMEDIATE) already serialises claimers.

Gold is handed out training tasks first during the qualification; after it, in id order from
the last gold task the annotator was served, along the partial index `ix_tasks_gold`, so that a
gold claim costs one index step like a regular one (its time must not tell it apart). Gold
rows are not locked: every annotator may have each gold task, the claim's update of the row
serialises them. Gold is never routed to groups: it measures everyone. A claim that serves gold
still looks up (and on PostgreSQL locks, until it commits) the regular candidate, so that it
takes as long as one that serves a regular task; concurrent claimers skip that row meanwhile.
"""

from __future__ import annotations

from sqlalchemy import Connection

from quorum.db.hot import SQL
from quorum.db.models import GOLD_PREDICATE, QUEUE_PREDICATE

_NOT_SEEN = (
    "NOT EXISTS (SELECT 1 FROM assignments WHERE assignments.task_id = tasks.id"
    " AND assignments.user_id = :user)"
)


# Batches of the project routed to groups the annotator is in none of: computed once per claim
# (an uncorrelated subquery), empty at the cost of one index probe for a project with no groups.
_CLOSED_BATCHES = """
SELECT bg.batch_id FROM batch_groups bg JOIN project_groups g ON g.id = bg.group_id
WHERE g.project_id = :project
EXCEPT
SELECT bg.batch_id FROM project_group_members m JOIN batch_groups bg ON bg.group_id = m.group_id
WHERE m.user_id = :user AND m.project_id = :project"""


def _claim(sql: str) -> SQL:
    return SQL(sql, postgresql=sql + " FOR UPDATE SKIP LOCKED")


_NEXT_TASK = _claim(f"""
SELECT id FROM tasks
WHERE project_id = :project AND {QUEUE_PREDICATE}
  AND answered + active < needed AND {_NOT_SEEN}
  AND (batch_id IS NULL OR batch_id NOT IN ({_CLOSED_BATCHES}))
ORDER BY batch_priority DESC, priority DESC, al_score DESC, id
LIMIT 1""")

# Gold tasks with this tag (Scale's training tasks) are served before other gold, oldest first,
# so that a new annotator's qualification is the training set whatever order it was created in.
TRAINING_TAG = "training"

# Ranking all of a project's claimable gold costs a probe of task_tags' primary key per gold
# task: that is done only during the qualification, whose gold comes first by design.
_QUALIFICATION_GOLD = SQL(f"""
SELECT id FROM tasks
WHERE project_id = :project AND {GOLD_PREDICATE} AND {_NOT_SEEN}
ORDER BY NOT EXISTS (SELECT 1 FROM task_tags WHERE task_tags.task_id = tasks.id
                     AND task_tags.tag = :training), id
LIMIT 1""")
# All gold before the cursor was served to this annotator (or was not claimable when it passed);
# the seen test only steps over qualification gold that lies ahead of it.
_NEXT_GOLD = SQL(f"""
SELECT id FROM tasks
WHERE project_id = :project AND {GOLD_PREDICATE} AND id > :after AND {_NOT_SEEN}
ORDER BY id
LIMIT 1""")


def next_task_id(conn: Connection, project_id: int, user_id: int) -> str | None:
    """Id of the regular task to hand to `user_id` next (locked on PostgreSQL), or None."""
    row = _NEXT_TASK.run(conn, {"project": project_id, "user": user_id}).fetchone()
    return None if row is None else row[0]


def next_gold_id(
    conn: Connection, project_id: int, user_id: int, *, qualifying: bool, after: str | None
) -> str | None:
    """Id of the gold task to hand to `user_id` next, or None: training tasks first while
    `qualifying`, else the first one after `after` (the last gold served past qualification)."""
    params = {"project": project_id, "user": user_id}
    if qualifying:
        row = _QUALIFICATION_GOLD.run(conn, {**params, "training": TRAINING_TAG}).fetchone()
    else:
        row = _NEXT_GOLD.run(conn, {**params, "after": after or ""}).fetchone()
    return None if row is None else row[0]
