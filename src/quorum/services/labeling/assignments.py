"""The annotator loop: claim the next task, submit an answer, skip, release.

Claiming and submitting each run in one write transaction: on SQLite that transaction holds the
write lock from its first statement (BEGIN IMMEDIATE), on PostgreSQL the task row is locked
(`FOR UPDATE`, `SKIP LOCKED` when claiming). The (task, annotator) uniqueness of assignments is
the last guard against anyone answering a task twice.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, select
from sqlalchemy.orm import Session

from quorum import tasktypes
from quorum.db import claim, hot, loop
from quorum.db.models import HOLDING, Assignment, ProjectAnnotator, Task, utcnow
from quorum.db.statuses import AssignmentStatus, TaskStatus
from quorum.services.accounts import permissions
from quorum.services.accounts.users import Principal
from quorum.services.errors import Conflict, Forbidden, InvalidRequest, NotFound
from quorum.services.labeling import gold, overlap
from quorum.services.projects.policy import QualityPolicy, policy_from
from quorum.tasktypes.base import TaskValidationError

RELEASE_HOLD_S = 60


@dataclass(frozen=True, slots=True)
class _WorkerContext:
    project_id: int
    task_type: str
    policy: QualityPolicy
    secret: str
    instruction: str | None
    served: int | None
    gold_served: int
    gold_after: str | None
    released: int | None


def worker_context(conn: Connection, principal: Principal, project_name: str) -> _WorkerContext:
    """The project, its newest instruction, the caller's member role and their record, in one
    query. Only members who annotate or review may work; blocked ones may not."""
    row = loop.WORKER_CONTEXT.one(conn, {"user": principal.user_id, "project": project_name})
    if row is None:
        raise NotFound(f"no project named {project_name!r}")
    if not permissions.can_see_project(principal, row.role):
        raise NotFound(f"no project named {project_name!r}")
    if not permissions.can_work(principal, row.role):
        raise Forbidden(f"you are not an annotator or reviewer of project {project_name!r}")
    if row.blocked:
        raise Forbidden(f"you are blocked from project {project_name!r}: {row.blocked_reason}")
    return _WorkerContext(
        row.project_id, row.task_type, policy_from(hot.json_value(row.policy)), row.callback_key,
        row.instruction, row.served, row.gold_served or 0, row.gold_after, row.released,
    )  # fmt: skip


def expire_leases(conn: Connection, project_id: int, now: dt.datetime) -> None:
    """Give back the slots of leases that ran out (the late answer may still be accepted)."""
    expired = loop.EXPIRE.all(conn, {"project": project_id, "now": hot.time_param(conn, now)})
    for lease in expired:
        loop.GIVE_BACK.run(conn, {"tid": lease.task_id})


def claim_next(session: Session, principal: Principal, project_name: str) -> dict | None:
    """Hand the caller the next task of the project, or None when nothing is left for them."""
    conn = session.connection()
    ctx = worker_context(conn, principal, project_name)
    served = ctx.served or 0
    now = utcnow()
    expire_leases(conn, ctx.project_id, now)
    expires = now + dt.timedelta(seconds=ctx.policy.lease_seconds)
    if ctx.released is not None:
        taken_back = _take_back(conn, ctx, ctx.released, now, expires)
        if taken_back is not None:
            session.commit()
            return taken_back
    due = gold.gold_due(served, ctx.gold_served, ctx.policy, ctx.secret, principal.user_id)
    qualifying = due == gold.QUALIFICATION
    # Past the qualification both candidates are looked up whichever is served, so that the
    # claim takes as long for gold as for a regular task.
    gold_id = None
    if due is not None or ctx.policy.gold_rate > 0:
        gold_id = claim.next_gold_id(
            conn, ctx.project_id, principal.user_id, qualifying=qualifying, after=ctx.gold_after
        )
    regular_id = None if qualifying and gold_id else claim.next_task_id(
        conn, ctx.project_id, principal.user_id
    )  # fmt: skip
    task_id = gold_id if due is not None and gold_id else regular_id
    gold_after = task_id if due == gold.CHECK and task_id == gold_id else None
    if task_id is None:
        session.commit()
        return None
    task = loop.TAKE_TASK.one(conn, {"tid": task_id})
    mine = {
        "project": ctx.project_id, "user": principal.user_id, "gold": int(task.is_gold),
        "after": gold_after,
    }  # fmt: skip
    try:
        assignment = loop.NEW_ASSIGNMENT.one(conn, {
            **mine, "tid": task_id, "gold": bool(task.is_gold), "now": hot.time_param(conn, now),
            "expires": hot.time_param(conn, expires),
        })  # fmt: skip
    except hot.integrity_error(conn):  # the same annotator claimed it in a parallel request
        session.rollback()
        raise Conflict("a claim for this task is already open; try again") from None
    (loop.NEW_RECORD if ctx.served is None else loop.COUNT_SERVED).run(conn, mine)
    session.commit()
    return _claimed(ctx, assignment.id, task_id, task.params, task.instruction, expires)


def as_seen_by(principal: Principal, result: dict | None) -> dict | None:
    """A loop result as the caller may see it: without the task's id unless
    `permissions.sees_task_ids`; the assignment id, numbered in claim order whatever the task,
    is the worker's handle."""
    if result is None or permissions.sees_task_ids(principal):
        return result
    return {k: v for k, v in result.items() if k != "task_id"}


