"""Review and audit: reviewers and requesters accept, fix or reject completed tasks.

Completion sends a share of tasks (and every low-confidence one) to review. A reviewer sees
the task with every answer and the consensus, and accepts it, fixes it (a new response,
validated by the task type) or rejects it: a rejected task goes back to the queue for one more
answer, or is marked `error` once it has been rejected `review_reject_limit` times. Requesters
audit through the API the same way. Every verdict is kept as an audit on the task.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from quorum import tasktypes
from quorum.db.models import (
    Annotation,
    Audit,
    Correction,
    Project,
    ProjectMember,
    Task,
    User,
    utcnow,
)
from quorum.db.statuses import ReviewStatus, TaskStatus
from quorum.services.accounts import permissions
from quorum.services.accounts.users import Principal
from quorum.services.callbacks import outbox
from quorum.services.consensus import gold_score
from quorum.services.errors import Forbidden, InvalidRequest
from quorum.services.projects.catalog import member_role, project_for, task_for
from quorum.services.projects.policy import policy_of
from quorum.services.tasks import lifecycle
from quorum.services.tasks.queries import audits_of
from quorum.tasktypes.base import TaskValidationError

DECISIONS = ("accept", "fix", "reject")
_RESULT = {
    "accept": ReviewStatus.accepted,
    "fix": ReviewStatus.fixed,
    "reject": ReviewStatus.rejected,
}
# An answer this close to the consensus (gold-style partial credit) counts as agreeing: merged
# spans and fused boxes rarely equal any one answer exactly.
AGREES_AT = 0.9


def _reviewer_of(session: Session, principal: Principal, project: Project) -> None:
    """Members who do not review get 403; the caller has already made sure (`project_for`,
    `task_for`) that non-members got the 404 of a missing project or task."""
    if not permissions.can_review(principal, member_role(session, project.id, principal.user_id)):
        raise Forbidden(f"you are not a reviewer of project {project.name!r}")


def _review_view(session: Session, project: Project, task: Task) -> dict:
    answers = session.execute(
        select(User.name, Annotation.id, Annotation.response, Annotation.time_spent_s)
        .join(User, User.id == Annotation.user_id)
        .where(Annotation.task_id == task.id)
        .order_by(Annotation.id)
    ).all()
    # An answer its annotator corrected (after completion, it is what sent the task here).
    corrected = set(
        session.scalars(select(Correction.annotation_id).where(Correction.task_id == task.id))
    )
    kind = tasktypes.get(project.task_type)
    scores = [
        round(gold_score(kind, task.response, a.response), 3) if task.response else None
        for a in answers
    ]
    return {
        "task_id": task.id,
        "params": task.params,
        "response": task.response,
        "confidence": task.confidence,
        "low_confidence": task.low_confidence,
        "answers": [
            {
                "annotator": a.name,
                "response": a.response,
                "time_spent_s": a.time_spent_s,
                "agreement": score,
                "agrees": score is not None and score >= AGREES_AT,
                "corrected": a.id in corrected,
            }
            for a, score in zip(answers, scores, strict=True)
        ],
        "audits": audits_of(session, task.id),
    }


def queues(session: Session, principal: Principal) -> list[dict]:
    """The projects the caller reviews (every project, for managers) with the tasks waiting."""
    waiting = (
        select(Task.project_id, func.count().label("n"))
        .where(Task.status == TaskStatus.completed, Task.review_status == ReviewStatus.pending)
        .group_by(Task.project_id)
        .subquery()
    )
    query = (
        select(Project.name, Project.task_type, func.coalesce(waiting.c.n, 0))
        .outerjoin(waiting, waiting.c.project_id == Project.id)
        .where(Project.archived.is_(False))
        .order_by(Project.name)
    )
    if not permissions.reviews_every_project(principal):
        query = query.join(ProjectMember, ProjectMember.project_id == Project.id).where(
            ProjectMember.user_id == principal.user_id,
            ProjectMember.role.in_(permissions.REVIEWING_ROLES),
        )
    return [{"name": n, "type": t, "waiting": w} for n, t, w in session.execute(query)]


def next_review(session: Session, principal: Principal, project_name: str) -> dict | None:
    """The oldest completed task of the project waiting for review, or None."""
    project = project_for(session, principal, project_name)
    _reviewer_of(session, principal, project)
    task = session.scalar(
        select(Task)
        .where(
            Task.project_id == project.id,
            Task.status == TaskStatus.completed,
            Task.review_status == ReviewStatus.pending,
        )
        .order_by(Task.low_confidence.desc(), Task.completed_at, Task.id)
        .limit(1)
    )
    return None if task is None else _review_view(session, project, task)


def decide(
    session: Session,
    principal: Principal,
    task_id: str,
    decision: str,
    *,
    response: Any = None,
    comment: str | None = None,
    source: str = "reviewer",
) -> dict:
    """Apply a reviewer's (or, with source `customer`, the requester's) verdict."""
    if decision not in DECISIONS:
        raise InvalidRequest(f"decision must be one of {', '.join(DECISIONS)}")
    task, project = task_for(session, principal, task_id)
    if source == "reviewer":
        _reviewer_of(session, principal, project)
    if task.status != TaskStatus.completed:
        raise InvalidRequest(f"task {task_id} is {task.status}; only completed tasks are audited")
    previous = task.response
    if decision == "fix":
        try:
            response = tasktypes.get(project.task_type).validate_response(task.params, response)
        except TaskValidationError as exc:
            err = exc.prefixed("response")
            raise InvalidRequest(f"invalid response: {err}", errors=err.errors) from None
        task.response, task.confidence, task.low_confidence = response, 1.0, False
    if decision == "reject":
        _reject(session, project, task)
    else:  # the task stays completed: tell the requester the verdict
        task.updated_at = utcnow()
        outbox.enqueue_task_callback(session, task.id, "audited")
    task.review_status = _RESULT[decision]
    session.add(
        Audit(
            task_id=task.id,
            user_id=principal.user_id,
            source=source,
            result=_RESULT[decision],
            comment=comment,
            previous_response=previous,
        )
    )
    session.commit()
    return {
        "task_id": task.id,
        "status": task.status,
        "review_status": task.review_status,
        "response": task.response,
        "audits": audits_of(session, task.id),
    }


def _reject(session: Session, project: Project, task: Task) -> None:
    """Back to the queue for one more answer, or `error` past the rejection limit (what that
    does to a completed batch: quorum.services.tasks.lifecycle)."""
    task.rejections += 1
    if task.rejections > policy_of(project).review_reject_limit:
        lifecycle.fail(session, task, event="audited")
    else:
        lifecycle.reopen(session, task)
