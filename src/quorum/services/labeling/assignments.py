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
from quorum.db import claim, hot
from quorum.db.hot import SQL
from quorum.db.models import HOLDING, Assignment, ProjectAnnotator, Task, utcnow
from quorum.services.accounts import permissions
from quorum.services.accounts.users import Principal
from quorum.services.errors import Conflict, Forbidden, InvalidRequest, NotFound
from quorum.services.labeling import gold, overlap
from quorum.services.projects.policy import effective
from quorum.tasktypes.base import TaskValidationError

RELEASE_HOLD_S = 60


# The loop's statements, run on the driver's cursor (see quorum.db.hot): the whole of a claim
# or a submission runs inside SQLite's one write lock.
_WORKER_CONTEXT = SQL("""
SELECT p.id, p.task_type, p.policy, p.callback_key,
       (SELECT pp.instruction FROM project_params pp WHERE pp.project_id = p.id
        ORDER BY pp.version DESC LIMIT 1),
       m.role, a.served, a.gold_served, a.gold_after, a.blocked, a.blocked_reason,
       (SELECT MIN(s.id) FROM assignments s
        WHERE s.user_id = :user AND s.status = 'released' AND s.project_id = p.id)
FROM projects p
LEFT JOIN project_members m ON m.project_id = p.id AND m.user_id = :user
LEFT JOIN project_annotators a ON a.project_id = p.id AND a.user_id = :user
WHERE p.name = :project""")
_EXPIRE = SQL("""
UPDATE assignments SET status = 'expired'
WHERE project_id = :project AND status IN ('active', 'released') AND lease_expires_at < :now
RETURNING task_id""")
_TAKE_BACK = SQL("""
UPDATE assignments SET status = 'active', leased_at = :now, lease_expires_at = :expires
WHERE id = :aid AND status = 'released'
RETURNING task_id""")
_TASK_CONTENT = SQL("SELECT params, instruction FROM tasks WHERE id = :tid")
_GIVE_BACK = SQL("UPDATE tasks SET active = active - 1 WHERE id = :tid")
_TAKE_TASK = SQL(
    "UPDATE tasks SET active = active + 1 WHERE id = :tid RETURNING params, instruction, is_gold"
)
_NEW_ASSIGNMENT = SQL("""
INSERT INTO assignments (task_id, project_id, user_id, status, is_gold, leased_at,
                         lease_expires_at)
VALUES (:tid, :project, :user, 'active', :gold, :now, :expires)
RETURNING id""")
_NEW_RECORD = SQL("""
INSERT INTO project_annotators (project_id, user_id, served, gold_served, gold_after, answered,
                                skipped, gold_answered, gold_correct, time_spent_s, blocked)
VALUES (:project, :user, 1, :gold, :after, 0, 0, 0, 0.0, 0.0, :no)""")
_COUNT_SERVED = SQL("""
UPDATE project_annotators SET served = served + 1, gold_served = gold_served + :gold,
                              gold_after = COALESCE(:after, gold_after)
WHERE project_id = :project AND user_id = :user""")
# The submission, its task and project, the task's callback URL (webhooks.CALLBACK_URL) and
# its expected response if it is gold.
_SUBMITTED = """
SELECT s.user_id, s.status, s.task_id, s.project_id, t.status, t.is_gold, t.answered,
       t.active, t.needed, t.params, t.batch_id, p.task_type, p.policy,
       COALESCE(t.callback_url, b.callback_url, p.callback_url), g.expected_response
FROM assignments s
JOIN tasks t ON t.id = s.task_id
JOIN projects p ON p.id = s.project_id
LEFT JOIN batches b ON b.id = t.batch_id
LEFT JOIN gold_answers g ON g.task_id = t.id
WHERE s.id = :aid"""
_SUBMITTED_ROW = SQL(_SUBMITTED, postgresql=_SUBMITTED + " FOR UPDATE OF t")
_NEW_ANNOTATION = SQL("""
INSERT INTO annotations (task_id, user_id, assignment_id, response, time_spent_s, created_at)
VALUES (:tid, :user, :aid, :response, :seconds, :now)""")
_FINISH = SQL("UPDATE assignments SET status = 'submitted', finished_at = :now WHERE id = :aid")
_ANSWERED = SQL("UPDATE tasks SET answered = answered + 1, active = active - :live WHERE id = :tid")
# Every `gold.SHOWN_EVERY` answers, the gold record the annotator is shown catches up.
_COUNT_ANSWER = SQL("""
UPDATE project_annotators SET answered = answered + 1, time_spent_s = time_spent_s + :seconds,
  shown_gold_answered = CASE WHEN (answered + 1) % :every = 0 THEN gold_answered
                             ELSE shown_gold_answered END,
  shown_gold_correct = CASE WHEN (answered + 1) % :every = 0 THEN gold_correct
                            ELSE shown_gold_correct END
WHERE project_id = :project AND user_id = :user""")


