"""The periodic model re-fit: skills from Dawid–Skene, spammers flagged and blocked, the chain."""

from __future__ import annotations

import random

from sqlalchemy import select
from tests import factories as make

from quorum.config import Settings
from quorum.db.models import Job, ProjectAnnotator, User
from quorum.jobs import Worker
from quorum.services import refit_queue
from quorum.services.labeling import assignments
from quorum.services.ops import background
from quorum.services.projects import catalog
from quorum.services.workforce import annotators, skills

TASKS = 40
CATS = {"categories": ["cat", "dog"]}


def _crowd(s):
    """Five annotators: three always right, one right 70 % of the time, one always says cat."""
    truth = {}
    people = make.people(s, *(f"a{i}" for i in range(5)), projects=["p"])
    ids = make.tasks(s, n=TASKS)
    for i, task_id in enumerate(ids):
        truth[task_id] = "cat" if i % 2 else "dog"
    rng = random.Random(7)

    def answer(name, task_id):
        if name == "a4":
            return "cat"
        if name == "a3" and rng.random() > 0.7:
            return "dog" if truth[task_id] == "cat" else "cat"
        return truth[task_id]

    busy = True
    while busy:
        busy = False
        for name, who in people.items():
            claimed = assignments.claim_next(s, who.principal, "p")
            if claimed is None:
                continue
            busy = True
            label = answer(name, claimed["task_id"])
            assignments.submit(s, who.principal, claimed["assignment_id"], {"category": label})
    return people


def test_refit_sets_skills_and_blocks_spammers(db):
    with db.session(write=True) as s:
        make.project(
            s,
            params=CATS,
            policy={"min_overlap": 3, "max_overlap": 3, "auto_block_spammers": True},
        )
        _crowd(s)
        project_id = s.scalar(select(catalog.Project.id))
        used = skills.refit(s, project_id)
        s.commit()
        assert used == 3 * TASKS
        records = {
            name: record
            for record, name in s.execute(
                select(ProjectAnnotator, User.name).join(User, User.id == ProjectAnnotator.user_id)
            )
        }
        assert all(records[n].skill > 0.9 for n in ("a0", "a1", "a2"))
        assert records["a4"].spammer_score < skills.SPAMMER_BELOW
        assert records["a4"].blocked and "spammer" in records["a4"].blocked_reason
        assert all(records[n].spammer_score > 0.5 for n in ("a0", "a1", "a2"))
        table = {row["annotator"]: row for row in annotators.annotators(s, "p")}
        assert table["a4"]["spammer"] and not table["a0"]["spammer"]
        assert skills.refit(s, project_id, known_answers=used) == used  # nothing new: no-op


def test_refit_jobs_form_a_chain_run_by_the_worker(db):
    with db.session(write=True) as s:
        make.project(s, params=CATS)
        assert s.scalar(select(Job.kind).where(Job.status == "queued")) == refit_queue.REFIT
    settings = Settings(refit_interval_s=3600)
    worker = Worker(db, background.handlers(settings))
    assert worker.run_once()
    with db.session() as s:
        jobs = s.execute(select(Job.status, Job.payload).order_by(Job.id)).all()
    assert [j.status for j in jobs] == ["succeeded", "queued"]
    assert jobs[1].payload["answers"] == 0
    assert not worker.run_once()  # the next one is an hour away


def test_a_project_keeps_one_refit_chain_however_often_it_is_scheduled(db):
    with db.session(write=True) as s:
        make.project(s, params=CATS)
        project_id = s.scalar(select(Job.payload)).get("project_id")
        refit_queue.schedule(s, project_id, delay_s=60)
        s.commit()
    skills.ensure_scheduled(db)
    with db.session() as s:
        queued = s.scalars(
            select(Job.id).where(Job.kind == refit_queue.REFIT, Job.status == "queued")
        )
        assert len(queued.all()) == 1
