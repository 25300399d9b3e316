"""The people side of a project: annotator statistics, pay records, blocking by a manager."""

from __future__ import annotations

import csv
import io

from sqlalchemy import select
from sqlalchemy.orm import Session

from quorum.db.models import ProjectAnnotator, User
from quorum.services.accounts.users import get_user
from quorum.services.errors import NotFound
from quorum.services.labeling import gold
from quorum.services.projects.catalog import get_project
from quorum.services.projects.policy import QualityPolicy, policy_of
from quorum.services.workforce import skills

PAY_COLUMNS = ("annotator", "answers", "skipped", "time_spent_s", "earnings")


def earnings(record: ProjectAnnotator, policy: QualityPolicy) -> float:
    """What the project owes the annotator: per answer plus per hour spent."""
    per_task = policy.pay_per_task * record.answered
    per_hour = policy.pay_per_hour * record.time_spent_s / 3600.0
    return round(per_task + per_hour, 2)


def annotators(session: Session, project_name: str) -> list[dict]:
    """Every annotator who worked on the project, with gold accuracy and its interval."""
    project = get_project(session, project_name)
    policy = policy_of(project)
    rows = session.execute(
        select(ProjectAnnotator, User.name)
        .join(User, User.id == ProjectAnnotator.user_id)
        .where(ProjectAnnotator.project_id == project.id)
        .order_by(User.name)
    ).all()
    out = []
    for record, name in rows:
        accuracy = None
        if record.gold_answered:
            mean, low, high = gold.accuracy_interval(record.gold_correct, record.gold_answered)
            accuracy = {
                "mean": round(mean, 4),
                "low": round(low, 4),
                "high": round(high, 4),
                "answers": record.gold_answered,
            }
        out.append(
            {
                "annotator": name,
                "answers": record.answered,
                "skipped": record.skipped,
                "served": record.served,
                "time_spent_s": round(record.time_spent_s, 3),
                "seconds_per_answer": round(record.time_spent_s / record.answered, 3)
                if record.answered
                else None,
                "gold_accuracy": accuracy,
                "skill": record.skill,
                "spammer_score": record.spammer_score,
                "spammer": skills.is_spammer(record),
                "blocked": record.blocked,
                "blocked_reason": record.blocked_reason,
                "earnings": earnings(record, policy),
            }
        )
    return out


def pay_csv(session: Session, project_name: str) -> str:
    """Pay records of the project as CSV: one row per annotator."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(PAY_COLUMNS)
    for row in annotators(session, project_name):
        writer.writerow([row[c] for c in PAY_COLUMNS])
    return buffer.getvalue()


def set_blocked(session: Session, project_name: str, user_name: str, blocked: bool) -> dict:
    """A manager blocks (their open tasks go back to the queue) or unblocks an annotator."""
    project = get_project(session, project_name)
    user = get_user(session, user_name)
    record = session.get(ProjectAnnotator, (project.id, user.id))
    if record is None:
        raise NotFound(f"{user_name!r} has not worked on project {project_name!r}")
    if blocked and not record.blocked:
        gold.block(session, record, "blocked by a manager")
    elif not blocked:
        record.blocked, record.blocked_reason, record.blocked_at = False, None, None
    session.commit()
    return {"annotator": user_name, "blocked": record.blocked}
