"""Job retention and the operator's view of jobs, on both databases: the purge deletes only old
finished jobs, in batches; its chain stays single; listing, retrying, the API and the CLI."""

from __future__ import annotations

import datetime as dt
import threading

from sqlalchemy import func, select
from tests import factories as make
from typer.testing import CliRunner

from quorum import jobs
from quorum.config import Settings, get_settings
from quorum.db.engine import Database
from quorum.db.models import Job, utcnow
from quorum.services.files.storage import storage_for
from quorum.services.ops import background, job_admin, retention

OLD = dt.timedelta(days=30)


def _queued_purges(db: Database) -> list[Job]:
    with db.session() as s:
        return s.scalars(
            select(Job).where(Job.kind == retention.PURGE, Job.status == "queued")
        ).all()


def test_purge_deletes_only_old_finished_jobs_in_batches(db):
    long_ago = utcnow() - OLD
    old = [make.job(db, status="succeeded", finished_at=long_ago) for _ in range(7)]
    old += [make.job(db, status="failed", finished_at=long_ago, last_error="x") for _ in range(2)]
    kept = [
        make.job(db, status="succeeded", finished_at=utcnow() - dt.timedelta(days=1)),
        make.job(db, status="failed", finished_at=utcnow()),
        make.job(db, created_at=long_ago, run_at=long_ago),  # queued for a long time
        make.job(db, status="running", created_at=long_ago, run_at=long_ago),
    ]
    totals: list[int] = []
    deleted = retention.purge(db, dt.timedelta(days=14), batch_size=4, on_batch=totals.append)
    assert (deleted, totals) == (len(old), [4, 8, 9])
    with db.session() as s:
        assert sorted(s.scalars(select(Job.id))) == kept
    assert retention.purge(db, dt.timedelta(days=14)) == 0


def test_the_purge_job_runs_hourly_in_a_single_chain(db, tmp_path):
    stale = make.job(db, status="succeeded", finished_at=utcnow() - OLD)
    background.make_worker(db, Settings())
    background.make_worker(db, Settings())  # a second worker (or process) starting
    [first] = _queued_purges(db)
    worker = jobs.Worker(db, background.handlers(Settings(job_retention_days=14)))
    assert worker.run_once()
    with db.session() as s:
        assert s.get(Job, stale) is None
        ran = s.get(Job, first.id)
        assert (ran.status, ran.progress_message) == ("succeeded", "1 finished jobs deleted")
    [nxt] = _queued_purges(db)
    assert nxt.run_at - utcnow() > dt.timedelta(minutes=59)
    # A run taken over after its lease ran out runs twice: still one queued successor.
    context = jobs.JobContext(_claim_purge(db, nxt), db, 60)
    retention.handler(14, storage_for(Settings(data_dir=tmp_path)))(context)
    [successor] = _queued_purges(db)
    retention.handler(14, storage_for(Settings(data_dir=tmp_path)))(context)
    assert retention.schedule(db) is None
    assert [j.id for j in _queued_purges(db)] == [successor.id]


def _claim_purge(db: Database, job: Job) -> jobs.Claim:
    with db.begin() as s:
        return jobs.claim(
            s, "w", [retention.PURGE], lease_seconds=60, now=job.run_at + dt.timedelta(seconds=1)
        )


def test_workers_starting_at_once_leave_one_queued_purge(db_url):
    databases = [Database(db_url, pool_size=1) for _ in range(6)]
    barrier = threading.Barrier(len(databases))
    made: list[int | None] = []

    def start(database: Database) -> None:
        barrier.wait()
        made.append(retention.schedule(database))

    threads = [threading.Thread(target=start, args=(d,)) for d in databases]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    try:
        assert len(made) == 6 and sum(m is not None for m in made) == 1
        assert len(_queued_purges(databases[0])) == 1
    finally:
        for d in databases:
            d.dispose()


def test_retrying_a_failed_chain_job_never_doubles_the_chain(db):
    failed = make.job(db, retention.PURGE, status="failed", finished_at=utcnow(), unique_key="k")
    make.job(db, retention.PURGE, unique_key="k")
    with db.session(write=True) as s:
        view = job_admin.retry_job(s, failed)
    assert view["status"] == "queued"
    with db.session() as s:
        assert s.get(Job, failed).unique_key is None


