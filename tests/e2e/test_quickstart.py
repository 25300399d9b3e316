"""The README's quickstart, run verbatim against a fresh `quorum demo`, as a newcomer would.

The shell and Python blocks of the Quickstart section run in order in one bash session (a
Python block through `.venv/bin/python -`), in an empty folder whose `.venv` is this test's
environment. The one change made to them is the demo's port, which is free here, not 8080.
"""

from __future__ import annotations

import csv
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import httpx
import orjson

from tests.conftest import _free_port

README = Path(__file__).resolve().parents[2] / "README.md"
BLOCK = re.compile(r"^```(sh|python)\n(.*?)^```", re.S | re.M)


def quickstart_script(port: int) -> str:
    """The Quickstart section's blocks as one bash script."""
    text = README.read_text()
    section = text[text.index("## Quickstart") : text.index("\n## ", text.index("## Quickstart"))]
    parts = ["set -euo pipefail"]
    for kind, body in BLOCK.findall(section):
        if kind == "sh":
            parts.append(body)
        else:
            parts.append(f".venv/bin/python - <<'QUICKSTART_PY'\n{body}QUICKSTART_PY")
    assert len(parts) > 5, "the quickstart lost its blocks"
    return "\n".join(parts).replace("127.0.0.1:8080", f"127.0.0.1:{port}")


def _wait_for_demo(process: subprocess.Popen, url: str) -> None:
    lines: list[str] = []
    while not any("admin API key" in line for line in lines):
        line = process.stdout.readline()
        assert line, f"demo exited early: {lines}"
        lines.append(line)
    for _ in range(300):
        try:
            if httpx.get(f"{url}/healthz").status_code == 200:
                return
        except httpx.TransportError:
            assert process.poll() is None, "demo exited"
            time.sleep(0.1)
    raise AssertionError("demo did not answer /healthz")


def test_the_readme_quickstart_completes_tasks_that_show_in_the_export(tmp_path):
    (tmp_path / ".venv").symlink_to(sys.prefix, target_is_directory=True)
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("QUORUM_")}
    demo = subprocess.Popen(
        [".venv/bin/quorum", "demo", "--port", str(port)],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        _wait_for_demo(demo, f"http://127.0.0.1:{port}")
        run = subprocess.run(
            ["bash", "-c", quickstart_script(port)],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert run.returncode == 0, run.stdout + run.stderr
    finally:
        demo.terminate()
        demo.wait(timeout=10)

    rows = [orjson.loads(line) for line in (tmp_path / "reviews.jsonl").read_bytes().splitlines()]
    assert len(rows) == 3  # the two imported and the SDK's; the scaleapi task comes after
    done = {row["unique_id"]: row for row in rows if row["status"] == "completed"}
    assert sorted(done) == ["r-1", "r-2"]
    assert done["r-1"]["response"] == {"category": "positive"}
    assert done["r-2"]["response"] == {"category": "negative"}
    assert "r-1 completed" in run.stdout and "r-2 completed" in run.stdout
    with (tmp_path / "labels-out.csv").open() as handle:
        labels = list(csv.DictReader(handle))
    assert [(r["task"], r["label"]) for r in labels] == [("t1", "pos"), ("t2", "neg")]
