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

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    Connection,
    Exists,
    Select,
    bindparam,
    except_,
    literal_column,
    or_,
    select,
    text,
)

from quorum.db.hot import Statement
from quorum.db.models import (
    GOLD_PREDICATE,
    QUEUE_PREDICATE,
    Assignment,
    Base,
    BatchGroup,
    ProjectGroup,
    ProjectGroupMember,
    Task,
    TaskTag,
)

_tables = Base.metadata.tables
_tasks, _assignments = _tables[Task.__tablename__], _tables[Assignment.__tablename__]
_tags, _routes = _tables[TaskTag.__tablename__], _tables[BatchGroup.__tablename__]
_groups, _members = _tables[ProjectGroup.__tablename__], _tables[ProjectGroupMember.__tablename__]
_USER: BindParameter[int] = bindparam("user")
_PROJECT: BindParameter[int] = bindparam("project")


def _exists(*where: ColumnElement[bool]) -> Exists:
    """EXISTS (SELECT 1 ...): SQLite then answers from an index alone."""
    return select(literal_column("1")).where(*where).exists()


_NOT_SEEN = ~_exists(_assignments.c.task_id == _tasks.c.id, _assignments.c.user_id == _USER)

# Batches of the project routed to groups the annotator is in none of: computed once per claim
# (an uncorrelated subquery), empty at the cost of one index probe for a project with no groups.
_CLOSED_BATCHES = except_(
    select(_routes.c.batch_id)
    .join(_groups, _groups.c.id == _routes.c.group_id)
    .where(_groups.c.project_id == _PROJECT),
    select(_routes.c.batch_id)
    .select_from(_members.join(_routes, _routes.c.group_id == _members.c.group_id))
    .where(_members.c.user_id == _USER, _members.c.project_id == _PROJECT),
)

# The partial indexes' predicates are written as the indexes have them, so that SQLite sees
# the query implies them.
NEXT_TASK = Statement(
    select(_tasks.c.id)
    .where(
        _tasks.c.project_id == _PROJECT,
        text(QUEUE_PREDICATE),
        _tasks.c.answered + _tasks.c.active < _tasks.c.needed,
        _NOT_SEEN,
        or_(_tasks.c.batch_id.is_(None), _tasks.c.batch_id.not_in(_CLOSED_BATCHES)),
    )
    .order_by(
        _tasks.c.batch_priority.desc(),
        _tasks.c.priority.desc(),
        _tasks.c.al_score.desc(),
        _tasks.c.id,
    )
    .limit(1)
    .with_for_update(skip_locked=True)
)

# Gold tasks with this tag (Scale's training tasks) are served before other gold, oldest first,
# so that a new annotator's qualification is the training set whatever order it was created in.
TRAINING_TAG = "training"


def _gold(*where: ColumnElement[bool]) -> Select[tuple[str]]:
    """A project's claimable gold, along `ix_tasks_gold`: SQLite, knowing nothing of how few
    rows a partial index holds, would otherwise walk all the project's pending tasks."""
    return (
        select(_tasks.c.id)
        .with_hint(_tasks, "INDEXED BY ix_tasks_gold", "sqlite")
        .where(_tasks.c.project_id == _PROJECT, text(GOLD_PREDICATE), *where, _NOT_SEEN)
    )


# Ranking all of a project's claimable gold costs a probe of task_tags' primary key per gold
# task: that is done only during the qualification, whose gold comes first by design.
QUALIFICATION_GOLD = Statement(
    _gold()
    .order_by(
        ~_exists(_tags.c.task_id == _tasks.c.id, _tags.c.tag == TRAINING_TAG),
        _tasks.c.id,
    )
    .limit(1)
)
# All gold before the cursor was served to this annotator (or was not claimable when it passed);
# the seen test only steps over qualification gold that lies ahead of it.
NEXT_GOLD = Statement(_gold(_tasks.c.id > bindparam("after")).order_by(_tasks.c.id).limit(1))


def next_task_id(conn: Connection, project_id: int, user_id: int) -> str | None:
    """Id of the regular task to hand to `user_id` next (locked on PostgreSQL), or None."""
    row = NEXT_TASK.one(conn, {"project": project_id, "user": user_id})
    return None if row is None else row.id


def next_gold_id(
    conn: Connection, project_id: int, user_id: int, *, qualifying: bool, after: str | None
) -> str | None:
    """Id of the gold task to hand to `user_id` next, or None: training tasks first while
    `qualifying`, else the first one after `after` (the last gold served past qualification)."""
    params = {"project": project_id, "user": user_id}
    if qualifying:
        row = QUALIFICATION_GOLD.one(conn, params)
    else:
        row = NEXT_GOLD.one(conn, {**params, "after": after or ""})
    return None if row is None else row.id