@dataclass(frozen=True, slots=True)
class _WorkerContext:
    project_id: int
    task_type: str
    policy: dict[str, Any]
    secret: str
    instruction: str | None
    served: int | None
    gold_served: int
    gold_after: str | None
    released: int | None


def _worker_context(conn: Connection, principal: Principal, project_name: str) -> _WorkerContext:
    """The project, its newest instruction, the caller's member role and their record, in one
    query. Only members who annotate or review may work; blocked ones may not."""
    row = _WORKER_CONTEXT.run(conn, {"user": principal.user_id, "project": project_name}).fetchone()
    if row is None:
        raise NotFound(f"no project named {project_name!r}")
    (project_id, task_type, policy, secret, instruction, role, served, gold_served, gold_after,
     blocked, reason, released) = row  # fmt: skip
    if not permissions.can_see_project(principal, role):
        raise NotFound(f"no project named {project_name!r}")
    if not permissions.can_work(principal, role):
        raise Forbidden(f"you are not an annotator or reviewer of project {project_name!r}")
    if blocked:
        raise Forbidden(f"you are blocked from project {project_name!r}: {reason}")
    return _WorkerContext(
        project_id, task_type, effective(hot.json_value(policy)), secret, instruction, served,
        gold_served or 0, gold_after, released,
    )  # fmt: skip


def expire_leases(conn: Connection, project_id: int, now: dt.datetime) -> None:
    """Give back the slots of leases that ran out (the late answer may still be accepted)."""
    expired = _EXPIRE.run(conn, {"project": project_id, "now": hot.time_param(conn, now)})
    for (task_id,) in expired.fetchall():
        _GIVE_BACK.run(conn, {"tid": task_id})


def claim_next(session: Session, principal: Principal, project_name: str) -> dict | None:
    """Hand the caller the next task of the project, or None when nothing is left for them."""
    conn = session.connection()
    ctx = _worker_context(conn, principal, project_name)
    served = ctx.served or 0
    now = utcnow()
    expire_leases(conn, ctx.project_id, now)
    expires = now + dt.timedelta(seconds=ctx.policy["lease_seconds"])
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
    if due is not None or ctx.policy["gold_rate"] > 0:
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
    params, instruction, is_gold = _TAKE_TASK.run(conn, {"tid": task_id}).fetchone()
    mine = {
        "project": ctx.project_id, "user": principal.user_id, "gold": int(is_gold),
        "after": gold_after,
    }  # fmt: skip
    try:
        (assignment_id,) = _NEW_ASSIGNMENT.run(conn, {
            **mine, "tid": task_id, "gold": bool(is_gold), "now": hot.time_param(conn, now),
            "expires": hot.time_param(conn, expires),
        }).fetchone()  # fmt: skip
    except hot.integrity_error(conn):  # the same annotator claimed it in a parallel request
        session.rollback()
        raise Conflict("a claim for this task is already open; try again") from None
    if ctx.served is None:
        _NEW_RECORD.run(conn, {**mine, "no": False})
    else:
        _COUNT_SERVED.run(conn, mine)
    session.commit()
    return _claimed(ctx, assignment_id, task_id, params, instruction, expires)


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
    row = _TAKE_BACK.run(conn, {"aid": assignment_id, **times}).fetchone()
    if row is None:
        return None
    params, instruction = _TASK_CONTENT.run(conn, {"tid": row[0]}).fetchone()
    return _claimed(ctx, assignment_id, row[0], params, instruction, expires)


