"""The durable job queue and worker loop, on both databases: outbox semantics, claims, leases,
retries, final failure, progress, concurrent workers and restarts."""

from __future__ import annotations

import datetime as dt
import threading
import time

import pytest
from tests import factories as make

from quorum import jobs
from quorum.db.engine import Database
from quorum.db.models import Job, utcnow


def _job(db: Database, job_id: int) -> Job:
    with db.session() as s:
        return s.get(Job, job_id)


def _claim(db: Database, worker: str = "w", kinds=("k",), lease: float = 60, now=None):
    with db.begin() as s:
        return jobs.claim(s, worker, kinds, lease_seconds=lease, now=now)


def test_enqueue_is_part_of_the_callers_transaction(db):
    with db.session(write=True) as s:
        jobs.enqueue(s, "k", {"n": 1})
        s.rollback()
    job_id = make.job(db, payload={"n": 2})
    with db.session() as s:
        assert s.query(Job).count() == 1
    job = _job(db, job_id)
    assert (job.status, job.attempts, job.payload) == ("queued", 0, {"n": 2})


def test_claim_takes_due_jobs_of_its_kinds_oldest_first(db):
    first = make.job(db)
    make.job(db, kind="other")
    later = make.job(db, run_at=utcnow() + dt.timedelta(hours=1))
    second = make.job(db)
    for expected in (first, second):
        claimed = _claim(db)
        assert claimed.id == expected
        with db.begin() as s:
            jobs.complete(s, claimed)
    assert _claim(db) is None  # `later` is not due, `other` is not this worker's kind
    with db.session() as s:
        assert not jobs.has_due(s, ["k"])
        assert jobs.has_due(s, ["other"])
    claimed = _claim(db, now=utcnow() + dt.timedelta(hours=2))
    assert (claimed.id, claimed.attempts) == (later, 1)
    job = _job(db, later)
    assert (job.status, job.locked_by) == ("running", "w")


def test_an_expired_lease_lets_another_worker_take_the_job(db):
    job_id = make.job(db)
    first = _claim(db, "w1", lease=60)
    assert _claim(db, "w2") is None
    second = _claim(db, "w2", now=utcnow() + dt.timedelta(seconds=61))
    assert (second.id, second.attempts) == (job_id, 2)
    with pytest.raises(jobs.LeaseLost), db.begin() as s:
        jobs.complete(s, first)  # the first worker woke up too late
    with db.begin() as s:
        jobs.complete(s, second)
    job = _job(db, job_id)
    assert (job.status, job.progress, job.locked_by) == ("succeeded", 1.0, None)
    assert job.finished_at is not None


def test_retry_at_a_given_time_then_final_failure(db):
    job_id = make.job(db)
    claimed = _claim(db)
    retry_at = utcnow() + dt.timedelta(seconds=30)
    with db.begin() as s:
        jobs.fail(s, claimed, "receiver down", retry_at=retry_at)
    job = _job(db, job_id)
    assert (job.status, job.last_error, job.run_at) == ("queued", "receiver down", retry_at)
    assert _claim(db) is None
    again = _claim(db, now=retry_at + dt.timedelta(seconds=1))
    assert again.attempts == 2
    with db.begin() as s:
        jobs.fail(s, again, "still down")
    job = _job(db, job_id)
    assert (job.status, job.last_error) == ("failed", "still down")
    assert job.finished_at is not None
    assert _claim(db, now=utcnow() + dt.timedelta(days=30)) is None


def test_progress_is_stored_and_renews_the_lease(db):
    job_id = make.job(db)
    claimed = _claim(db, lease=60)
    with db.begin() as s:
        jobs.report_progress(s, claimed, 0.5, "half way", lease_seconds=600)
    job = _job(db, job_id)
    assert (job.progress, job.progress_message) == (0.5, "half way")
    assert _claim(db, now=utcnow() + dt.timedelta(seconds=120)) is None
    with pytest.raises(ValueError, match="between 0 and 1"), db.begin() as s:
        jobs.report_progress(s, claimed, 1.5, lease_seconds=60)


def test_worker_runs_handlers_and_records_each_outcome(db):
    seen = []
    retry_at = utcnow() + dt.timedelta(hours=1)

    def ok(ctx):
        ctx.progress(0.5, "working")
        seen.append((ctx.job.payload, _job(db, ctx.job.id).progress_message))

    def retry(ctx):
        raise jobs.RetryAt("try later", retry_at)

    def refuse(ctx):
        raise jobs.JobFailed("bad input")

    def crash(ctx):
        raise RuntimeError("bug")

    handlers = {"ok": ok, "retry": retry, "refuse": refuse, "crash": crash}
    ids = {kind: make.job(db, kind, {"kind": kind}) for kind in handlers}
    ignored = make.job(db, "unknown")
    jobs.Worker(db, handlers, poll_interval=0.01).run(until_idle=True)
    assert seen == [({"kind": "ok"}, "working")]
    outcome = {kind: _job(db, i) for kind, i in ids.items()}
    assert outcome["ok"].status == "succeeded"
    assert (outcome["retry"].status, outcome["retry"].run_at) == ("queued", retry_at)
    assert (outcome["refuse"].status, outcome["refuse"].last_error) == ("failed", "bad input")
    assert (outcome["crash"].status, outcome["crash"].last_error) == ("failed", "RuntimeError: bug")
    assert _job(db, ignored).status == "queued"  # no handler here: left for a worker that has one


def test_concurrent_workers_never_run_a_job_twice(db_url):
    setup = Database(db_url, pool_size=2)
    ids = set()
    with setup.session(write=True) as s:
        for n in range(150):
            ids.add(jobs.enqueue(s, "k", {"n": n}))
        s.commit()
    setup.dispose()
    ran: list[int] = []
    lock = threading.Lock()

    def handler(ctx):
        with lock:
            ran.append(ctx.job.id)
        time.sleep(0.001)

    databases = [Database(db_url, pool_size=2) for _ in range(6)]
    workers = [jobs.Worker(d, {"k": handler}, poll_interval=0.01) for d in databases]
    for w in workers:
        w.start(until_idle=True)
    deadline = time.monotonic() + 120
    while any(w.running for w in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    try:
        assert sorted(ran) == sorted(ids)
        with databases[0].session() as s:
            rows = s.query(Job.status, Job.attempts).all()
        assert set(rows) == {("succeeded", 1)}
    finally:
        for d in databases:
            d.dispose()


def test_jobs_survive_a_restart_and_a_crashed_worker(db_url):
    before = Database(db_url, pool_size=1)
    waiting = make.job(before, payload={"n": 1})
    abandoned = make.job(before, payload={"n": 2})
    assert _claim(before, "crashed", lease=0.2).id == waiting
    before.dispose()  # the process is gone; its claim stays behind with a short lease

    time.sleep(0.3)
    after = Database(db_url, pool_size=1)
    done = []
    jobs.Worker(after, {"k": lambda ctx: done.append(ctx.job.payload["n"])}).run(until_idle=True)
    assert sorted(done) == [1, 2]
    assert _job(after, waiting).attempts == 2 and _job(after, abandoned).attempts == 1
    after.dispose()


def test_stop_ends_an_idle_worker_promptly(db):
    worker = jobs.Worker(db, {"k": lambda ctx: None}, poll_interval=30)
    worker.start()
    time.sleep(0.1)
    started = time.monotonic()
    worker.stop()
    assert not worker.running and time.monotonic() - started < 2
