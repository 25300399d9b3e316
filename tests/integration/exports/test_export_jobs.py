"""Exports run as jobs: started through the API, run by a worker into the store, with progress;
the file is offered only once whole, is the streamed export's bytes, survives a worker that
died mid-way, and goes with its job at retention."""

from __future__ import annotations

import datetime as dt
import hashlib

from sqlalchemy import func, select, update
from tests import factories as make

from quorum import jobs
from quorum.db.models import Export, Job, utcnow
from quorum.services.exports import export_jobs
from quorum.services.files.storage import storage_for
from quorum.services.ops import background, retention


def _seed(db, n: int = 5) -> list[str]:
    with db.session(write=True) as s:
        make.project(s)
        ids = make.tasks(s, n=n)
        for i, task_id in enumerate(ids[:3]):
            make.complete(s, task_id, {"category": "a"}, confidence=0.5 + i * 0.2)
        return ids


def _run_exports(client, db) -> int:
    """Run the queued export jobs with a worker of the server's settings; how many ran."""
    worker = jobs.Worker(db, {export_jobs.KIND: export_jobs.handler(client.app.state.settings)})
    ran = 0
    while worker.run_once():
        ran += 1
    return ran


def test_an_export_job_writes_the_streamed_export_to_a_file(db, client, accounts):
    _seed(db)
    manager = accounts["manager"].headers
    started = make.ok(client.post("/api/projects/p/exports", json={}, headers=manager))
    assert (started["state"], started["format"], started["download_url"]) == (
        "queued", "jsonl", None
    )  # fmt: skip
    url = f"/api/projects/p/exports/{started['id']}"
    refused = client.get(f"{url}/file", headers=manager)
    assert refused.status_code == 409 and "queued" in refused.json()["error"]

    assert _run_exports(client, db) == 1
    done = make.ok(client.get(url, headers=manager))
    assert (done["state"], done["tasks_done"], done["tasks_total"]) == ("succeeded", 5, 5)
    assert done["download_url"] == f"{url}/file" and done["requested_by"] == "manager"
    downloaded = client.get(done["download_url"], headers=manager)
    streamed = client.get("/api/projects/p/export", headers=manager)
    assert downloaded.status_code == 200 and downloaded.content == streamed.content
    assert downloaded.headers["content-type"] == "application/x-ndjson"
    assert f'filename="{done["filename"]}"' in downloaded.headers["content-disposition"]
    assert done["size"] == len(downloaded.content)
    assert done["sha256"] == hashlib.sha256(downloaded.content).hexdigest()
    with db.session() as s:
        job = s.get(Job, s.scalar(select(Export.job_id).where(Export.id == done["id"])))
        assert (job.status, job.progress, job.progress_message) == (
            "succeeded",
            1.0,
            "5 of 5 tasks",
        )
    listed = make.ok(client.get("/api/projects/p/exports", headers=manager))
    assert [e["id"] for e in listed] == [done["id"]]


def test_an_export_job_carries_the_selection(db, client, accounts):
    _seed(db)
    manager = accounts["manager"].headers
    bodies = [{"min_confidence": 0.8}, {"min_confidence": 0.8, "below": True}]
    started = [
        make.ok(client.post("/api/projects/p/exports", json=b, headers=manager)) for b in bodies
    ]
    _run_exports(client, db)
    for body, one in zip(bodies, started, strict=True):
        view = make.ok(client.get(f"/api/projects/p/exports/{one['id']}", headers=manager))
        assert (view["min_confidence"], view["below"]) == (0.8, body.get("below", False))
        query = "&".join(f"{k}={str(v).lower()}" for k, v in body.items())
        streamed = client.get(f"/api/projects/p/export?{query}", headers=manager).content
        assert client.get(view["download_url"], headers=manager).content == streamed
        assert view["tasks_done"] == streamed.count(b"\n")
    # 0.5 and 0.7 are below 0.8, with the two unlabelled tasks: 1 above, 4 below.
    assert [
        v["tasks_done"] for v in make.ok(client.get("/api/projects/p/exports", headers=manager))
    ] == [4, 1]


def test_bad_export_jobs_are_refused_before_anything_is_queued(db, client, accounts):
    _seed(db)
    manager = accounts["manager"].headers
    refused = client.post("/api/projects/p/exports", json={"format": "nope"}, headers=manager)
    assert refused.status_code == 400 and "nope" in refused.json()["error"]
    missing = client.post("/api/projects/nope/exports", json={}, headers=manager)
    assert missing.status_code == 404
    below = client.post("/api/projects/p/exports", json={"below": True}, headers=manager)
    assert below.status_code == 400 and "min_confidence" in below.json()["error"]
    extra = client.post("/api/projects/p/exports", json={"fmt": "jsonl"}, headers=manager)
    assert extra.status_code == 400
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(Export)) == 0
        assert s.scalar(select(func.count()).where(Job.kind == export_jobs.KIND)) == 0
    assert client.get("/api/projects/p/exports/1", headers=manager).status_code == 404
    with db.session(write=True) as s:
        make.project(s, "q")
    other = make.ok(client.post("/api/projects/q/exports", json={}, headers=manager))
    assert client.get(f"/api/projects/p/exports/{other['id']}", headers=manager).status_code == 404


