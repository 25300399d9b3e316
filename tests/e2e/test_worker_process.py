"""`quorum serve` runs its job worker as a child process: jobs still run (a new project's refit),
a worker that dies is replaced, and the worker ends with its server, whether the server stops
cleanly or is killed."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import httpx
import pytest

from tests import factories as make
from tests.conftest import serve


def _children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found.extend(int(c) for c in (task / "children").read_text().split())
    return found


def _worker_of(pid: int, other_than: int | None = None) -> int:
    """The server's job worker: the one child running `quorum worker`."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        for child in _children(pid):
            try:
                command = Path(f"/proc/{child}/cmdline").read_bytes().split(b"\0")
            except FileNotFoundError:
                continue
            if b"worker" in command and b"--with-parent" in command and child != other_than:
                return child
        time.sleep(0.05)
    raise AssertionError(f"server {pid} has no job worker child")


def _gone(pid: int, within_s: float) -> bool:
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except FileNotFoundError:
            return True
        if state == "Z":  # exited; its parent (pytest, once the server died) has not reaped it
            return True
        time.sleep(0.05)
    return False


@pytest.mark.parametrize("stop", ["kill -9", "terminate"])
def test_the_worker_runs_jobs_and_ends_with_its_server(live_server, stop):
    with make.session_at(live_server.db_url) as s:
        root = make.person(s, "root", "admin").headers
        make.project(s)  # queues its first refit
    with serve(live_server.db_url, live_server.env) as server:
        worker = _worker_of(server.process.pid)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:  # the project's first refit, run by the child
            done = httpx.get(
                f"{server.url}/api/jobs",
                params={"kind": "quality.refit", "status": "succeeded"},
                headers=root,
            ).json()["docs"]
            if done:
                break
            time.sleep(0.1)
        assert done, "the refit queued at project creation never ran"
        os.kill(worker, signal.SIGKILL)  # a worker that dies is replaced
        worker = _worker_of(server.process.pid, other_than=worker)
        if stop == "kill -9":
            os.kill(server.process.pid, signal.SIGKILL)
        else:
            server.process.terminate()
        assert _gone(worker, within_s=10), f"the job worker outlived its server ({stop})"
