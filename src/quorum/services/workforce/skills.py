"""The periodic re-fit of a project's truth-inference model, run by the background worker.

Every project has one chain of `quality.refit` jobs: each run fits Dawid–Skene on all the
project's categorical answers (gold tasks clamped to their expected answer), stores each
annotator's modelled accuracy (`skill`, which routing then uses to weigh their answers) and
spammer score, blocks spammers when the project asks for it, re-decides open tasks with the new
skills, and queues the next run `interval` seconds later. A run with no new answers since the
last one only re-queues itself.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import Row, func, select
from sqlalchemy.orm import Session

from quorum import jobs, tasktypes
from quorum.db.engine import Database
from quorum.db.models import Annotation, GoldAnswer, Job, Project, ProjectAnnotator, Task, User
from quorum.db.statuses import TaskStatus
from quorum.services.consensus import DEFAULT_ACCURACY
from quorum.services.projects.policy import policy_of
from quorum.services.refit_queue import REFIT, schedule

MODEL = "ds"
# An annotator whose spammer score (0 = answers carry no information, 1 = perfect) stays below
# this after enough answers is flagged, and blocked where the project asks for it.
SPAMMER_BELOW = 0.1
SPAMMER_MIN_ANSWERS = 20
PRIOR_ANSWERS = 10.0


def _shrunk(fitted: float, n_answers: int) -> float:
    """A fitted accuracy pulled toward the default by `PRIOR_ANSWERS` pseudo-answers: on a
    handful of answers the model's estimate swings to 0 or 1 and would outvote everyone."""
    return (fitted * n_answers + DEFAULT_ACCURACY * PRIOR_ANSWERS) / (n_answers + PRIOR_ANSWERS)


def is_spammer(record: ProjectAnnotator) -> bool:
    """Whether the last fit flagged this annotator as a spammer (reported to managers)."""
    return (
        record.spammer_score is not None
        and record.spammer_score < SPAMMER_BELOW
        and record.answered >= SPAMMER_MIN_ANSWERS
    )


def ensure_scheduled(db: Database) -> None:
    """Give every project without a pending refit one (projects made before this release)."""
    with db.begin() as session:
        pending = {
            payload.get("project_id")
            for payload in session.scalars(
                select(Job.payload).where(Job.kind == REFIT, Job.status.in_(("queued", "running")))
            )
        }
        for project_id in session.scalars(select(Project.id)):
            if project_id not in pending:
                schedule(session, project_id)


def _categorical_answers(
    session: Session, project: Project
) -> tuple[Sequence[Row[str, str, Any]], Sequence[Row[str, Any]]]:
    rows = session.execute(
        select(Annotation.task_id, User.name, Annotation.response)
        .join(Task, Task.id == Annotation.task_id)
        .join(User, User.id == Annotation.user_id)
        .where(Task.project_id == project.id)
    ).all()
    gold_rows = session.execute(
        select(GoldAnswer.task_id, GoldAnswer.expected_response)
        .join(Task, Task.id == GoldAnswer.task_id)
        .where(Task.project_id == project.id)
    ).all()
    return rows, gold_rows


def refit(session: Session, project_id: int, *, known_answers: int = -1) -> int:
    """Fit the model, update skills, spammers and open tasks (caller commits); returns the
    number of answers, and does nothing when it equals `known_answers` (nothing new)."""
    project = session.get(Project, project_id)
    if project is None:
        return 0
    policy = policy_of(project)
    answered = (
        session.scalar(
            select(func.count())
            .select_from(Annotation)
            .join(Task, Task.id == Annotation.task_id)
            .where(Task.project_id == project_id)
        )
        or 0
    )
    if answered == known_answers:
        return answered
    task_type = tasktypes.get(project.task_type)
    params = session.execute(
        select(Task.params).where(Task.project_id == project_id).limit(1)
    ).scalar()
    if (
        task_type.aggregator is not tasktypes.Aggregator.categorical
        or not answered
        or (params or {}).get("allow_multiple")
    ):
        return answered
    # Imported here: the quality engine loads NumPy, which the server does not load at start.
    from quorum.quality import aggregate, encode_records, spammer_score
    from quorum.services.callbacks import outbox
    from quorum.services.labeling import gold, overlap

    rows, gold_rows = _categorical_answers(session, project)
    encoded = encode_records(
        [r.task_id for r in rows],
        [r.name for r in rows],
        [r.response["category"] for r in rows],
        [g.task_id for g in gold_rows],
        [g.expected_response["category"] for g in gold_rows],
    )
    result = aggregate(encoded.answers, MODEL, encoded.gold)
    # With one class answered so far there is no confusion to tell spammers by (Dawid-Skene
    # always fits confusion matrices; other models may not).
    confusion = result.confusion
    spam = spammer_score(confusion) if confusion is not None and len(encoded.classes) > 1 else None
    answers = Counter(r.name for r in rows)
    user_ids = dict(
        session.execute(select(User.name, User.id).where(User.name.in_(encoded.workers))).all()
    )
    for index, name in enumerate(encoded.workers):
        record = session.get(ProjectAnnotator, (project_id, user_ids[name]))
        if record is None:
            continue
        record.skill = round(_shrunk(float(result.worker_accuracy[index]), answers[name]), 6)
        record.spammer_score = None if spam is None else round(float(spam[index]), 6)
        if policy.auto_block_spammers and not record.blocked and is_spammer(record):
            gold.block(session, record, f"spammer score {record.spammer_score:.2f}")
    session.flush()
    for task in session.scalars(
        select(Task).where(
            Task.project_id == project_id,
            Task.status == TaskStatus.pending,
            ~Task.is_gold,
            Task.answered >= policy.min_overlap,
        )
    ).all():
        state = overlap.TaskState(
            task.id, task.params, task.answered, task.active, task.needed, task.batch_id,
            outbox.task_callback_url(session, task.id),
        )  # fmt: skip
        overlap.after_answer(session, project_id, project.task_type, policy, state)
    return answered


def handler(interval_s: float) -> Callable[[jobs.JobContext], None]:
    """The worker's handler for `quality.refit` jobs."""

    def run(ctx: jobs.JobContext) -> None:
        project_id = ctx.job.payload["project_id"]
        with ctx.db.begin() as session:
            if session.get(Project, project_id) is None:
                return  # the project is gone: the chain ends
            known = ctx.job.payload.get("answers", -1)
            used = refit(session, project_id, known_answers=known)
            schedule(session, project_id, delay_s=interval_s, answers=used)

    return run
