"""The annotator loop: claim the next task, submit an answer, skip, release.

Claiming and submitting each run in one write transaction: on SQLite that transaction holds the
write lock from its first statement (BEGIN IMMEDIATE), on PostgreSQL the task row is locked
(`FOR UPDATE`, `SKIP LOCKED` when claiming). The (task, annotator) uniqueness of assignments is
the last guard against anyone answering a task twice.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Connection, Row, bindparam, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from quorum import tasktypes
from quorum.db import claim
from quorum.db.models import (
    Annotation,
    Assignment,
    Project,
    ProjectAnnotator,
    ProjectMember,
    ProjectParams,
    Task,
    utcnow,
)
from quorum.services import completion, gold
from quorum.services.errors import Conflict, Forbidden, InvalidRequest, NotFound
from quorum.services.users import Principal
from quorum.tasktypes.base import TaskValidationError

WORKER_ROLES = ("annotator", "reviewer")


# The hot statements are built once, with bind parameters, and run on the session's
# connection: building a statement and routing it through the ORM costs five times its
# execution, and SQLite's write lock is held for all of it.
_INSTRUCTION = (
    select(ProjectParams.instruction)
    .where(ProjectParams.project_id == Project.id)
    .order_by(ProjectParams.version.desc())
    .limit(1)
    .scalar_subquery()
)
_WORKER_CONTEXT = (
    select(
        Project.id, Project.task_type, Project.policy, _INSTRUCTION.label("instruction"),
        ProjectMember.role, ProjectAnnotator.served, ProjectAnnotator.gold_served,
        ProjectAnnotator.blocked, ProjectAnnotator.blocked_reason,
    )
    .outerjoin(ProjectMember, (ProjectMember.project_id == Project.id)
               & (ProjectMember.user_id == bindparam("user")))
    .outerjoin(ProjectAnnotator, (ProjectAnnotator.project_id == Project.id)
               & (ProjectAnnotator.user_id == bindparam("user")))
    .where(Project.name == bindparam("project"))
)  # fmt: skip
_EXPIRED = select(Assignment.id, Assignment.task_id).where(
    Assignment.project_id == bindparam("project"),
    Assignment.status == "active",
    Assignment.lease_expires_at < bindparam("now"),
)
_EXPIRE = update(Assignment).where(Assignment.id == bindparam("aid")).values(status="expired")
_TASK_ACTIVE = (
    update(Task).where(Task.id == bindparam("tid")).values(active=Task.active + bindparam("delta"))
)
_TAKE_TASK = (
    update(Task)
    .where(Task.id == bindparam("tid"))
    .values(active=Task.active + 1)
    .returning(Task.params, Task.instruction, Task.is_gold)
)
_NEW_ASSIGNMENT = insert(Assignment).returning(Assignment.id)
_NEW_RECORD = insert(ProjectAnnotator)
_RECORD = (ProjectAnnotator.project_id == bindparam("project")) & (
    ProjectAnnotator.user_id == bindparam("user")
)
_COUNT_SERVED = (
    update(ProjectAnnotator)
    .where(_RECORD)
    .values(
        served=ProjectAnnotator.served + 1,
        gold_served=ProjectAnnotator.gold_served + bindparam("gold"),
    )
)
_SUBMITTED_ROW = (
    select(
        Assignment.user_id, Assignment.status, Assignment.task_id, Assignment.project_id,
        Task.status.label("task_status"), Task.is_gold, Task.answered, Task.active,
        Task.needed, Task.params, Task.batch_id, Project.task_type, Project.policy,
    )
    .join(Task, Task.id == Assignment.task_id)
    .join(Project, Project.id == Assignment.project_id)
    .where(Assignment.id == bindparam("aid"))
)  # fmt: skip
_NEW_ANNOTATION = insert(Annotation)
_FINISH = (
    update(Assignment)
    .where(Assignment.id == bindparam("aid"))
    .values(status="submitted", finished_at=bindparam("now"))
)
_ANSWERED = (
    update(Task)
    .where(Task.id == bindparam("tid"))
    .values(answered=Task.answered + 1, active=Task.active - bindparam("live"))
)
_COUNT_ANSWER = (
    update(ProjectAnnotator)
    .where(_RECORD)
    .values(
        answered=ProjectAnnotator.answered + 1,
        time_spent_s=ProjectAnnotator.time_spent_s + bindparam("seconds"),
    )
)


def _worker_context(conn: Connection, principal: Principal, project_name: str) -> Row:
    """The project, its newest instruction, the caller's member role and their record, in one
    query. Only members who annotate or review may work; blocked ones may not."""
    row = conn.execute(
        _WORKER_CONTEXT, {"user": principal.user_id, "project": project_name}
    ).first()
    if row is None:
        raise NotFound(f"no project named {project_name!r}")
    if row.role not in WORKER_ROLES:
        raise Forbidden(f"you are not an annotator or reviewer of project {project_name!r}")
    if row.blocked:
        raise Forbidden(f"you are blocked from project {project_name!r}: {row.blocked_reason}")
    return row


def expire_leases(conn: Connection, project_id: int, now: dt.datetime) -> None:
    """Give back the slots of leases that ran out (the late answer may still be accepted)."""
    for row in conn.execute(_EXPIRED, {"project": project_id, "now": now}).all():
        conn.execute(_EXPIRE, {"aid": row.id})
        conn.execute(_TASK_ACTIVE, {"tid": row.task_id, "delta": -1})


def claim_next(session: Session, principal: Principal, project_name: str) -> dict | None:
    """Hand the caller the next task of the project, or None when nothing is left for them."""
    conn = session.connection()
    ctx = _worker_context(conn, principal, project_name)
    served, gold_served = ctx.served or 0, ctx.gold_served or 0
    now = utcnow()
    expire_leases(conn, ctx.id, now)
    wants_gold = gold.serve_gold_next(served, gold_served, ctx.policy)
    task_id = claim.next_task_id(session, ctx.id, principal.user_id, gold=wants_gold)
    if task_id is None and wants_gold:
        task_id = claim.next_task_id(session, ctx.id, principal.user_id, gold=False)
    if task_id is None:
        session.commit()
        return None
    task = conn.execute(_TAKE_TASK, {"tid": task_id}).one()
    expires = now + dt.timedelta(seconds=ctx.policy["lease_seconds"])
    try:
        assignment_id = conn.execute(_NEW_ASSIGNMENT, {
            "task_id": task_id, "project_id": ctx.id, "user_id": principal.user_id,
            "status": "active", "is_gold": task.is_gold, "leased_at": now,
            "lease_expires_at": expires,
        }).scalar_one()  # fmt: skip
    except IntegrityError:  # the same annotator claimed this task in a parallel request
        session.rollback()
        raise Conflict("a claim for this task is already open; try again") from None
    if ctx.served is None:
        conn.execute(_NEW_RECORD, {
            "project_id": ctx.id, "user_id": principal.user_id, "served": 1,
            "gold_served": int(task.is_gold), "answered": 0, "skipped": 0,
            "gold_answered": 0, "gold_correct": 0.0, "time_spent_s": 0.0, "blocked": False,
        })  # fmt: skip
    else:
        conn.execute(
            _COUNT_SERVED, {"project": ctx.id, "user": principal.user_id, "gold": int(task.is_gold)}
        )
    session.commit()
    return {
        "assignment_id": assignment_id,
        "task_id": task_id,
        "type": ctx.task_type,
        "params": task.params,
        "instruction": task.instruction or ctx.instruction,
        "lease_expires_at": expires,
    }


def _own_assignment(session: Session, principal: Principal, assignment_id: int) -> Assignment:
    query = select(Assignment).where(Assignment.id == assignment_id)
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update()
    assignment = session.scalar(query)
    _check_own(assignment, principal, assignment_id)
    return assignment


def _locked_task(session: Session, task_id: str) -> Task:
    query = select(Task).where(Task.id == task_id)
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update()
    return session.scalar(query)


def submit(
    session: Session,
    principal: Principal,
    assignment_id: int,
    response: Any,
    time_spent_s: float | None = None,
) -> dict:
    """Record the caller's answer; the task may complete or ask for one more answer."""
    if time_spent_s is not None and not 0 <= time_spent_s <= 86_400:
        raise InvalidRequest("time_spent_s must be between 0 and 86400 seconds")
    conn = session.connection()
    query = _SUBMITTED_ROW
    if conn.dialect.name == "postgresql":
        query = query.with_for_update(of=Task)
    row = conn.execute(query, {"aid": assignment_id}).first()
    _check_own(row, principal, assignment_id)
    expired = row.status == "expired"
    if row.task_status in ("canceled", "error"):
        raise Conflict(f"task {row.task_id} was {row.task_status}; the answer is not needed")
    if expired and (
        row.task_status != "pending"
        or (not row.is_gold and row.answered + row.active >= row.needed)
    ):
        raise Conflict(
            f"the lease on assignment {assignment_id} expired and the task went to someone else"
        )
    try:
        response = tasktypes.get(row.task_type).validate_response(row.params, response)
    except TaskValidationError as exc:
        err = exc.prefixed("response")
        raise InvalidRequest(f"invalid response: {err}", errors=err.errors) from None
    now = utcnow()
    conn.execute(_NEW_ANNOTATION, {
        "task_id": row.task_id, "user_id": principal.user_id, "assignment_id": assignment_id,
        "response": response, "time_spent_s": time_spent_s, "created_at": now,
    })  # fmt: skip
    conn.execute(_FINISH, {"aid": assignment_id, "now": now})
    conn.execute(_ANSWERED, {"tid": row.task_id, "live": 0 if expired else 1})
    conn.execute(_COUNT_ANSWER, {
        "project": row.project_id, "user": principal.user_id, "seconds": time_spent_s or 0.0,
    })  # fmt: skip
    if row.is_gold:
        record = session.get(ProjectAnnotator, (row.project_id, principal.user_id))
        gold.score_answer(session, session.get(Project, row.project_id), record, row.task_id,
                          response)  # fmt: skip
    elif row.task_status == "pending":
        state = completion.TaskState(
            row.task_id, row.params, row.answered + 1, row.active - (0 if expired else 1),
            row.needed, row.batch_id,
        )  # fmt: skip
        completion.after_answer(session, row.project_id, row.task_type, row.policy, state)
    session.commit()
    return {"assignment_id": assignment_id, "task_id": row.task_id, "status": "submitted"}


