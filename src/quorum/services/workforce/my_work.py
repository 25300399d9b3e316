"""What an annotator sees of their own work: their projects with what is left, their statistics.

Nothing here tells which tasks are gold: the count of work left counts the gold still to come
with the rest (so that claiming a gold task lowers it by one, as a regular task does), and gold
accuracy is shown only as a band rounded outward to tenths once enough gold answers back it,
never with its count of gold answers, from a copy of the record refreshed every
`gold.SHOWN_EVERY` answers (no single answer is seen to move it).
"""

from __future__ import annotations

import math
from typing import Any

from sqlalchemy import and_, exists, func, select, text
from sqlalchemy.orm import Session

from quorum.db.models import (
    GOLD_PREDICATE,
    QUEUE_PREDICATE,
    Annotation,
    Assignment,
    Project,
    ProjectAnnotator,
    ProjectMember,
    Task,
    utcnow,
)
from quorum.services.accounts import permissions
from quorum.services.accounts.users import Principal
from quorum.services.labeling import gold
from quorum.services.projects.policy import policy_from
from quorum.services.workforce.annotators import earnings

MIN_GOLD_FOR_BAND = 5


def my_projects(session: Session, principal: Principal) -> list[dict]:
    """The projects the caller annotates or reviews, with the tasks still open to them."""
    rows = session.execute(
        select(
            Project.id, Project.name, Project.task_type, Project.policy, ProjectMember.role,
            ProjectAnnotator.answered, ProjectAnnotator.gold_served, ProjectAnnotator.blocked,
        )
        .join(ProjectMember, ProjectMember.project_id == Project.id)
        .outerjoin(ProjectAnnotator, and_(ProjectAnnotator.project_id == Project.id,
                                          ProjectAnnotator.user_id == principal.user_id))
        .where(ProjectMember.user_id == principal.user_id,
               ProjectMember.role.in_(permissions.WORKING_ROLES), Project.archived.is_(False))
        .order_by(Project.name)
    ).all()  # fmt: skip
    seen = exists().where(Assignment.task_id == Task.id, Assignment.user_id == principal.user_id)
    ids = [r.id for r in rows]

    def count(*where: Any) -> dict[int, int]:
        query = select(Task.project_id, func.count()).where(Task.project_id.in_(ids), ~seen, *where)
        return dict(session.execute(query.group_by(Task.project_id)).all())

    regular = count(text(QUEUE_PREDICATE), Task.answered + Task.active < Task.needed)
    gold_left = count(text(GOLD_PREDICATE))
    return [
        {
            "name": r.name,
            "type": r.task_type,
            "role": r.role,
            "open_tasks": _open_tasks(r, regular.get(r.id, 0), gold_left.get(r.id, 0)),
            "answered": r.answered or 0,
            "blocked": bool(r.blocked),
        }
        for r in rows
    ]


def _open_tasks(row: Any, regular: int, gold_left: int) -> int:
    """Tasks still to come for this annotator: regular ones, plus the gold that will be mixed in
    with them (none once the regular ones run out: gold alone is never served)."""
    if row.blocked or not regular:
        return 0
    policy = policy_from(row.policy)
    serves_gold = policy.gold_rate > 0 or (row.gold_served or 0) < policy.qualification_count
    return regular + (gold_left if serves_gold else 0)


def _accuracy_band(record: ProjectAnnotator) -> dict | None:
    """The band of the gold record as shown (refreshed every `gold.SHOWN_EVERY` answers)."""
    if record.shown_gold_answered < MIN_GOLD_FOR_BAND:
        return None
    _, low, high = gold.accuracy_interval(record.shown_gold_correct, record.shown_gold_answered)
    return {"low": math.floor(low * 10) / 10, "high": math.ceil(high * 10) / 10}


def my_stats(session: Session, principal: Principal) -> dict:
    """The caller's answers, time, gold accuracy band and earnings, per project and in total."""
    rows = session.execute(
        select(ProjectAnnotator, Project.name, Project.policy)
        .join(Project, Project.id == ProjectAnnotator.project_id)
        .where(ProjectAnnotator.user_id == principal.user_id)
        .order_by(Project.name)
    ).all()
    day_start = utcnow().replace(hour=0, minute=0, second=0, microsecond=0)
    today = session.scalar(
        select(func.count())
        .select_from(Annotation)
        .where(Annotation.user_id == principal.user_id, Annotation.created_at >= day_start)
    )
    projects = [
        {
            "project": name,
            "answers": record.answered,
            "skipped": record.skipped,
            "time_spent_s": round(record.time_spent_s, 1),
            "seconds_per_answer": round(record.time_spent_s / record.answered, 1)
            if record.answered
            else None,
            "gold_accuracy_band": _accuracy_band(record),
            "earnings": earnings(record, policy_from(policy)),
            "blocked": record.blocked,
        }
        for record, name, policy in rows
    ]
    return {
        "answers": sum(p["answers"] for p in projects),
        "answers_today": today or 0,
        "time_spent_s": round(sum(p["time_spent_s"] for p in projects), 1),
        "earnings": round(sum(p["earnings"] for p in projects), 2),
        "projects": projects,
    }
