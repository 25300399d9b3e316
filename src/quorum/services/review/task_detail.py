"""One task as a manager inspects it: its answers and their weights, the consensus, why it is
still pending, its history, and which actions its status allows.

Managers only: it shows gold (the expected answer, the gold flag) as any manager's view does.
"""

from __future__ import annotations

import math
from typing import Any

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from quorum import tasktypes
from quorum.db.models import (
    HOLDING,
    Annotation,
    Assignment,
    Batch,
    Correction,
    Job,
    Project,
    ProjectAnnotator,
    Task,
    User,
    utcnow,
)
from quorum.db.statuses import AssignmentStatus, ReviewStatus, TaskStatus
from quorum.services.callbacks.outbox import TASK_CALLBACK
from quorum.services.consensus import gold_score, verdict
from quorum.services.errors import InvalidRequest
from quorum.services.labeling.overlap import accuracy
from quorum.services.projects.policy import QualityPolicy, policy_of
from quorum.services.tasks import lifecycle
from quorum.services.tasks.lifecycle import REOPENABLE
from quorum.services.tasks.queries import get_task_row, task_view


def task_detail(session: Session, task_id: str) -> dict:
    """The task (as `task_view`, gold included) with its answers, consensus and history."""
    view = task_view(session, task_id, with_gold=True)
    task = get_task_row(session, task_id)
    project = session.get_one(Project, task.project_id)
    kind = tasktypes.get(project.task_type)
    answers = _answers(session, task)
    response, confidence = task.response, task.confidence
    if task.status == TaskStatus.pending and answers:
        # Not stored until it completes: the consensus of the answers so far, as the loop
        # weighs them after each answer.
        current = verdict(
            kind, task.params, [a["response"] for a in answers], [a["weight"] for a in answers]
        )
        response, confidence = current.response, round(current.confidence, 6)
    for a in answers:
        a["agreement"] = (
            None if response is None else round(gold_score(kind, response, a["response"]), 3)
        )
        a["weight"] = None if math.isnan(a["weight"]) else round(a["weight"], 3)
    pending = None
    if task.status == TaskStatus.pending:
        pending = _pending(session, task, policy_of(project), confidence)
    return {
        "task": view,
        "answers": answers,
        "consensus": response,
        "confidence": confidence,
        "pending": pending,
        "history": _history(session, task, view),
        "actions": {
            "reopen": task.status in REOPENABLE,
            "send_to_review": task.status == TaskStatus.completed
            and task.review_status != ReviewStatus.pending,
            "cancel": task.status == TaskStatus.pending,
        },
    }


def _answers(session: Session, task: Task) -> list[dict[str, Any]]:
    rows = session.execute(
        select(
            User.name,
            Annotation.response,
            Annotation.time_spent_s,
            Annotation.created_at,
            ProjectAnnotator.skill,
            ProjectAnnotator.gold_answered,
            ProjectAnnotator.gold_correct,
        )
        .join(User, User.id == Annotation.user_id)
        .outerjoin(
            ProjectAnnotator,
            and_(
                ProjectAnnotator.project_id == task.project_id,
                ProjectAnnotator.user_id == Annotation.user_id,
            ),
        )
        .where(Annotation.task_id == task.id)
        .order_by(Annotation.id)
    )
    return [
        {
            "annotator": r.name,
            "response": r.response,
            "time_spent_s": r.time_spent_s,
            "created_at": r.created_at,
            "weight": accuracy(r.skill, r.gold_answered, r.gold_correct),
        }
        for r in rows
    ]