def _take_back(
    conn: Connection,
    ctx: _WorkerContext,
    assignment_id: int,
    now: dt.datetime,
    expires: dt.datetime,
) -> dict | None:
    """The caller's released assignment, leased to them again (None if its hold ran out)."""
    times = {"now": hot.time_param(conn, now), "expires": hot.time_param(conn, expires)}
    taken = loop.TAKE_BACK.one(conn, {"aid": assignment_id, **times})
    if taken is None:
        return None
    task = loop.TASK_CONTENT.one(conn, {"tid": taken.task_id})
    return _claimed(ctx, assignment_id, taken.task_id, task.params, task.instruction, expires)


def _claimed(
    ctx: _WorkerContext,
    assignment_id: int,
    task_id: str,
    params: Any,
    instruction: str | None,
    expires: dt.datetime,
) -> dict:
    return {
        **task_shown(ctx, assignment_id, task_id, params, instruction),
        "lease_expires_at": expires,
    }


def task_shown(
    ctx: _WorkerContext, assignment_id: int, task_id: str, params: Any, instruction: str | None
) -> dict:
    """A task as the workspace shows it (a claim, the previous answer to correct): the task's own
    instruction, else the project's newest."""
    return {
        "assignment_id": assignment_id,
        "task_id": task_id,
        "type": ctx.task_type,
        "params": hot.json_value(params),
        "instruction": instruction or ctx.instruction,
    }


def _own_assignment(session: Session, principal: Principal, assignment_id: int) -> Assignment:
    query = select(Assignment).where(Assignment.id == assignment_id)
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update()
    assignment = session.scalar(query)
    _check_own(assignment, principal, assignment_id)
    assert assignment is not None  # _check_own refused a missing one
    return assignment


def _locked_task(session: Session, task_id: str) -> Task:
    query = select(Task).where(Task.id == task_id)
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update()
    return session.scalars(query).one()