def test_list_filters_and_pages_without_payload_secrets(client, accounts, db):
    admin = accounts["admin"].headers
    callback = make.job(
        db,
        "callback.task",
        {"task_id": "t" * 24, "event": "completed", "url": "https://example.com/hook"},
        status="failed",
        finished_at=utcnow(),
        last_error="https://example.com/hook answered HTTP 500; gave up after 30 attempts",
    )
    mine = [make.job(db, "test.a", {"secret": "s"}, status="succeeded") for _ in range(5)]
    make.job(db, "test.b", status="failed", finished_at=utcnow())

    failed = client.get("/api/jobs?status=failed&kind=callback.task", headers=admin).json()
    [view] = failed["docs"]
    assert view["id"] == callback and view["kind"] == "callback.task"
    assert (view["task_id"], view["url"], view["event"]) == (
        "t" * 24,
        "https://example.com/hook",
        "completed",
    )
    assert view["last_error"].endswith("gave up after 30 attempts")
    assert {"attempts", "run_at", "created_at", "finished_at"} <= set(view)
    assert "payload" not in view and "callback_key" not in view

    seen, cursor = [], None
    while True:
        params = {"kind": "test.a", "limit": 2, **({"cursor": cursor} if cursor else {})}
        page = client.get("/api/jobs", params=params, headers=admin).json()
        seen += [d["id"] for d in page["docs"]]
        assert all("secret" not in d for d in page["docs"])
        cursor = page["next_cursor"]
        assert page["has_more"] == (cursor is not None)
        if cursor is None:
            break
    assert seen == sorted(mine, reverse=True)
    statuses = {d["status"] for d in client.get("/api/jobs", headers=admin).json()["docs"]}
    assert {"failed", "succeeded"} <= statuses

    bad = client.get("/api/jobs?status=dead", headers=admin)
    assert bad.status_code == 400 and "queued, running, succeeded, failed" in bad.json()["error"]
    assert client.get("/api/jobs?cursor=zz", headers=admin).status_code == 400
    assert client.get("/api/jobs?limit=0", headers=admin).status_code == 400
    assert client.get("/api/jobs", headers=accounts["manager"].headers).status_code == 403


def test_retry_requeues_a_failed_job_now(client, accounts, db):
    admin = accounts["admin"].headers
    failed = make.job(
        db,
        "test.a",
        status="failed",
        attempts=3,
        finished_at=utcnow(),
        run_at=utcnow() - dt.timedelta(days=1),
        last_error="boom",
    )
    response = client.post(f"/api/jobs/{failed}/retry", headers=admin)
    assert response.status_code == 200, response.text
    view = response.json()
    assert (view["status"], view["attempts"], view["last_error"]) == ("queued", 3, "boom")
    assert view["finished_at"] is None
    with db.session() as s:
        assert s.get(Job, failed).run_at >= utcnow() - dt.timedelta(minutes=1)
    again = client.post(f"/api/jobs/{failed}/retry", headers=admin)
    assert again.status_code == 409 and "only failed jobs" in again.json()["error"]
    assert client.post("/api/jobs/999999/retry", headers=admin).status_code == 404
    forbidden = client.post(f"/api/jobs/{failed}/retry", headers=accounts["manager"].headers)
    assert forbidden.status_code == 403


def test_cli_lists_failed_jobs_and_retries_one(db, db_url, monkeypatch):
    from quorum.cli.main import app

    failed = make.job(
        db,
        "callback.task",
        {"task_id": "t" * 24, "event": "completed", "url": "https://example.com/hook"},
        status="failed",
        finished_at=utcnow(),
        last_error="HTTP 500",
    )
    make.job(db, "test.a", status="succeeded", finished_at=utcnow())
    monkeypatch.setenv("QUORUM_DATABASE_URL", db_url)
    monkeypatch.setenv("COLUMNS", "200")
    get_settings.cache_clear()
    try:
        runner = CliRunner()
        listed = runner.invoke(app, ["jobs", "list", "--status", "failed"])
        assert listed.exit_code == 0, listed.output
        assert "callback.task" in listed.output and "HTTP 500" in listed.output
        assert "test.a" not in listed.output
        retried = runner.invoke(app, ["jobs", "retry", str(failed)])
        assert retried.exit_code == 0 and "queued again" in retried.output
        again = runner.invoke(app, ["jobs", "retry", str(failed)])
        assert again.exit_code == 1 and "only failed jobs" in again.output
    finally:
        get_settings.cache_clear()
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(Job).where(Job.status == "queued")) == 1
