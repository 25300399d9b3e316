"""After each answer: complete the task when its consensus is sure enough, else buy one more.

Adaptive overlap: a task completes once it has `min_overlap` answers and the posterior of its
consensus reaches `confidence_target`; below target it is handed out once more, up to
`max_overlap` answers, after which it completes with its best label and `low_confidence`.
Completed tasks are sampled for review at `review_rate` (low-confidence ones always go).
It runs inside every submission, so it reads and writes with the loop's statements (quorum.db.loop).
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from quorum import tasktypes
from quorum.db import hot, loop
from quorum.services.consensus import DEFAULT_ACCURACY, Verdict, verdict
from quorum.services.projects.policy import QualityPolicy
from quorum.services.tasks import lifecycle

_review_sample = random.Random()

# More answers than a pending task can gather (overlap is at most 100, plus late answers).
ALL_ANSWERS = 1000


@dataclass(frozen=True, slots=True)
class TaskState:
    """What the decision needs of a pending task, as it is after the new answer."""

    id: str
    params: dict[str, Any]
    answered: int
    active: int
    needed: int
    batch_id: int | None
    callback_url: str | None


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
    session: Session, project_id: int, task_type: str, policy: QualityPolicy, task: TaskState
) -> None:
    """Decide a pending task's fate after a new answer (caller commits)."""
    conn = session.connection()
    result = consensus(conn, project_id, task_type, task.params, task.id, limit=ALL_ANSWERS)
    sure = result.confidence >= policy.confidence_target
    if task.answered >= policy.min_overlap and sure:
        complete(session, policy, task, result.response, result.confidence, low=False)
    elif task.answered >= policy.max_overlap:
        complete(session, policy, task, result.response, result.confidence, low=True)
    elif task.answered >= policy.min_overlap:
        # Unsure: one more answer beyond those in; a live lease may still bring it.
        needed = min(policy.max_overlap, max(task.needed, task.answered + 1))
        if needed != task.needed:
            loop.NEED.run(conn, {"tid": task.id, "needed": needed})


def consensus(
    conn: Any,
    project_id: int,
    task_type: str,
    params: dict[str, Any],
    task_id: str,
    *,
    limit: int,
) -> Verdict:
    """The consensus of a task's newest `limit` answers, each weighed by its annotator's
    accuracy. A gold answer runs it too (over as many answers as a regular task gets), so that
    submitting takes as long whether the task is gold or not; its verdict is not kept."""
    rows = loop.ANSWERS.all(conn, {"project": project_id, "tid": task_id, "limit": limit})
    rows.reverse()
    return verdict(
        tasktypes.get(task_type),
        params,
        [hot.json_value(r.response) for r in rows],
        [accuracy(r.skill, r.gold_answered, r.gold_correct) for r in rows],
    )


def complete(
    session: Session,
    policy: QualityPolicy,
    task: TaskState,
    response: dict,
    confidence: float,
    *,
    low: bool,
) -> None:
    """Complete the task (quorum.services.tasks.lifecycle), sampled for review."""
    review = low or _review_sample.random() < policy.review_rate
    lifecycle.complete(
        session, task.id, response, confidence, low=low, review=review,
        batch_id=task.batch_id, callback_url=task.callback_url,
    )  # fmt: skip