def submit(
    session: Session,
    principal: Principal,
    assignment_id: int,
    response: Any,
    time_spent_s: float | None = None,
) -> dict:
    """Record the caller's answer; the task may complete or ask for one more answer."""
    check_time_spent(time_spent_s)
    conn = session.connection()
    row = loop.SUBMITTED.one(conn, {"aid": assignment_id})
    _check_own(row, principal, assignment_id)
    expired = row.status == AssignmentStatus.expired
    if row.task_status in (TaskStatus.canceled, TaskStatus.error):
        raise Conflict(f"task {row.task_id} was {row.task_status}; the answer is not needed")
    if expired and (
        row.task_status != TaskStatus.pending
        or (not row.is_gold and row.answered + row.active >= row.needed)
    ):
        raise Conflict(
            f"the lease on assignment {assignment_id} expired and the task went to someone else"
        )
    params = hot.json_value(row.params)
    response = valid_response(row.task_type, params, response)
    now = hot.time_param(conn, utcnow())
    mine = {"project": row.project_id, "user": principal.user_id, "seconds": time_spent_s or 0.0}
    loop.NEW_ANNOTATION.run(conn, {
        **mine, "tid": row.task_id, "aid": assignment_id, "seconds": time_spent_s, "now": now,
        "response": hot.json_param(conn, response),
    })  # fmt: skip
    loop.FINISH.run(conn, {"aid": assignment_id, "now": now})
    loop.ANSWERED.run(conn, {"tid": row.task_id, "live": 0 if expired else 1})
    loop.COUNT_ANSWER.run(conn, {**mine, "every": gold.SHOWN_EVERY})
    policy = policy_from(hot.json_value(row.policy))
    if row.is_gold:
        gold.score_answer(
            session, row.project_id, row.task_type, policy, principal.user_id,
            hot.json_value(row.expected_response), response,
        )  # fmt: skip
        overlap.consensus(
            conn, row.project_id, row.task_type, params, row.task_id,
            limit=policy.min_overlap,
        )  # fmt: skip
    elif row.task_status == TaskStatus.pending:
        state = overlap.TaskState(
            row.task_id, params, row.answered + 1, row.active - (0 if expired else 1),
            row.needed, row.batch_id, row.callback_url,
        )  # fmt: skip
        overlap.after_answer(session, row.project_id, row.task_type, policy, state)
    session.commit()
    return {
        "assignment_id": assignment_id,
        "task_id": row.task_id,
        "status": AssignmentStatus.submitted,
    }


def check_time_spent(time_spent_s: float | None) -> None:
    if time_spent_s is not None and not 0 <= time_spent_s <= 86_400:
        raise InvalidRequest("time_spent_s must be between 0 and 86400 seconds")


def valid_response(task_type: str, params: dict[str, Any], response: Any) -> dict[str, Any]:
    """The answer as the task type validates it, or the 400 naming what is wrong."""
    try:
        return tasktypes.get(task_type).validate_response(params, response)
    except TaskValidationError as exc:
        err = exc.prefixed("response")
        raise InvalidRequest(f"invalid response: {err}", errors=err.errors) from None


def check_holder(row: Any, principal: Principal, assignment_id: int) -> None:
    """The assignment `row` exists and was leased to the caller (404 / 409 otherwise)."""
    if row is None:
        raise NotFound(f"no assignment {assignment_id}")
    if not permissions.holds_assignment(principal, row.user_id):
        raise Conflict(f"assignment {assignment_id} belongs to another annotator")


def _check_own(row: Any, principal: Principal, assignment_id: int) -> None:
    check_holder(row, principal, assignment_id)
    if row.status not in (*HOLDING, AssignmentStatus.expired):
        raise Conflict(f"assignment {assignment_id} is already {row.status}")


def skip(session: Session, principal: Principal, assignment_id: int, reason: str) -> dict:
    """The caller will not answer this task; it goes back to the queue for others."""
    reason = (reason or "").strip()
    if not reason:
        raise InvalidRequest("say why the task is skipped (reason)")
    assignment = _own_assignment(session, principal, assignment_id)
    task = _locked_task(session, assignment.task_id)
    if assignment.status in HOLDING:
        task.active -= 1
    assignment.status = AssignmentStatus.skipped
    assignment.skip_reason = reason[:2000]
    assignment.finished_at = utcnow()
    record = session.get_one(ProjectAnnotator, (assignment.project_id, principal.user_id))
    record.skipped += 1
    session.commit()
    return {"assignment_id": assignment.id, "task_id": task.id, "status": AssignmentStatus.skipped}


def release(session: Session, principal: Principal, assignment_id: int) -> dict:
    """Give the task back unanswered. It stays held for the caller for `RELEASE_HOLD_S`
    seconds (at most until its lease ends) and is the first thing their next claim brings back,
    gold or not; after that the lease runs out as any other and the slot goes back to the queue.
    A task that came back at once when regular and never when gold would tell gold apart."""
    assignment = _own_assignment(session, principal, assignment_id)
    if (
        assignment.status == AssignmentStatus.active
    ):  # an expired lease has already given its slot back
        hold_until = utcnow() + dt.timedelta(seconds=RELEASE_HOLD_S)
        assignment.status = AssignmentStatus.released
        assignment.lease_expires_at = min(assignment.lease_expires_at, hold_until)
    session.commit()
    return {
        "assignment_id": assignment_id,
        "task_id": assignment.task_id,
        "status": AssignmentStatus.released,
    }
