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
from quorum.db.models import (
    HOLDING,
    Assignment,
    GoldAnswer,
    Project,
    ProjectAnnotator,
    Task,
    utcnow,
)
from quorum.services.consensus import gold_score
from quorum.services.policy import effective

_UNIT = float(1 << 64)


def serve_gold_next(
    served: int, gold_served: int, policy: dict[str, Any], secret: str, user_id: int
) -> bool:
    """Whether an annotator who was served `served` tasks, `gold_served` of them gold, gets gold
    next: qualification gold first, then a coin weighted by `gold_rate` for claim `served`."""
    policy = effective(policy)
    if gold_served < policy["qualification_count"]:
        return True
    rate = policy["gold_rate"]
    if rate <= 0:
        return False
    digest = hashlib.blake2b(
        f"gold:{user_id}:{served}".encode(), key=secret.encode()[:64], digest_size=8
    ).digest()
    return int.from_bytes(digest, "big") / _UNIT < rate


def accuracy_interval(correct: float, total: float) -> tuple[float, float, float]:
    """Posterior mean and 95% credible interval of an accuracy, uniform Beta(1, 1) prior."""
    import numpy as np  # loaded on the first gold answer, not at server start

    from quorum.quality import beta_skill

    skill = beta_skill(np.array([correct]), np.array([total]))
    return float(skill.mean[0]), float(skill.low[0]), float(skill.high[0])


def score_answer(
    session: Session,
    project: Project,
    record: ProjectAnnotator,
    task_id: str,
    response: dict[str, Any],
) -> None:
    """Score an answer to a gold task and apply qualification and blocking (caller commits)."""
    expected = session.scalar(
        select(GoldAnswer.expected_response).where(GoldAnswer.task_id == task_id)
    )
    record.gold_answered += 1
    record.gold_correct += gold_score(tasktypes.get(project.task_type), expected, response)
    policy = effective(project.policy)
    qualifying = policy["qualification_count"]
    if qualifying and record.gold_answered == qualifying:
        accuracy = record.gold_correct / record.gold_answered
        if accuracy < policy["qualification_pass"]:
            block(session, record, f"failed the qualification ({accuracy:.0%} on gold)")
            return
    threshold = policy["gold_min_accuracy"]
    if threshold > 0:
        mean, _, high = accuracy_interval(record.gold_correct, record.gold_answered)
        if high < threshold:
            block(session, record, f"gold accuracy {mean:.0%} is below {threshold:.0%}")


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
        .values(status="revoked", finished_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    session.execute(
        update(Task)
        .where(Task.id.in_(open_tasks))
        .values(active=Task.active - 1)
        .execution_options(synchronize_session=False)
    )
