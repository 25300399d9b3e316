"""Gold tasks at work: when to serve one, scoring an answer, qualification and blocking.

An annotator's gold record is a Beta posterior over their accuracy. A new annotator first
answers `qualification_count` gold tasks and must reach `qualification_pass`; after that gold is
served at `gold_rate`, and anyone whose accuracy is, with 95% credibility, below
`gold_min_accuracy` is blocked and their open tasks go back to the queue.

Past the qualification nothing an annotator can observe may tell gold apart (docs/workforce.md):
whether claim number k is gold is a coin weighted by `gold_rate`, thrown by a keyed hash of the
project's secret, the annotator and k. Nobody without the secret can predict it; the same claim
number always gives the same answer, so a released claim comes back as the same task whether it
was gold or not; and no server keeps any state to agree on it.
"""

from __future__ import annotations

import hashlib
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from quorum import tasktypes
from quorum.db import loop
from quorum.db.claim import TRAINING_TAG
from quorum.db.models import HOLDING, Assignment, ProjectAnnotator, Task, utcnow
from quorum.db.statuses import AssignmentStatus
from quorum.services.consensus import gold_score
from quorum.services.projects import catalog
from quorum.services.projects.policy import QualityPolicy, policy_of
from quorum.services.tasks import queries

_UNIT = float(1 << 64)


QUALIFICATION, CHECK = "qualification", "check"
# An annotator's own statistics show their gold record as it was at their last multiple of this
# many answers: a figure that moved right after an answer would mark that task as gold.
SHOWN_EVERY = 25


def gold_due(
    served: int, gold_served: int, policy: QualityPolicy, secret: str, user_id: int
) -> str | None:
    """Whether an annotator who was served `served` tasks, `gold_served` of them gold, gets gold
    next: `QUALIFICATION` gold first, then a `CHECK` when the coin weighted by `gold_rate`
    for claim number `served` says so, else None."""
    if gold_served < policy.qualification_count:
        return QUALIFICATION
    rate = policy.gold_rate
    if rate <= 0:
        return None
    digest = hashlib.blake2b(
        f"gold:{user_id}:{served}".encode(), key=secret.encode()[:64], digest_size=8
    ).digest()
    return CHECK if int.from_bytes(digest, "big") / _UNIT < rate else None


def accuracy_interval(correct: float, total: float) -> tuple[float, float, float]:
    """Posterior mean and 95% credible interval of an accuracy, uniform Beta(1, 1) prior."""
    import numpy as np  # loaded on the first gold answer, not at server start

    from quorum.quality import beta_skill

    skill = beta_skill(np.array([correct]), np.array([total]))
    return float(skill.mean[0]), float(skill.low[0]), float(skill.high[0])


def score_answer(
    session: Session,
    project_id: int,
    task_type: str,
    policy: QualityPolicy,
    user_id: int,
    expected: dict[str, Any],
    response: dict[str, Any],
) -> None:
    """Score an answer to a gold task and apply qualification and blocking (caller commits).

    It runs inside the submission on the driver's cursor, beside the consensus decision that
    every answer runs, so that a gold answer takes no visibly longer than a regular one."""
    conn = session.connection()
    score = gold_score(tasktypes.get(task_type), expected, response)
    mine = {"project": project_id, "user": user_id, "score": score}
    record = loop.COUNT_GOLD.one(conn, mine)
    judge(session, project_id, policy, user_id, record.gold_answered, record.gold_correct)


def judge(
    session: Session,
    project_id: int,
    policy: QualityPolicy,
    user_id: int,
    answered: int,
    correct: float,
) -> None:
    """Block an annotator whose gold record `correct` of `answered` fails the qualification or
    the minimum accuracy (caller commits)."""
    reason = None
    qualifying = policy.qualification_count
    if qualifying and answered == qualifying and correct / answered < policy.qualification_pass:
        reason = f"failed the qualification ({correct / answered:.0%} on gold)"
    threshold = policy.gold_min_accuracy
    if reason is None and threshold > 0:
        mean, _, high = accuracy_interval(correct, answered)
        if high < threshold:
            reason = f"gold accuracy {mean:.0%} is below {threshold:.0%}"
    if reason is not None:
        block(session, session.get_one(ProjectAnnotator, (project_id, user_id)), reason)


def block(session: Session, record: ProjectAnnotator, reason: str) -> None:
    """Block an annotator from a project; their open tasks go back to the queue."""
    record.blocked = True
    record.blocked_reason = reason
    record.blocked_at = utcnow()
    open_tasks = session.scalars(
        select(Assignment.task_id).where(
            Assignment.project_id == record.project_id,
            Assignment.user_id == record.user_id,
            Assignment.status.in_(HOLDING),
        )
    ).all()
    if not open_tasks:
        return
    session.execute(
        update(Assignment)
        .where(
            Assignment.project_id == record.project_id,
            Assignment.user_id == record.user_id,
            Assignment.status.in_(HOLDING),
        )
        .values(status=AssignmentStatus.revoked, finished_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    session.execute(
        update(Task)
        .where(Task.id.in_(open_tasks))
        .values(active=Task.active - 1)
        .execution_options(synchronize_session=False)
    )


# Qualification covers at most this many training tasks; past it, later ones are plain gold.
MAX_QUALIFICATION = 100


def cover_training(session: Session, project_name: str) -> None:
    """Raise the project's qualification to cover every training task (gold tagged `training`,
    which the gold queue serves first), so each new annotator answers them before other work."""
    count = queries.count_tasks(
        session, queries.TaskFilter(project=project_name, tags=[TRAINING_TAG], is_gold=True)
    )
    policy = policy_of(catalog.get_project(session, project_name))
    if policy.qualification_count < count <= MAX_QUALIFICATION:
        catalog.set_policy(session, project_name, {"qualification_count": count})
