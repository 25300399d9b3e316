"""After each answer: complete the task when its consensus is sure enough, else buy one more.

Adaptive overlap: a task completes once it has `min_overlap` answers and the posterior of its
consensus reaches `confidence_target`; below target it is handed out once more, up to
`max_overlap` answers, after which it completes with its best label and `low_confidence`.
Completed tasks are sampled for review at `review_rate` (low-confidence ones always go).
It runs inside every submission, so it reads and writes with prebuilt Core statements.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from quorum import tasktypes
from quorum.db.models import Annotation, ProjectAnnotator, Task, utcnow
from quorum.services import batches, webhooks
from quorum.services.consensus import DEFAULT_ACCURACY, verdict

_review_sample = random.Random()

_ANSWERS = (
    select(
        Annotation.response, ProjectAnnotator.skill, ProjectAnnotator.gold_answered,
        ProjectAnnotator.gold_correct,
    )
    .outerjoin(ProjectAnnotator, (ProjectAnnotator.user_id == Annotation.user_id)
               & (ProjectAnnotator.project_id == bindparam("project")))
    .where(Annotation.task_id == bindparam("tid"))
    .order_by(Annotation.id)
)  # fmt: skip
_NEED = update(Task).where(Task.id == bindparam("tid")).values(needed=bindparam("needed"))
_COMPLETE = (
    update(Task)
    .where(Task.id == bindparam("tid"))
    .values(
        status="completed", response=bindparam("response"), confidence=bindparam("confidence"),
        low_confidence=bindparam("low"), review_status=bindparam("review"),
        completed_at=bindparam("now"), updated_at=bindparam("now"),
    )
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class TaskState:
    """What the decision needs of a pending task, as it is after the new answer."""

    id: str
    params: dict[str, Any]
    answered: int
    active: int
    needed: int
    batch_id: int | None


# Gold answers are pooled with this many pseudo-answers at the default accuracy, so that two
# misses on gold do not make a newcomer's vote count against the label they chose.
GOLD_PRIOR_ANSWERS = 4.0


def accuracy(skill: float | None, gold_answered: int | None, gold_correct: float | None) -> float:
    """What routing believes of an annotator: the model's skill, else gold, else unknown."""
    if skill is not None:
        return skill
    if gold_answered:
        prior = GOLD_PRIOR_ANSWERS * DEFAULT_ACCURACY
        return (prior + (gold_correct or 0.0)) / (GOLD_PRIOR_ANSWERS + gold_answered)
    return math.nan


def after_answer(
    session: Session, project_id: int, task_type: str, policy: dict[str, Any], task: TaskState
) -> None:
    """Decide a pending task's fate after a new answer (caller commits)."""
    conn = session.connection()
    rows = conn.execute(_ANSWERS, {"project": project_id, "tid": task.id}).all()
    result = verdict(
        tasktypes.get(task_type),
        task.params,
        [r.response for r in rows],
        [accuracy(r.skill, r.gold_answered, r.gold_correct) for r in rows],
    )
    sure = result.confidence >= policy["confidence_target"]
    if task.answered >= policy["min_overlap"] and sure:
        complete(session, policy, task, result.response, result.confidence, low=False)
    elif task.answered >= policy["max_overlap"]:
        complete(session, policy, task, result.response, result.confidence, low=True)
    elif task.answered >= policy["min_overlap"]:
        # Unsure: one more answer beyond those in; a live lease may still bring it.
        needed = min(policy["max_overlap"], max(task.needed, task.answered + 1))
        if needed != task.needed:
            conn.execute(_NEED, {"tid": task.id, "needed": needed})


def complete(
    session: Session,
    policy: dict[str, Any],
    task: TaskState,
    response: dict,
    confidence: float,
    *,
    low: bool,
) -> None:
    review = low or _review_sample.random() < policy.get("review_rate", 0.0)
    session.connection().execute(_COMPLETE, {
        "tid": task.id, "response": response, "confidence": round(confidence, 6), "low": low,
        "review": "pending" if review else None, "now": utcnow(),
    })  # fmt: skip
    webhooks.enqueue_task_callback(session, task.id, "completed")
    if task.batch_id is not None:
        batches.complete_if_done(session, [task.batch_id])
