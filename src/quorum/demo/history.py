"""Two days of past work for the demo: a crowd of simulated annotators labels part of the
feedback-triage project, so the manager's dashboard has throughput, agreement and an annotator
table to show, and the reviewer finds low-confidence tasks waiting.

The simulated annotators answer from a keyword reading of each message, right with their own
accuracy and otherwise a random other category; their answers are then spread over the past
hours as if they had worked in shifts. Completed tasks they disagreed on are sent to review
(besides the project's own sampling, which is random) so the reviewer's queue has the cases
worth a second look.
"""

from __future__ import annotations

import datetime as dt
import random

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from quorum.db.models import Annotation, Assignment, Project, Task, utcnow
from quorum.db.statuses import ReviewStatus, TaskStatus
from quorum.services.accounts import users
from quorum.services.labeling import assignments
from quorum.services.projects import catalog

PROJECT = "Customer feedback triage"
HOURS = 40
CLAIMS_EACH = 14
# name, accuracy: a solid crowd, one careless annotator and one who clicks at random.
CROWD = (("crowd-ana", 0.95), ("crowd-ben", 0.9), ("crowd-chi", 0.85), ("crowd-dev", 0.6),
         ("crowd-eli", 0.2))  # fmt: skip
KEYWORDS = (
    ("Billing & refunds", ("charged", "refund", "invoice", "coupon", "card", "price")),
    ("Account & login", ("log in", "login", "password", "code", "account", "sign in")),
    ("Shipping & delivery", ("deliver", "parcel", "courier", "tracking", "arrived", "order")),
    ("Feature request", ("please add", "would love", "wish", "option to", "could you add")),
    ("Praise", ("best", "love", "great", "perfect", "excellent")),
)


def _reading(text: str) -> str:
    lower = text.lower()
    return next((label for label, words in KEYWORDS if any(w in lower for w in words)),
                "Product defect")  # fmt: skip


def seed_history(session: Session) -> None:
    """Let the crowd answer part of the triage project and date their answers in the past."""
    project = session.scalar(select(Project).where(Project.name == PROJECT))
    if project is None:
        return
    categories = catalog.current_params(session, project.id).params["categories"]
    rng = random.Random(6)
    for name, accuracy in CROWD:
        users.create_user(session, name, "annotator")
        catalog.add_member(session, PROJECT, name, "annotator")
        who = users.authenticate_key(session, users.create_api_key(session, name))
        for _ in range(CLAIMS_EACH):
            claimed = assignments.claim_next(session, who, PROJECT)
            if claimed is None:
                break
            truth = _reading(str(claimed["params"].get("attachment", "")))
            wrong = [c for c in categories if c != truth]
            label = truth if rng.random() < accuracy else rng.choice(wrong)
            seconds = round(rng.uniform(4, 30), 1)
            assignments.submit(session, who, claimed["assignment_id"], {"category": label}, seconds)
    _spread(session, project.id, rng)
    _review_disagreements(session, project.id)


def _spread(session: Session, project_id: int, rng: random.Random) -> None:
    """Date the answers over the past HOURS (busier in working hours) and completions after
    their last answer."""
    ids = session.execute(
        select(Annotation.id, Annotation.assignment_id)
        .join(Task, Task.id == Annotation.task_id)
        .where(Task.project_id == project_id)
        .order_by(Annotation.id)
    ).all()
    start = utcnow() - dt.timedelta(hours=HOURS)
    moments = sorted(rng.betavariate(2, 1.5) * (HOURS - 1) for _ in ids)
    for (annotation_id, assignment_id), hours in zip(ids, moments, strict=True):
        at = start + dt.timedelta(hours=hours)
        session.execute(
            update(Annotation).where(Annotation.id == annotation_id).values(created_at=at)
        )
        session.execute(
            update(Assignment).where(Assignment.id == assignment_id).values(finished_at=at)
        )
    last = (
        select(func.max(Annotation.created_at))
        .where(Annotation.task_id == Task.id)
        .scalar_subquery()
    )
    session.execute(
        update(Task)
        .where(Task.project_id == project_id, Task.completed_at.is_not(None))
        .values(completed_at=last)
    )
    session.commit()


def _review_disagreements(session: Session, project_id: int) -> None:
    disagreed = (
        select(Annotation.task_id)
        .join(Task, Task.id == Annotation.task_id)
        .where(
            Task.project_id == project_id,
            Task.status == TaskStatus.completed,
            Task.is_gold.is_(False),
        )
        .group_by(Annotation.task_id)
        .having(func.count(func.distinct(Annotation.response["category"].as_string())) > 1)
    )
    session.execute(
        update(Task).where(Task.id.in_(disagreed)).values(review_status=ReviewStatus.pending)
    )
    session.commit()
