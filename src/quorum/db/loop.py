"""The annotator loop's statements: authenticating a key, claiming, submitting, deciding.

Each is built once from the Core tables and run on the driver's cursor (quorum.db.hot): the
whole of a claim or a submission runs inside SQLite's one write lock. Parameters are the
`bindparam`s each names; rows come back by column name. (Picking the next task is in
quorum.db.claim.)
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BindParameter, and_, bindparam, case, func, insert, select, update

from quorum.db.hot import Statement
from quorum.db.models import (
    HOLDING,
    TASK_CALLBACK_URL,
    Annotation,
    ApiKey,
    Assignment,
    Base,
    Batch,
    Correction,
    GoldAnswer,
    Project,
    ProjectAnnotator,
    ProjectMember,
    ProjectParams,
    Task,
    User,
)
from quorum.db.statuses import AssignmentStatus, TaskStatus

_tables = Base.metadata.tables
_users, _keys = _tables[User.__tablename__], _tables[ApiKey.__tablename__]
_projects, _params = _tables[Project.__tablename__], _tables[ProjectParams.__tablename__]
_members, _records = _tables[ProjectMember.__tablename__], _tables[ProjectAnnotator.__tablename__]
_tasks, _batches = _tables[Task.__tablename__], _tables[Batch.__tablename__]
_gold, _annotations = _tables[GoldAnswer.__tablename__], _tables[Annotation.__tablename__]
_assignments = _tables[Assignment.__tablename__]
_corrections = _tables[Correction.__tablename__]

_USER: BindParameter[int] = bindparam("user")
_PROJECT: BindParameter[int] = bindparam("project")
_TASK: BindParameter[str] = bindparam("tid")
_ASSIGNMENT: BindParameter[int] = bindparam("aid")
_NOW: BindParameter[dt.datetime] = bindparam("now")
_MY_RECORD = and_(_records.c.project_id == _PROJECT, _records.c.user_id == _USER)

# The holder of an API key, read afresh on every request that carries one: one indexed lookup.
KEY_PRINCIPAL = Statement(
    select(_users.c.id, _users.c.name, _users.c.role, _users.c.is_active, _keys.c.is_test)
    .select_from(_keys.join(_users, _users.c.id == _keys.c.user_id))
    .where(_keys.c.key_hash == bindparam("digest"), _keys.c.revoked_at.is_(None))
)

# The project by name, its newest instruction, the caller's member role, their record, and the
# first assignment they released (to take back).
WORKER_CONTEXT = Statement(
    select(
        _projects.c.id.label("project_id"),
        _projects.c.task_type,
        _projects.c.policy,
        _projects.c.callback_key,
        select(_params.c.instruction)
        .where(_params.c.project_id == _projects.c.id)
        .order_by(_params.c.version.desc())
        .limit(1)
        .scalar_subquery()
        .label("instruction"),
        _members.c.role,
        _records.c.served,
        _records.c.gold_served,
        _records.c.gold_after,
        _records.c.blocked,
        _records.c.blocked_reason,
        select(func.min(_assignments.c.id))
        .where(
            _assignments.c.user_id == _USER,
            _assignments.c.status == AssignmentStatus.released,
            _assignments.c.project_id == _projects.c.id,
        )
        .scalar_subquery()
        .label("released"),
    )
    .select_from(
        _projects.outerjoin(
            _members, and_(_members.c.project_id == _projects.c.id, _members.c.user_id == _USER)
        ).outerjoin(
            _records, and_(_records.c.project_id == _projects.c.id, _records.c.user_id == _USER)
        )
    )
    .where(_projects.c.name == bindparam("project"))  # here the project's name, not its id
)

EXPIRE = Statement(
    update(_assignments)
    .where(
        _assignments.c.project_id == _PROJECT,
        _assignments.c.status.in_(HOLDING),
        _assignments.c.lease_expires_at < _NOW,
    )
    .values(status=AssignmentStatus.expired)
    .returning(_assignments.c.task_id)
)
TAKE_BACK = Statement(
    update(_assignments)
    .where(_assignments.c.id == _ASSIGNMENT, _assignments.c.status == AssignmentStatus.released)
    .values(status=AssignmentStatus.active, leased_at=_NOW, lease_expires_at=bindparam("expires"))
    .returning(_assignments.c.task_id)
)
TASK_CONTENT = Statement(select(_tasks.c.params, _tasks.c.instruction).where(_tasks.c.id == _TASK))
GIVE_BACK = Statement(update(_tasks).where(_tasks.c.id == _TASK).values(active=_tasks.c.active - 1))
TAKE_TASK = Statement(
    update(_tasks)
    .where(_tasks.c.id == _TASK)
    .values(active=_tasks.c.active + 1)
    .returning(_tasks.c.params, _tasks.c.instruction, _tasks.c.is_gold)
)
NEW_ASSIGNMENT = Statement(
    insert(_assignments)
    .values(
        task_id=_TASK,
        project_id=_PROJECT,
        user_id=_USER,
        status=AssignmentStatus.active,
        is_gold=bindparam("gold"),
        leased_at=_NOW,
        lease_expires_at=bindparam("expires"),
    )
    .returning(_assignments.c.id)
)
# The record of an annotator's first claim in a project; its other counters start at zero.
NEW_RECORD = Statement(
    insert(_records)
    .inline()
    .values(
        project_id=_PROJECT,
        user_id=_USER,
        served=1,
        gold_served=bindparam("gold"),
        gold_after=bindparam("after"),
    )
)
COUNT_SERVED = Statement(
    update(_records)
    .where(_MY_RECORD)
    .values(
        served=_records.c.served + 1,
        gold_served=_records.c.gold_served + bindparam("gold"),
        gold_after=func.coalesce(bindparam("after"), _records.c.gold_after),
    )
)

# The submission, its task and project, the task's callback URL and its expected response if
# it is gold; on PostgreSQL the task row is locked.
SUBMITTED = Statement(
    select(
        _assignments.c.user_id,
        _assignments.c.status,
        _assignments.c.task_id,
        _assignments.c.project_id,
        _tasks.c.status.label("task_status"),
        _tasks.c.is_gold,
        _tasks.c.answered,
        _tasks.c.active,
        _tasks.c.needed,
        _tasks.c.params,
        _tasks.c.batch_id,
        _projects.c.task_type,
        _projects.c.policy,
        TASK_CALLBACK_URL.label("callback_url"),
        _gold.c.expected_response,
    )
    .select_from(
        _assignments.join(_tasks, _tasks.c.id == _assignments.c.task_id)
        .join(_projects, _projects.c.id == _assignments.c.project_id)
        .outerjoin(_batches, _batches.c.id == _tasks.c.batch_id)
        .outerjoin(_gold, _gold.c.task_id == _tasks.c.id)
    )
    .where(_assignments.c.id == _ASSIGNMENT)
    .with_for_update(of=_tasks)
)
NEW_ANNOTATION = Statement(
    insert(_annotations)
    .inline()  # no RETURNING of the new id: nothing reads it
    .values(
        task_id=_TASK,
        user_id=_USER,
        assignment_id=_ASSIGNMENT,
        response=bindparam("response"),
        time_spent_s=bindparam("seconds"),
        created_at=_NOW,
    )
)
FINISH = Statement(
    update(_assignments)
    .where(_assignments.c.id == _ASSIGNMENT)
    .values(status=AssignmentStatus.submitted, finished_at=_NOW)
)
ANSWERED = Statement(
    update(_tasks)
    .where(_tasks.c.id == _TASK)
    .values(answered=_tasks.c.answered + 1, active=_tasks.c.active - bindparam("live"))
)


def _shown(record: object, shown: object) -> object:
    """The shown gold figure: caught up with `record` every `every` answers."""
    return case(((_records.c.answered + 1) % bindparam("every") == 0, record), else_=shown)


COUNT_ANSWER = Statement(
    update(_records)
    .where(_MY_RECORD)
    .values(
        answered=_records.c.answered + 1,
        time_spent_s=_records.c.time_spent_s + bindparam("seconds"),
        shown_gold_answered=_shown(_records.c.gold_answered, _records.c.shown_gold_answered),
        shown_gold_correct=_shown(_records.c.gold_correct, _records.c.shown_gold_correct),
    )
)
COUNT_GOLD = Statement(
    update(_records)
    .where(_MY_RECORD)
    .values(
        gold_answered=_records.c.gold_answered + 1,
        gold_correct=_records.c.gold_correct + bindparam("score"),
    )
    .returning(_records.c.gold_answered, _records.c.gold_correct)
)

# A task's newest `limit` answers, newest first, with what the project knows of who gave them.
ANSWERS = Statement(
    select(
        _annotations.c.response,
        _records.c.skill,
        _records.c.gold_answered,
        _records.c.gold_correct,
    )
    .select_from(
        _annotations.outerjoin(
            _records,
            and_(_records.c.user_id == _annotations.c.user_id, _records.c.project_id == _PROJECT),
        )
    )
    .where(_annotations.c.task_id == _TASK)
    .order_by(_annotations.c.id.desc())
    .limit(bindparam("limit"))
)
NEED = Statement(update(_tasks).where(_tasks.c.id == _TASK).values(needed=bindparam("needed")))
COMPLETE = Statement(
    update(_tasks)
    .where(_tasks.c.id == _TASK)
    .values(
        status=TaskStatus.completed,
        response=bindparam("response"),
        confidence=bindparam("confidence"),
        low_confidence=bindparam("low"),
        review_status=bindparam("review"),
        completed_at=_NOW,
        updated_at=_NOW,
    )
)

# An annotator's newest answer in a project (what they may correct), its task as the claim
# showed it, and what deciding the correction needs: nothing here depends on whether the task
# is gold but the expected response, which only the server reads.
_LATEST_ANSWER = (
    select(
        _annotations.c.id.label("annotation_id"),
        _annotations.c.assignment_id,
        _annotations.c.task_id,
        _annotations.c.response,
        _annotations.c.created_at,
        _tasks.c.params,
        _tasks.c.instruction,
        _tasks.c.status.label("task_status"),
        _tasks.c.is_gold,
        _tasks.c.answered,
        _tasks.c.active,
        _tasks.c.needed,
        _tasks.c.batch_id,
        _tasks.c.response.label("task_response"),
        TASK_CALLBACK_URL.label("callback_url"),
        _gold.c.expected_response,
    )
    .select_from(
        _annotations.join(_tasks, _tasks.c.id == _annotations.c.task_id)
        .join(_projects, _projects.c.id == _tasks.c.project_id)
        .outerjoin(_batches, _batches.c.id == _tasks.c.batch_id)
        .outerjoin(_gold, _gold.c.task_id == _tasks.c.id)
    )
    .where(_annotations.c.user_id == _USER, _tasks.c.project_id == _PROJECT)
    .order_by(_annotations.c.id.desc())
    .limit(1)
)
LATEST_ANSWER = Statement(_LATEST_ANSWER)
LATEST_ANSWER_LOCKED = Statement(_LATEST_ANSWER.with_for_update(of=_tasks))
# Who holds an assignment, in which project, with their record there.
HOLDER = Statement(
    select(
        _assignments.c.user_id,
        _assignments.c.project_id,
        _projects.c.task_type,
        _projects.c.policy,
        _records.c.blocked,
    )
    .select_from(
        _assignments.join(_projects, _projects.c.id == _assignments.c.project_id).outerjoin(
            _records,
            and_(
                _records.c.project_id == _assignments.c.project_id,
                _records.c.user_id == _assignments.c.user_id,
            ),
        )
    )
    .where(_assignments.c.id == _ASSIGNMENT)
)
CORRECT = Statement(
    update(_annotations)
    .where(_annotations.c.id == bindparam("annotation"))
    .values(
        response=bindparam("response"),
        time_spent_s=func.coalesce(_annotations.c.time_spent_s, 0.0) + bindparam("seconds"),
    )
)
NEW_CORRECTION = Statement(
    insert(_corrections)
    .inline()
    .values(
        annotation_id=bindparam("annotation"),
        task_id=_TASK,
        user_id=_USER,
        previous_response=bindparam("previous"),
        sent_to_review=bindparam("review"),
        created_at=_NOW,
    )
)
COUNT_CORRECTION = Statement(
    update(_records)
    .where(_MY_RECORD)
    .values(
        time_spent_s=_records.c.time_spent_s + bindparam("seconds"),
        gold_correct=_records.c.gold_correct + bindparam("delta"),
    )
    .returning(_records.c.gold_answered, _records.c.gold_correct)
)
TO_REVIEW = Statement(
    update(_tasks)
    .where(_tasks.c.id == _TASK)
    .values(review_status=bindparam("review"), updated_at=_NOW)
)