def _claimed(
    ctx: _WorkerContext,
    assignment_id: int,
    task_id: str,
    params: Any,
    instruction: str | None,
    expires: dt.datetime,
) -> dict:
    return {
        "assignment_id": assignment_id,
        "task_id": task_id,
        "type": ctx.task_type,
        "params": hot.json_value(params),
        "instruction": instruction or ctx.instruction,
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


@dataclass(frozen=True, slots=True)
class _Submitted:
    user_id: int
    status: str
    task_id: str
    project_id: int
    task_status: str
    is_gold: bool
    answered: int
    active: int
    needed: int
    params: Any
    batch_id: int | None
    task_type: str
    policy: Any
    callback_url: str | None
    expected: Any


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
    found = _SUBMITTED_ROW.run(conn, {"aid": assignment_id}).fetchone()
    row = None if found is None else _Submitted(*found)
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
    params = hot.json_value(row.params)
    try:
        response = tasktypes.get(row.task_type).validate_response(params, response)
    except TaskValidationError as exc:
        err = exc.prefixed("response")
        raise InvalidRequest(f"invalid response: {err}", errors=err.errors) from None
    now = hot.time_param(conn, utcnow())
    mine = {"project": row.project_id, "user": principal.user_id, "seconds": time_spent_s or 0.0}
    _NEW_ANNOTATION.run(conn, {
        **mine, "tid": row.task_id, "aid": assignment_id, "seconds": time_spent_s, "now": now,
        "response": hot.json_param(conn, response),
    })  # fmt: skip
    _FINISH.run(conn, {"aid": assignment_id, "now": now})
    _ANSWERED.run(conn, {"tid": row.task_id, "live": 0 if expired else 1})
    _COUNT_ANSWER.run(conn, {**mine, "every": gold.SHOWN_EVERY})
    if row.is_gold:
        policy = effective(hot.json_value(row.policy))
        gold.score_answer(
            session, row.project_id, row.task_type, policy, principal.user_id,
            hot.json_value(row.expected), response,
        )  # fmt: skip
        overlap.consensus(
            conn, row.project_id, row.task_type, params, row.task_id,
            limit=policy["min_overlap"],
        )  # fmt: skip
    elif row.task_status == "pending":
        state = overlap.TaskState(
            row.task_id, params, row.answered + 1, row.active - (0 if expired else 1),
            row.needed, row.batch_id, row.callback_url,
        )  # fmt: skip
        overlap.after_answer(
            session, row.project_id, row.task_type, hot.json_value(row.policy), state
        )
    session.commit()
    return {"assignment_id": assignment_id, "task_id": row.task_id, "status": "submitted"}


def _check_own(row: Any, principal: Principal, assignment_id: int) -> None:
    if row is None:
        raise NotFound(f"no assignment {assignment_id}")
    if not permissions.holds_assignment(principal, row.user_id):
        raise Conflict(f"assignment {assignment_id} belongs to another annotator")
    if row.status not in (*HOLDING, "expired"):
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
    assignment.status = "skipped"
    assignment.skip_reason = reason[:2000]
    assignment.finished_at = utcnow()
    record = session.get(ProjectAnnotator, (assignment.project_id, principal.user_id))
    record.skipped += 1
    session.commit()
    return {"assignment_id": assignment.id, "task_id": task.id, "status": "skipped"}


def release(session: Session, principal: Principal, assignment_id: int) -> dict:
    """Give the task back unanswered. It stays held for the caller for `RELEASE_HOLD_S`
    seconds (at most until its lease ends) and is the first thing their next claim brings back,
    gold or not; after that the lease runs out as any other and the slot goes back to the queue.
    A task that came back at once when regular and never when gold would tell gold apart."""
    assignment = _own_assignment(session, principal, assignment_id)
    if assignment.status == "active":  # an expired lease has already given its slot back
        hold_until = utcnow() + dt.timedelta(seconds=RELEASE_HOLD_S)
        assignment.status = "released"
        assignment.lease_expires_at = min(assignment.lease_expires_at, hold_until)
    session.commit()
    return {"assignment_id": assignment_id, "task_id": assignment.task_id, "status": "released"}
