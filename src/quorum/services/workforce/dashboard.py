"""A project's dashboard in numbers: throughput, queue, confidence, agreement, confusion.

Every figure is one aggregate query (GROUP BY in the database), so the dashboard costs the same
few queries on a hundred tasks or a hundred thousand and never reads task params.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from quorum import tasktypes
from quorum.db.models import Annotation, Assignment, Project, Task, utcnow
from quorum.db.statuses import AssignmentStatus, ReviewStatus, TaskStatus
from quorum.services.consensus import gold_score
from quorum.services.projects.catalog import current_params, get_project
from quorum.services.workforce import annotators, dashboard_agreement

CONFIDENCE_BINS = 10
MAX_HOURS = 24 * 30
# Span and shape agreement per label is scored in Python on the latest completed tasks only.
LABEL_SAMPLE = 300


def _hour(session: Session, column):
    """The hour a timestamp falls in, as `YYYY-MM-DD HH` text, on either dialect (SQLite keeps
    timestamps as ISO text, whose first 13 characters are the hour: cheaper than strftime)."""
    if session.get_bind().dialect.name == "postgresql":
        return func.to_char(column, "YYYY-MM-DD HH24")
    return func.substr(column, 1, 13)


def _per_hour(session: Session, column, where: list, since: dt.datetime) -> dict[str, int]:
    hour = _hour(session, column)
    rows = session.execute(
        select(hour, func.count()).where(column >= since, *where).group_by(hour)
    ).all()
    return {h: n for h, n in rows}


def throughput(session: Session, project: Project, hours: int) -> list[dict]:
    """Answers and completed tasks in each of the last `hours` hours, oldest first."""
    now = utcnow().replace(minute=0, second=0, microsecond=0)
    since = now - dt.timedelta(hours=hours - 1)
    # Submitted assignments carry the project and the time of the answer (an index away),
    # unlike annotations, which would need a join to their tasks.
    answers = _per_hour(
        session,
        Assignment.finished_at,
        [Assignment.project_id == project.id, Assignment.status == AssignmentStatus.submitted],
        since,
    )
    completions = _per_hour(session, Task.completed_at, [Task.project_id == project.id], since)
    out = []
    for i in range(hours):
        hour = since + dt.timedelta(hours=i)
        key = hour.strftime("%Y-%m-%d %H")
        out.append(
            {
                "hour": hour.strftime("%Y-%m-%dT%H:00"),
                "answers": answers.get(key, 0),
                "completed": completions.get(key, 0),
            }
        )
    return out


def queue(session: Session, project: Project) -> dict[str, Any]:
    """Tasks by status (gold apart), tasks waiting for review, and the completed share."""
    rows = session.execute(
        select(Task.status, Task.is_gold, func.count())
        .where(Task.project_id == project.id)
        .group_by(Task.status, Task.is_gold)
    ).all()
    by_status: dict[str, int] = {}
    gold = 0
    for status, is_gold, n in rows:
        if is_gold:
            gold += n
        else:
            by_status[status] = by_status.get(status, 0) + n
    review = session.scalar(
        select(func.count()).where(
            Task.project_id == project.id,
            Task.status == TaskStatus.completed,
            Task.review_status == ReviewStatus.pending,
        )
    )
    total = sum(by_status.values())
    return {
        "by_status": by_status,
        "gold": gold,
        "waiting_review": review or 0,
        "total": total,
        "completion": round(by_status.get(TaskStatus.completed, 0) / total, 4) if total else None,
    }


def confidence_histogram(session: Session, project: Project) -> list[int]:
    """Completed tasks per tenth of confidence (0–0.1, …, 0.9–1.0)."""
    tenth = case(
        *[(Task.confidence < (i + 1) / CONFIDENCE_BINS, i) for i in range(CONFIDENCE_BINS - 1)],
        else_=CONFIDENCE_BINS - 1,
    )
    rows = session.execute(
        select(tenth, func.count())
        .where(
            Task.project_id == project.id,
            Task.status == TaskStatus.completed,
            Task.is_gold.is_(False),
            Task.confidence.is_not(None),
        )
        .group_by(tenth)
    ).all()
    counts = [0] * CONFIDENCE_BINS
    for i, n in rows:
        counts[int(i)] = n
    return counts


def confusion(session: Session, project: Project, labels: list[str]) -> dict[str, Any] | None:
    """Annotators' answers against the consensus of categorization tasks (rows: consensus,
    columns: answer)."""
    if project.task_type != "categorization" or not labels:
        return None
    answer = Annotation.response["category"].as_string()
    verdict = Task.response["category"].as_string()
    rows = session.execute(
        select(verdict, answer, func.count())
        .join(Task, Task.id == Annotation.task_id)
        .where(Task.project_id == project.id, Task.status == TaskStatus.completed)
        .group_by(verdict, answer)
    ).all()
    index = {label: i for i, label in enumerate(labels)}
    matrix = [[0] * len(labels) for _ in labels]
    for truth, given, n in rows:  # multi-label answers and ties fall outside the label set
        if truth in index and given in index:
            matrix[index[truth]][index[given]] += n
    return {"labels": labels, "matrix": matrix}


def _diagonal_share(confused: dict[str, Any]) -> dict[str, float | None]:
    """Per consensus label, the share of answers that gave that label."""
    return {
        label: round(row[i] / sum(row), 4) if sum(row) else None
        for i, (label, row) in enumerate(zip(confused["labels"], confused["matrix"], strict=True))
    }


def label_agreement(session: Session, project: Project) -> dict[str, float] | None:
    """For entity spans and image objects: each answer's agreement with the consensus counting
    only one label's items (the gold score: matched F1), averaged per label over the answers to
    the latest `LABEL_SAMPLE` completed tasks that mark that label on either side."""
    kind = tasktypes.get(project.task_type)
    if kind.aggregator not in (tasktypes.Aggregator.spans, tasktypes.Aggregator.geometry):
        return None
    latest = (
        select(Task.id, Task.response)
        .where(
            Task.project_id == project.id,
            Task.status == TaskStatus.completed,
            Task.is_gold.is_(False),
        )
        .order_by(Task.id.desc())
        .limit(LABEL_SAMPLE)
        .subquery()
    )
    rows = session.execute(
        select(latest.c.response, Annotation.response).join(
            Annotation, Annotation.task_id == latest.c.id
        )
    ).all()
    totals: dict[str, list[float]] = defaultdict(lambda: [0.0, 0])
    for verdict, answer in rows:
        marked = {a["label"] for a in verdict["annotations"] + answer["annotations"]}
        for label in marked:
            only = [
                {**r, "annotations": [a for a in r["annotations"] if a["label"] == label]}
                for r in (verdict, answer)
            ]
            totals[label][0] += gold_score(kind, *only)
            totals[label][1] += 1
    return {label: round(total / n, 4) for label, (total, n) in sorted(totals.items())}


def dashboard(session: Session, project_name: str, hours: int) -> dict[str, Any]:
    """Everything the manager's dashboard draws for one project."""
    project = get_project(session, project_name)
    params = current_params(session, project.id).params
    confused = confusion(session, project, [str(c) for c in params.get("categories", [])])
    tasks = queue(session, project)
    people = annotators.annotators(session, project_name)
    answers = sum(a["answers"] for a in people)
    return {
        "project": project.name,
        "type": project.task_type,
        "setup": dashboard_agreement.setup(
            session, project, tasks["total"] + tasks["gold"], answers
        ),
        "throughput": throughput(session, project, hours),
        "queue": tasks,
        "confidence": confidence_histogram(session, project),
        "confusion": confused,
        "agreement": dashboard_agreement.agreement(session, project, params),
        "label_agreement": _diagonal_share(confused)
        if confused
        else label_agreement(session, project),
        "annotators": people,
    }
