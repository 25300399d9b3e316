"""`quorum simulate`: a crowd of known quality labels a real dataset through a live server."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import DATASETS

QUORUM = str(Path(sys.executable).parent / "quorum")
RTE = DATASETS / "snow2008-rte"
WSD = DATASETS / "snow2008-wsd"

pytestmark = pytest.mark.skipif(not RTE.exists(), reason="shared datasets are not available")


def _simulate(*args: str, env: dict[str, str] | None = None) -> dict:
    result = subprocess.run(
        [QUORUM, "simulate", *args], env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert "answers/task" in result.stderr  # the human summary
    return json.loads(result.stdout)


def test_adaptive_overlap_buys_fewer_answers_than_fixed(live_server):
    live_server.cli("users", "create", "boss", "--role", "admin")
    key = live_server.cli("users", "create-key", "boss").stdout.splitlines()[-1]
    report = _simulate(  # the server and key from QUORUM_URL and QUORUM_API_KEY
        "--dataset", str(RTE),
        "--project", "rte", "--tasks", "60", "--annotators", "10", "--seed", "3",
        "--min-overlap", "2", "--max-overlap", "5", "--confidence-target", "0.8",
        "--compare-fixed", "5",
        env={**live_server.env, "QUORUM_URL": live_server.url, "QUORUM_API_KEY": key},
    )  # fmt: skip
    assert (report["tasks"], report["gold_tasks"], report["annotators"]) == (60, 0, 10)
    adaptive, fixed = report["runs"]
    assert (adaptive["project"], fixed["project"]) == ("rte", "rte-fixed5")
    for run in (adaptive, fixed):
        assert run["incomplete"] == 0 and run["completed"] == 60
        assert run["accuracy"] > 0.65  # two labels: chance is 0.5
        assert len(run["annotators"]) == 10
        for person in run["annotators"]:
            assert 0.6 <= person["true_accuracy"] <= 0.9
            assert 0 <= person["agreement"] <= 1
    assert 2 <= adaptive["answers_per_task"] < 5 == fixed["answers_per_task"]
    assert report["adaptive_vs_fixed"]["answer_savings"] > 0.2
    assert report["crowd"]["seed"] == 3


def test_runs_its_own_server_with_gold_on_a_multi_class_dataset():
    report = _simulate(
        "--dataset", str(WSD), "--tasks", "40", "--annotators", "6",
        "--min-overlap", "1", "--max-overlap", "3",
        "--gold-fraction", "0.25", "--gold-rate", "0.2",
        env={**os.environ, "QUORUM_RUN_WORKER": "0"},
    )  # fmt: skip
    assert (report["categories"], report["tasks"], report["gold_tasks"]) == (3, 30, 10)
    (run,) = report["runs"]
    assert run["incomplete"] == 0 and run["gold_answers"] > 0
    assert 1 <= run["answers_per_task"] <= 3
    assert run["accuracy"] > 0.5  # three labels: chance is 1/3
    # Gold is placed at random (rate 0.2 over a dozen claims each): an annotator may get none.
    estimates = [p["gold_estimate"] for p in run["annotators"] if p["gold_estimate"] is not None]
    assert len(estimates) >= len(run["annotators"]) // 2
    assert all(0 < e < 1 for e in estimates)
    assert run["estimate_error"]["gold_estimate"] is not None