def test_a_job_whose_worker_died_mid_way_is_run_again_and_offers_the_whole_file(
    db, client, accounts
):
    """A worker that died after writing part of the file and some progress: the file is not
    offered; once the lease ends another worker runs the export from the start."""
    _seed(db, n=2500)
    manager = accounts["manager"].headers
    started = make.ok(client.post("/api/projects/p/exports", json={}, headers=manager))
    settings = client.app.state.settings
    key = export_jobs.file_key(started["id"], "jsonl")
    with db.begin() as s:  # the dead worker's claim, its lease already over
        dead = jobs.claim(s, "dead", [export_jobs.KIND], lease_seconds=0)
        s.execute(update(Export).values(tasks_done=1000, tasks_total=2500))
    partial = storage_for(settings).local_path(key).with_name(f"{started['id']}.jsonl.part")
    partial.parent.mkdir(parents=True, exist_ok=True)
    partial.write_bytes(b'{"task_id": "half a li')
    url = f"/api/projects/p/exports/{started['id']}"
    running = make.ok(client.get(url, headers=manager))
    assert (running["state"], running["tasks_done"], running["download_url"]) == (
        "running", 1000, None
    )  # fmt: skip
    assert client.get(f"{url}/file", headers=manager).status_code == 409

    assert _run_exports(client, db) == 1
    done = make.ok(client.get(url, headers=manager))
    assert (done["state"], done["attempts"], done["tasks_done"]) == ("succeeded", 2, 2500)
    streamed = client.get("/api/projects/p/export", headers=manager).content
    assert client.get(f"{url}/file", headers=manager).content == streamed
    assert not partial.exists()
    with db.begin() as s:  # the dead worker, back, cannot touch the job any more
        try:
            jobs.complete(s, dead)
            raise AssertionError("a worker whose lease was taken over finished the job")
        except jobs.LeaseLost:
            pass


def test_retention_deletes_old_exports_with_their_files(db, client, accounts):
    _seed(db)
    manager = accounts["manager"].headers
    ids = [
        make.ok(client.post("/api/projects/p/exports", json={}, headers=manager))["id"]
        for _ in range(3)
    ]
    _run_exports(client, db)
    queued = make.ok(client.post("/api/projects/p/exports", json={}, headers=manager))["id"]
    long_ago = utcnow() - dt.timedelta(days=30)
    with db.begin() as s:
        s.execute(update(Export).where(Export.id.in_(ids[:2])).values(finished_at=long_ago))
        s.execute(update(Export).where(Export.id == queued).values(created_at=long_ago))
        old_jobs = select(Export.job_id).where(Export.id.in_(ids[:2])).scalar_subquery()
        s.execute(update(Job).where(Job.id.in_(old_jobs)).values(finished_at=long_ago))
    storage = storage_for(client.app.state.settings)
    files = {i: storage.local_path(export_jobs.file_key(i, "jsonl")) for i in ids}
    assert all(path.exists() for path in files.values())

    purge = jobs.Worker(db, background.handlers(client.app.state.settings))
    retention.schedule(db)
    with db.begin() as s:  # only the purge is due now
        s.execute(
            update(Job)
            .where(Job.kind != retention.PURGE, Job.status == "queued")
            .values(run_at=utcnow() + dt.timedelta(days=1))
        )
    assert purge.run_once()
    with db.session() as s:
        assert sorted(s.scalars(select(Export.id))) == [ids[2], queued]
    assert [files[i].exists() for i in ids] == [False, False, True]


def test_an_export_job_writes_any_format_the_type_serves(db, client, accounts):
    """A CSV and a Parquet file (the `hf` format): the job's file is the streamed export's,
    named with the format's extension."""
    _seed(db)
    manager = accounts["manager"].headers
    for fmt, extension in (("csv", "csv"), ("hf", "parquet")):
        started = make.ok(
            client.post("/api/projects/p/exports", json={"format": fmt}, headers=manager)
        )
        _run_exports(client, db)
        done = make.ok(client.get(f"/api/projects/p/exports/{started['id']}", headers=manager))
        assert done["state"] == "succeeded" and done["filename"].endswith(f".{extension}")
        streamed = client.get(f"/api/projects/p/export?format={fmt}", headers=manager).content
        assert client.get(done["download_url"], headers=manager).content == streamed
