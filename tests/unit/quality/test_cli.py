"""The real `quorum` console script on real data, in a subprocess: no server, no database."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from quorum.quality import METHODS, aggregate, krippendorff_alpha

from .helpers import DATASETS, load_dataset

QUORUM = Path(sys.executable).with_name("quorum")
RTE = DATASETS / "snow2008-rte"


def run(*args: str | Path) -> subprocess.CompletedProcess[str]:
    if not RTE.exists():
        pytest.skip(f"{RTE} not found")
    return subprocess.run(
        [str(QUORUM), *map(str, args)], capture_output=True, text=True, timeout=120
    )


def test_aggregate_writes_labels_workers_and_a_summary(tmp_path: Path) -> None:
    out, workers = tmp_path / "out.csv", tmp_path / "workers.csv"
    done = run(
        "aggregate",
        RTE / "labels.csv",
        "--method",
        "ds",
        "--gold",
        RTE / "gold.csv",
        "--score-only",
        "--out",
        out,
        "--workers-out",
        workers,
    )
    assert done.returncode == 0, done.stderr
    encoded = load_dataset("snow2008-rte")
    expected = aggregate(encoded.answers, "ds")
    with out.open(newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["task", "label", "confidence"]
    assert [r[0] for r in rows[1:]] == encoded.tasks
    assert [r[1] for r in rows[1:]] == encoded.class_names(expected.labels)
    np.testing.assert_allclose([float(r[2]) for r in rows[1:]], expected.confidence, atol=1e-6)
    with workers.open(newline="") as handle:
        worker_rows = list(csv.DictReader(handle))
    assert list(worker_rows[0]) == ["worker", "skill", "n_labels"]
    assert sum(int(r["n_labels"]) for r in worker_rows) == 8000
    accuracy = (expected.labels == encoded.gold).mean()
    assert f"accuracy on gold: {accuracy:.4f}" in done.stdout
    assert "800 tasks, 164 workers, 8000 labels" in done.stdout


def test_aggregate_without_out_writes_csv_to_stdout_and_summary_to_stderr() -> None:
    done = run("aggregate", RTE / "labels.csv", "-m", "mace", "--gold", RTE / "gold.csv")
    assert done.returncode == 0, done.stderr
    rows = list(csv.reader(io.StringIO(done.stdout)))
    assert rows[0] == ["task", "label", "confidence"] and len(rows) == 801
    assert "5-fold cross-validated" in done.stderr


def test_agreement_prints_the_measures(tmp_path: Path) -> None:
    done = run("agreement", RTE / "labels.csv", "--json", "--workers-out", tmp_path / "w.csv")
    assert done.returncode == 0, done.stderr
    measures = json.loads(done.stdout)
    alpha = krippendorff_alpha(load_dataset("snow2008-rte").answers)
    assert measures["krippendorff_alpha_nominal"] == pytest.approx(alpha, abs=1e-6)
    assert {"percent_agreement", "fleiss_kappa", "cohen_kappa_mean_pairwise"} <= set(measures)
    header = (tmp_path / "w.csv").read_text().splitlines()[0]
    assert header == "worker,n_labels,percent_agreement,kappa,cohen_kappa"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("task,worker\n1,a\n", "bad.csv: line 1: missing column 'label'"),
        ("task,worker,label\n1,a,x\n2,b\n", "bad.csv: line 3: missing column 'label'"),
        ("task,worker,label\n1,a,\n", "bad.csv: line 2: empty 'label'"),
        ("", "bad.csv: empty file"),
    ],
)
def test_bad_csv_is_a_one_line_error(tmp_path: Path, content: str, message: str) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(content)
    done = run("aggregate", bad)
    assert done.returncode != 0
    assert done.stderr.count("\n") == 1 and message in done.stderr
    assert done.stdout == ""


def test_unknown_method_and_missing_file_are_one_line_errors(tmp_path: Path) -> None:
    done = run("aggregate", RTE / "labels.csv", "--method", "psychic")
    assert done.returncode != 0
    assert f"unknown method 'psychic'; choose from {', '.join(METHODS)}" in done.stderr
    assert done.stderr.count("\n") == 1
    missing = run("agreement", tmp_path / "nope.csv")
    assert missing.returncode != 0 and "nope.csv: cannot open" in missing.stderr


def test_the_command_line_and_the_engine_package_load_without_numpy() -> None:
    """`quorum --help` and every command needing no maths start without NumPy: the CLI reads
    the method names from `quorum.quality`, which loads a name's module on first use."""
    probe = (
        "import sys, quorum.cli.main, quorum.quality as q; "
        "assert q.METHOD_NAMES and 'numpy' not in sys.modules, 'numpy loaded'; "
        "q.aggregate; assert 'numpy' in sys.modules"
    )
    subprocess.run([sys.executable, "-c", probe], check=True, timeout=60)