def _check_own(row: Row | None, principal: Principal, assignment_id: int) -> None:
    if row is None:
        raise NotFound(f"no assignment {assignment_id}")
    if row.user_id != principal.user_id:
        raise Conflict(f"assignment {assignment_id} belongs to another annotator")
    if row.status not in ("active", "expired"):
        raise Conflict(f"assignment {assignment_id} is already {row.status}")


def skip(session: Session, principal: Principal, assignment_id: int, reason: str) -> dict:
    """The caller will not answer this task; it goes back to the queue for others."""
    reason = (reason or "").strip()
    if not reason:
        raise InvalidRequest("say why the task is skipped (reason)")
    assignment = _own_assignment(session, principal, assignment_id)
    task = _locked_task(session, assignment.task_id)
    if assignment.status == "active":
        task.active -= 1
    assignment.status = "skipped"
    assignment.skip_reason = reason[:2000]
    assignment.finished_at = utcnow()
    record = session.get(ProjectAnnotator, (assignment.project_id, principal.user_id))
    record.skipped += 1
    session.commit()
    return {"assignment_id": assignment.id, "task_id": task.id, "status": "skipped"}


def release(session: Session, principal: Principal, assignment_id: int) -> dict:
    """Give the task back unanswered; it may come to the caller again later."""
    assignment = _own_assignment(session, principal, assignment_id)
    task = _locked_task(session, assignment.task_id)
    if assignment.status == "active":
        task.active -= 1
    session.delete(assignment)
    session.commit()
    return {"assignment_id": assignment_id, "task_id": task.id, "status": "released"}
