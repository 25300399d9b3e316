"""`quorum demo` seeds users and one project per task type, prints the logins, and serves."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx

from quorum import tasktypes


def test_demo_seeds_and_serves(db_url, tmp_path):
    from tests.conftest import _free_port

    port = _free_port()
    env = {**os.environ, "QUORUM_DATA_DIR": str(tmp_path / "data"), "QUORUM_DATABASE_URL": db_url}
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "quorum"), "demo", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        lines = []
        while not any("admin API key" in line for line in lines):
            line = process.stdout.readline()
            assert line, f"demo exited early: {lines}"
            lines.append(line)
        output = "".join(lines)
        assert f"http://127.0.0.1:{port}" in output
        for login in ("admin", "manager", "reviewer", "annotator1", "annotator2"):
            assert f"login {login}" in output
        key = lines[-1].split(":", 1)[1].strip()
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{url}/healthz").status_code == 200:
                    break
            except httpx.TransportError:
                assert time.monotonic() < deadline
                time.sleep(0.1)
        auth = {"Authorization": f"Bearer {key}"}
        projects = httpx.get(f"{url}/api/projects", headers=auth).json()
        assert sorted(p["type"] for p in projects) == tasktypes.names()
        for project in projects:
            count = httpx.get(
                f"{url}/api/tasks/count", params={"project": project["name"]}, headers=auth
            ).json()["total"]
            assert count >= 24, project
        gold = httpx.get(f"{url}/api/tasks/count", params={"is_gold": "true"}, headers=auth)
        assert gold.json()["total"] >= 6
        media = httpx.get(f"{url}/demo-media/clip-01.wav")
        assert media.status_code == 200 and media.content[:4] == b"RIFF"
    finally:
        process.terminate()
        process.wait(timeout=10)

    # A second start seeds nothing twice.
    again = subprocess.run(
        [str(Path(sys.executable).parent / "quorum"), "projects", "list"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert again.returncode == 0 and again.stdout.count("categorization") == 1
