"""Export jobs on live servers: a job queued on a server killed before its worker ran it
completes once a server is back, with the streamed export's bytes; the CLI's `--job` and the
SDK run one, show progress and download the file, on a server and on the local database."""

from __future__ import annotations

import os
import signal

from quorum.client import QuorumClient
from tests import factories as make
from tests.conftest import serve


def _seed(db_url: str, n: int = 300) -> str:
    with make.session_at(db_url) as s:
        boss = make.person(s, "boss", "manager")
        make.project(s)
        for task_id in make.tasks(s, n=n)[: n // 2]:
            make.complete(s, task_id, {"category": "b"}, confidence=0.9)
    return boss.key


def test_a_job_queued_before_a_crash_completes_after_the_restart(live_server, tmp_path):
    key = _seed(live_server.db_url)
    quiet = {**live_server.env, "QUORUM_RUN_WORKER": "0"}
    with serve(live_server.db_url, quiet) as first, QuorumClient(first.url, key) as q:
        started = q.start_export_job("p", status="completed")
        assert q.export_job("p", started["id"])["state"] == "queued"
        os.kill(first.process.pid, signal.SIGKILL)
        first.process.wait()
    with serve(live_server.db_url, live_server.env) as second, QuorumClient(second.url, key) as q:
        done = q.wait_for_export_job("p", started["id"], timeout_s=60)
        assert (done["state"], done["tasks_done"], done["tasks_total"]) == ("succeeded", 150, 150)
        downloaded = b"".join(q.download_export_job("p", started["id"]))
        assert downloaded == b"".join(q.export_bytes("p", status="completed"))
        assert [e["id"] for e in q.list_export_jobs("p")] == [started["id"]]


def test_the_cli_runs_an_export_job_on_a_server_and_on_the_local_database(live_server, tmp_path):
    key = _seed(live_server.db_url)
    with QuorumClient(live_server.url, key) as q:
        streamed = b"".join(q.export_bytes("p"))
        assert q.export_job_to("p", tmp_path / "sdk.jsonl")["state"] == "succeeded"
    assert (tmp_path / "sdk.jsonl").read_bytes() == streamed
    remote = ("--url", live_server.url, "--api-key", key)
    for where, args in (("remote", remote), ("local", ())):
        out = tmp_path / f"{where}.jsonl"
        result = live_server.cli("export", "--project", "p", "--job", "--out", str(out), *args)
        assert result.returncode == 0, result.stderr
        assert f"wrote 300 tasks to {out}" in result.stdout
        assert out.read_bytes() == streamed
    refused = live_server.cli("export", "--project", "p", "--job", "--format", "nope", *remote)
    assert refused.returncode != 0 and "nope" in refused.stderr
