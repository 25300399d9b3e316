"""The annotator loop: claim the next task, submit an answer, skip, release.

Claiming and submitting each run in one write transaction: on SQLite that transaction holds the
write lock from its first statement (BEGIN IMMEDIATE), on PostgreSQL the task row is locked
(`FOR UPDATE`, `SKIP LOCKED` when claiming). The (task, annotator) uniqueness of assignments is
the last guard against anyone answering a task twice.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from quorum import tasktypes
from quorum.db import claim
from quorum.db.models import Annotation, Assignment, Project, ProjectAnnotator, Task, utcnow
from quorum.services import completion, gold
from quorum.services.errors import Conflict, Forbidden, InvalidRequest, NotFound
from quorum.services.projects import current_params, get_project, is_member
from quorum.services.users import Principal
from quorum.tasktypes.base import TaskValidationError

WORKER_ROLES = ("annotator", "reviewer")


def _annotator(session: Session, project: Project, principal: Principal) -> ProjectAnnotator:
    """The caller's record in `project`; only members who annotate or review may work on it."""
    role = is_member(session, project.id, principal.user_id)
    if role not in WORKER_ROLES:
        raise Forbidden(f"you are not an annotator or reviewer of project {project.name!r}")
    record = session.get(ProjectAnnotator, (project.id, principal.user_id))
    if record is None:
        record = ProjectAnnotator(
            project_id=project.id,
            user_id=principal.user_id,
            served=0,
            gold_served=0,
            answered=0,
            skipped=0,
            gold_answered=0,
            gold_correct=0.0,
            time_spent_s=0.0,
            blocked=False,
        )
        session.add(record)
    if record.blocked:
        raise Forbidden(f"you are blocked from project {project.name!r}: {record.blocked_reason}")
    return record


def expire_leases(session: Session, project_id: int, now: dt.datetime) -> None:
    """Give back the slots of leases that ran out (the late answer may still be accepted)."""
    expired = session.execute(
        select(Assignment.id, Assignment.task_id).where(
            Assignment.project_id == project_id,
            Assignment.status == "active",
            Assignment.lease_expires_at < now,
        )
    ).all()
    if not expired:
        return
    session.execute(
        update(Assignment)
        .where(Assignment.id.in_([e.id for e in expired]))
        .values(status="expired")
        .execution_options(synchronize_session=False)
    )
    for row in expired:
        session.execute(
            update(Task)
            .where(Task.id == row.task_id)
            .values(active=Task.active - 1)
            .execution_options(synchronize_session=False)
        )


def claim_next(session: Session, principal: Principal, project_name: str) -> dict | None:
    """Hand the caller the next task of the project, or None when nothing is left for them."""
    project = get_project(session, project_name)
    record = _annotator(session, project, principal)
    policy = project.policy
    now = utcnow()
    expire_leases(session, project.id, now)
    wants_gold = gold.serve_gold_next(record, policy)
    task_id = claim.next_task_id(session, project.id, principal.user_id, gold=wants_gold)
    if task_id is None and wants_gold:
        task_id = claim.next_task_id(session, project.id, principal.user_id, gold=False)
    if task_id is None:
        session.commit()
        return None
    task = session.get(Task, task_id)
    assignment = Assignment(
        task_id=task_id,
        project_id=project.id,
        user_id=principal.user_id,
        status="active",
        is_gold=task.is_gold,
        leased_at=now,
        lease_expires_at=now + dt.timedelta(seconds=policy["lease_seconds"]),
    )
    session.add(assignment)
    task.active += 1
    record.served += 1
    record.gold_served += int(task.is_gold)
    try:
        session.flush()
    except IntegrityError:  # the same annotator claimed this task in a parallel request
        session.rollback()
        raise Conflict("a claim for this task is already open; try again") from None
    view = {
        "assignment_id": assignment.id,
        "task_id": task_id,
        "type": project.task_type,
        "params": task.params,
        "instruction": task.instruction or current_params(session, project.id).instruction,
        "lease_expires_at": assignment.lease_expires_at,
    }
    session.commit()
    return view


def _own_assignment(session: Session, principal: Principal, assignment_id: int) -> Assignment:
    query = select(Assignment).where(Assignment.id == assignment_id)
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update()
    assignment = session.scalar(query)
    if assignment is None:
        raise NotFound(f"no assignment {assignment_id}")
    if assignment.user_id != principal.user_id:
        raise Conflict(f"assignment {assignment_id} belongs to another annotator")
    if assignment.status not in ("active", "expired"):
        raise Conflict(f"assignment {assignment_id} is already {assignment.status}")
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
    assignment = _own_assignment(session, principal, assignment_id)
    task = _locked_task(session, assignment.task_id)
    project = session.get(Project, task.project_id)
    expired = assignment.status == "expired"
    if task.status in ("canceled", "error"):
        raise Conflict(f"task {task.id} was {task.status}; the answer is not needed")
    if expired and (
        task.status != "pending"
        or (not task.is_gold and task.answered + task.active >= task.needed)
    ):
        raise Conflict(
            f"the lease on assignment {assignment_id} expired and the task went to someone else"
        )
    try:
        response = tasktypes.get(project.task_type).validate_response(task.params, response)
    except TaskValidationError as exc:
        err = exc.prefixed("response")
        raise InvalidRequest(f"invalid response: {err}", errors=err.errors) from None
    now = utcnow()
    session.add(
        Annotation(
            task_id=task.id,
            user_id=principal.user_id,
            assignment_id=assignment.id,
            response=response,
            time_spent_s=time_spent_s,
            created_at=now,
        )
    )
    assignment.status = "submitted"
    assignment.finished_at = now
    if not expired:
        task.active -= 1
    task.answered += 1
    record = session.get(ProjectAnnotator, (project.id, principal.user_id))
    record.answered += 1
    record.time_spent_s += time_spent_s or 0.0
    session.flush()
    if task.is_gold:
        gold.score_answer(session, project, record, task.id, response)
    elif task.status == "pending":
        completion.after_answer(session, project, task)
    session.commit()
    return {"assignment_id": assignment.id, "task_id": task.id, "status": assignment.status}


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