def _pending(
    session: Session, task: Task, policy: QualityPolicy, confidence: float | None
) -> dict[str, Any]:
    """Why the task is not done yet, in numbers and in words."""
    now = utcnow()
    leases = [
        {"annotator": name, "leased_at": leased, "lease_expires_at": expires}
        for name, leased, expires in session.execute(
            select(User.name, Assignment.leased_at, Assignment.lease_expires_at)
            .join(User, User.id == Assignment.user_id)
            .where(
                Assignment.task_id == task.id,
                Assignment.status.in_(HOLDING),
                Assignment.lease_expires_at > now,
            )
            .order_by(Assignment.leased_at)
        )
    ]
    reasons = []
    if task.held:
        batch = session.get(Batch, task.batch_id) if task.batch_id is not None else None
        name = batch.name if batch else "its batch"
        reasons.append(f"batch {name!r} is still in staging: no one is served the task yet")
    if task.is_gold:
        reasons.append("a gold task stays pending to score every annotator who answers it")
    elif task.answered < policy.min_overlap:
        reasons.append(
            f"{task.answered} of the {policy.min_overlap} answers every task gets are in"
        )
    elif confidence is not None and confidence < policy.confidence_target:
        reasons.append(
            f"the consensus is {confidence:.2f} sure, below the target "
            f"{policy.confidence_target:g}: it gets more answers, up to {policy.max_overlap}"
        )
    if task.needed > task.answered:
        more = task.needed - task.answered
        reasons.append(f"it waits for {more} more answer{'s' if more > 1 else ''}")
    if leases:
        who = ", ".join(str(lease["annotator"]) for lease in leases)
        reasons.append(f"leased now to {who}")
    sure = "–" if confidence is None else f"{confidence:.2f}"
    summary = (
        f"{task.answered} answer{'' if task.answered == 1 else 's'} in, {task.needed} wanted now "
        f"(at least {policy.min_overlap}, at most {policy.max_overlap}); confidence {sure} "
        f"against the target {policy.confidence_target:g}."
    )
    return {
        "summary": summary,
        "answered": task.answered,
        "needed": task.needed,
        "min_overlap": policy.min_overlap,
        "max_overlap": policy.max_overlap,
        "confidence": confidence,
        "confidence_target": policy.confidence_target,
        "open_leases": leases,
        "reasons": reasons,
    }


def _history(session: Session, task: Task, view: dict) -> list[dict[str, Any]]:
    """Everything that happened to the task, oldest first; an answer corrected by its annotator
    is shown as it is now, the correction as an event."""
    creator = session.get(User, task.created_by) if task.created_by is not None else None
    events: list[dict[str, Any]] = [
        _event(task.created_at, "created", creator.name if creator else None, None)
    ]
    for a in view["annotations"]:
        spent = a["time_spent_s"]
        detail = None if spent is None else f"in {spent:.1f} s"
        events.append(_event(a["created_at"], "answered", a["annotator"], detail))
    skips = session.execute(
        select(User.name, Assignment.finished_at, Assignment.skip_reason)
        .join(User, User.id == Assignment.user_id)
        .where(Assignment.task_id == task.id, Assignment.status == AssignmentStatus.skipped)
    )
    for name, at, reason in skips:
        events.append(_event(at, "skipped", name, reason))
    corrections = session.execute(
        select(User.name, Correction.created_at, Correction.sent_to_review)
        .join(User, User.id == Correction.user_id)
        .where(Correction.task_id == task.id)
    )
    for name, at, reviewed in corrections:
        detail = "after completion: the label changed, sent to review" if reviewed else None
        events.append(_event(at, "corrected", name, detail))
    if task.completed_at is not None:
        events.append(_event(task.completed_at, "completed", None, _confidence(task.confidence)))
    for a in view["audits"]:
        detail = f"{a['audit_source']}: {a['audit_result']}"
        if a["comment"]:
            detail += f" ({a['comment']})"
        events.append(_event(a["audited_at"], "reviewed", a["audited_by"], detail))
    callbacks = session.execute(
        select(Job).where(Job.task_id == task.id, Job.kind == TASK_CALLBACK).order_by(Job.id)
    ).scalars()
    for job in callbacks:
        detail = f"{job.payload.get('event')} to {job.payload.get('url')}: {job.status}"
        if job.attempts > 1:
            detail += f" after {job.attempts} attempts"
        if job.last_error:
            detail += f" ({job.last_error})"
        events.append(_event(job.finished_at or job.created_at, "callback", None, detail))
    return sorted(events, key=lambda e: e["at"])


def _confidence(value: float | None) -> str | None:
    return None if value is None else f"confidence {value:.2f}"


def _event(at: Any, event: str, by: str | None, detail: str | None) -> dict[str, Any]:
    return {"at": at, "event": event, "by": by, "detail": detail}


def send_to_review(session: Session, task_id: str) -> None:
    """A manager puts a completed task in its project's review queue."""
    task = get_task_row(session, task_id)
    if task.status != TaskStatus.completed:
        raise InvalidRequest(
            f"task {task_id} is {task.status}; only completed tasks can be sent to review"
        )
    lifecycle.send_to_review(session, task_id)
    session.commit()
