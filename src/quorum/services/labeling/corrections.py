"""Correcting one's previous answer: one step back, for a while, whatever the task.

An annotator may replace their most recent answer in a project for `correction_window_s`
seconds after giving it, until they answer again there. The rule reads nothing but the
annotator's own answers and the clock: a rule that also read the task (its status, whether it
is gold, what others answered) would tell gold apart, since gold tasks never complete. Skips and
releases are not answers.

What the correction then does depends on the task, out of the annotator's sight: a gold answer
is scored again (the difference replaces the old score in the gold record); a pending task is
decided again as after any answer; a completed task keeps its result, whose callback has gone
out, and goes to review when the corrected answers make another label. Each path runs the same
statements and two consensus decisions (over as many answers as a submission reads), so a
correction takes as long whatever the task; the former response is kept in `corrections`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.orm import Session

from quorum import tasktypes
from quorum.config import get_settings
from quorum.db import hot, loop
from quorum.db.models import utcnow
from quorum.db.statuses import TaskStatus
from quorum.services.accounts.users import Principal
from quorum.services.consensus import gold_score
from quorum.services.errors import Conflict, Forbidden, NotFound
from quorum.services.labeling import gold, overlap
from quorum.services.labeling.assignments import (
    check_holder,
    check_time_spent,
    task_shown,
    valid_response,
    worker_context,
)
from quorum.services.projects.policy import policy_from
from quorum.services.tasks import lifecycle

NOTHING = "you have no answer in this project that can still be corrected"
CORRECTED = "corrected"


def _closed() -> str:
    minutes = get_settings().correction_window_s / 60
    return (
        "only your most recent answer in a project can be corrected, "
        f"within {minutes:g} minutes of giving it"
    )


def _until(submitted: Any) -> dt.datetime:
    return hot.time_value(submitted) + dt.timedelta(seconds=get_settings().correction_window_s)


def previous(session: Session, principal: Principal, project_name: str) -> dict:
    """The caller's answer they may still correct in the project, with its task as the
    workspace shows it (404 when there is none)."""
    conn = session.connection()
    ctx = worker_context(conn, principal, project_name)
    row = loop.LATEST_ANSWER.one(conn, {"user": principal.user_id, "project": ctx.project_id})
    if row is None or row.assignment_id is None or _until(row.created_at) < utcnow():
        raise NotFound(NOTHING)
    shown = task_shown(ctx, row.assignment_id, row.task_id, row.params, row.instruction)
    return {
        **shown,
        "response": hot.json_value(row.response),
        "submitted_at": hot.time_value(row.created_at),
        "correctable_until": _until(row.created_at),
    }


def correct(
    session: Session,
    principal: Principal,
    assignment_id: int,
    response: Any,
    time_spent_s: float | None = None,
) -> dict:
    """Replace the caller's answer on `assignment_id`, their most recent in its project."""
    check_time_spent(time_spent_s)
    conn = session.connection()
    holder = loop.HOLDER.one(conn, {"aid": assignment_id})
    check_holder(holder, principal, assignment_id)
    if holder.blocked:
        raise Forbidden("you are blocked from this project")
    mine = {"user": principal.user_id, "project": holder.project_id}
    row = loop.LATEST_ANSWER_LOCKED.one(conn, mine)
    if row is None or row.assignment_id != assignment_id or _until(row.created_at) < utcnow():
        raise Conflict(_closed())
    params = hot.json_value(row.params)
    response = valid_response(holder.task_type, params, response)
    policy = policy_from(hot.json_value(holder.policy))
    # Gold tasks gather everyone's answers: a decision over all of them would take longer.
    limit = policy.min_overlap if row.is_gold else overlap.ALL_ANSWERS
    decide = (conn, holder.project_id, holder.task_type, params, row.task_id)
    before = overlap.consensus(*decide, limit=limit)
    previous_response = hot.json_value(row.response)
    loop.CORRECT.run(conn, {
        "annotation": row.annotation_id, "response": hot.json_param(conn, response),
        "seconds": time_spent_s or 0.0,
    })  # fmt: skip
    delta = 0.0
    if row.is_gold:
        expected, kind = hot.json_value(row.expected_response), tasktypes.get(holder.task_type)
        delta = gold_score(kind, expected, response) - gold_score(kind, expected, previous_response)
    record = loop.COUNT_CORRECTION.one(
        conn, {**mine, "seconds": time_spent_s or 0.0, "delta": delta}
    )
    review = False
    if row.is_gold:
        overlap.consensus(*decide, limit=limit)
        gold.judge(session, holder.project_id, policy, principal.user_id,
                   record.gold_answered, record.gold_correct)  # fmt: skip
    elif row.task_status == TaskStatus.pending:
        state = overlap.TaskState(
            row.task_id, params, row.answered, row.active, row.needed, row.batch_id,
            row.callback_url,
        )  # fmt: skip
        overlap.after_answer(session, holder.project_id, holder.task_type, policy, state)
    else:
        after = overlap.consensus(*decide, limit=limit)
        review = row.task_status == TaskStatus.completed and after.response != before.response
        if review:
            lifecycle.send_to_review(session, row.task_id)
    loop.NEW_CORRECTION.run(conn, {
        **mine, "annotation": row.annotation_id, "tid": row.task_id, "review": review,
        "previous": hot.json_param(conn, previous_response), "now": hot.time_param(conn, utcnow()),
    })  # fmt: skip
    session.commit()
    return {
        "assignment_id": assignment_id,
        "task_id": row.task_id,
        "status": CORRECTED,
        "correctable_until": _until(row.created_at),
    }
