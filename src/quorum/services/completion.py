"""After each answer: complete the task when its consensus is sure enough, else buy one more.

Adaptive overlap: a task completes once it has `min_overlap` answers and the posterior of its
consensus reaches `confidence_target`; below target it is handed out once more, up to
`max_overlap` answers, after which it completes with its best label and `low_confidence`.
Completed tasks are sampled for review at `review_rate` (low-confidence ones always go).
"""

from __future__ import annotations

import math
import random

from sqlalchemy import select
from sqlalchemy.orm import Session

from quorum import tasktypes
from quorum.db.models import Annotation, Project, ProjectAnnotator, Task, utcnow
from quorum.services import batches, webhooks
from quorum.services.consensus import verdict

_review_sample = random.Random()


def annotator_accuracy(record: ProjectAnnotator | None) -> float:
    """What routing believes of an annotator: the model's skill, else gold, else unknown."""
    if record is None:
        return math.nan
    if record.skill is not None:
        return record.skill
    if record.gold_answered:
        return (1.0 + record.gold_correct) / (2.0 + record.gold_answered)
    return math.nan


def after_answer(session: Session, project: Project, task: Task) -> None:
    """Decide a pending task's fate after a new answer (caller commits)."""
    rows = session.execute(
        select(Annotation.response, ProjectAnnotator)
        .outerjoin(
            ProjectAnnotator,
            (ProjectAnnotator.user_id == Annotation.user_id)
            & (ProjectAnnotator.project_id == project.id),
        )
        .where(Annotation.task_id == task.id)
        .order_by(Annotation.id)
    ).all()
    policy = project.policy
    result = verdict(
        tasktypes.get(project.task_type),
        task.params,
        [r[0] for r in rows],
        [annotator_accuracy(r[1]) for r in rows],
    )
    sure = result.confidence >= policy["confidence_target"]
    if task.answered >= policy["min_overlap"] and sure:
        complete(session, project, task, result.response, result.confidence, low=False)
    elif task.answered >= policy["max_overlap"]:
        complete(session, project, task, result.response, result.confidence, low=True)
    elif task.answered >= policy["min_overlap"]:
        # Unsure: one more answer beyond those in; a live lease may still bring it.
        task.needed = min(policy["max_overlap"], max(task.needed, task.answered + 1))


def complete(
    session: Session,
    project: Project,
    task: Task,
    response: dict,
    confidence: float,
    *,
    low: bool,
) -> None:
    now = utcnow()
    task.status = "completed"
    task.response = response
    task.confidence = round(confidence, 6)
    task.low_confidence = low
    task.completed_at = task.updated_at = now
    if low or _review_sample.random() < project.policy.get("review_rate", 0.0):
        task.review_status = "pending"
    session.flush()
    webhooks.enqueue_task_callback(session, task.id, "completed")
    if task.batch_id is not None:
        batches.complete_if_done(session, [task.batch_id])
