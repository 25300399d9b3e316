"""A large upload to a live server: its memory grows by a small buffer, not by the upload
(bodies are spooled to disk as they arrive, then copied to the store in bounded pieces: one
copy buffer locally, one multipart part on S3; bench/bench_upload_memory.py has the figures)."""

from __future__ import annotations

import os
from pathlib import Path

import httpx
import numpy as np
import pytest

from tests import factories as make
from tests.conftest import serve

MB = 1_000_000


def _peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM")


@pytest.fixture(params=["local", "s3"])
def upload_server(request, db_url, tmp_path):
    """A live server keeping files in its data directory, or in a bucket."""
    store = {} if request.param == "local" else request.getfixturevalue("s3_bucket").env()
    env = {
        **os.environ,
        "QUORUM_DATABASE_URL": db_url,
        "QUORUM_DATA_DIR": str(tmp_path / "data"),
        **store,
    }
    with serve(db_url, env) as server:
        yield server


def test_a_large_upload_does_not_grow_the_server_by_its_size(upload_server, tmp_path):
    live_server = upload_server
    with make.session_at(live_server.db_url) as s:
        key = make.person(s, "boss", "manager").key
    path = tmp_path / "big.bin"
    block = np.random.default_rng(1).bytes(MB)
    with path.open("wb") as out:
        for _ in range(120):
            out.write(block)
    headers = {"Authorization": f"Bearer {key}"}
    with httpx.Client(base_url=live_server.url, headers=headers, timeout=300) as client:
        # Warmed up: a small upload has loaded what storing a file needs (boto3, for S3).
        warm = client.post("/v1/files/upload", files={"file": ("warm.bin", b"x" * 1000)})
        assert warm.status_code == 200, warm.text
        before = _peak_rss_mb(live_server.process.pid)
        with path.open("rb") as body:
            stored = client.post("/v1/files/upload", files={"file": ("big.bin", body)})
        assert stored.status_code == 200, stored.text
        grown = _peak_rss_mb(live_server.process.pid) - before
        assert stored.json()["size"] == 120 * MB
    assert grown < 40, f"the server's peak memory grew by {grown:.0f} MB for a 120 MB upload"
