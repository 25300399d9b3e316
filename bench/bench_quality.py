"""Quality-engine benchmark: accuracy and speed against crowd-kit, printed as JSON.

    .venv/bin/python bench/bench_quality.py [--skip-slow-crowdkit] [--repeat 5]

1. Every categorical dataset in ../shared/datasets: accuracy on gold and fit time of every
   Quorum method and every crowd-kit 1.4.2 classification method (unsupervised: gold is only
   used for scoring).
2. A synthetic crowd of 1,000,000 answers (200,000 tasks x 5, 10 classes, 1,000 annotators,
   10 % spammers): every Quorum method and crowd-kit's DawidSkene on the same data.
3. The same crowd at 50,000 answers (10,000 tasks x 5) for crowd-kit's GLAD and MACE, which
   are too slow for the large one.

Synthetic fits run in child processes so that each reports its own peak memory. Quorum times
include building `Answers` from the integer arrays (weights, sparse matrices); they are the
best of `--repeat` runs, crowd-kit's are single runs.
"""

from __future__ import annotations

import argparse
import csv
import json
import platform
import resource
import subprocess
import sys
import time
import tracemalloc
import warnings
from pathlib import Path
from typing import Any

import numpy as np

from quorum.quality import METHODS, Answers, CategoricalResult, Encoded, encode_records
from quorum.quality.simulate import simulate

DATASETS = Path(__file__).resolve().parents[1].parent / "shared" / "datasets"
MAX_CLASSES = 50  # datasets with more distinct labels are free text, not categories
LARGE = {"n_tasks": 200_000, "per_task": 5, "n_classes": 10, "n_workers": 1_000}
SMALL = {**LARGE, "n_tasks": 10_000}


def crowdkit_methods() -> dict[str, Any]:
    """crowd-kit 1.4.2's classification aggregators. Wawa and ZeroBasedSkill call
    scikit-learn's check_is_fitted, which fails on their attrs classes with scikit-learn 1.6
    or later; the check is only a guard, so it is replaced by a no-op."""
    import crowdkit.aggregation as ck
    from crowdkit.aggregation.classification import wawa, zero_based_skill

    for module in (wawa, zero_based_skill):
        module.check_is_fitted = lambda *args, **kwargs: None  # type: ignore[attr-defined]
    return {
        "MajorityVote": ck.MajorityVote,
        "Wawa": ck.Wawa,
        "ZeroBasedSkill": ck.ZeroBasedSkill,
        "DawidSkene": lambda: ck.DawidSkene(n_iter=100),
        "OneCoinDawidSkene": lambda: ck.OneCoinDawidSkene(n_iter=100),
        "GLAD": ck.GLAD,
        "MACE": ck.MACE,
        "KOS": ck.KOS,
        "MMSR": ck.MMSR,
    }


SLOW_CROWDKIT = {"GLAD", "MACE"}


def load(name: str) -> Encoded:
    def rows(file: str) -> list[dict[str, str]]:
        with (DATASETS / name / file).open(newline="", encoding="utf-8") as handle:
            return list(csv.DictReader(handle))

    labels, gold = rows("labels.csv"), rows("gold.csv")
    return encode_records(
        [r["task"] for r in labels],
        [r["worker"] for r in labels],
        [r["label"] for r in labels],
        [r["task"] for r in gold],
        [r["label"] for r in gold],
    )


def categorical_datasets() -> list[str]:
    names = []
    for path in sorted(DATASETS.iterdir()):
        if (path / "labels.csv").exists():
            with (path / "labels.csv").open(newline="", encoding="utf-8") as handle:
                classes = {row["label"] for row in csv.DictReader(handle)}
            if len(classes) <= MAX_CLASSES:
                names.append(path.name)
    return names


def fresh(answers: Answers) -> Answers:
    """A copy without the cached sparse matrices, so that timings include building them."""
    return Answers(
        answers.task,
        answers.worker,
        answers.label,
        answers.n_tasks,
        answers.n_workers,
        answers.n_classes,
    )


def time_quorum(answers: Answers, method: str, repeat: int) -> tuple[float, CategoricalResult]:
    best = float("inf")
    for _ in range(repeat):
        copy = fresh(answers)
        start = time.perf_counter()
        result = METHODS[method](copy)
        best = min(best, time.perf_counter() - start)
    return best, result


def log_loss(result: CategoricalResult, gold: np.ndarray) -> float:
    """Mean -log posterior of the gold label (floored at 1e-6): rewards honest confidence."""
    known = np.flatnonzero(gold >= 0)
    return round(float(-np.log(np.maximum(result.posteriors[known, gold[known]], 1e-6)).mean()), 4)


def time_crowdkit(
    answers: Answers, make: Any, names: Encoded | None = None
) -> tuple[float, np.ndarray]:
    """Fit a crowd-kit method; with `names`, on the original string ids, as a user would
    (crowd-kit's MACE restarts depend on the row and id order, so its accuracy does too)."""
    import pandas as pd

    columns = {"task": answers.task, "worker": answers.worker, "label": answers.label}
    if names is not None:
        columns = {
            "task": np.array(names.tasks, dtype=object)[answers.task],
            "worker": np.array(names.workers, dtype=object)[answers.worker],
            "label": np.array(names.classes, dtype=object)[answers.label],
        }
    start = time.perf_counter()
    predicted = make().fit_predict(pd.DataFrame(columns))
    seconds = time.perf_counter() - start
    labels = np.full(answers.n_tasks, -1)
    if names is None:
        labels[predicted.index.to_numpy(dtype=np.int64)] = predicted.to_numpy(dtype=np.int64)
    else:
        task_code = {name: code for code, name in enumerate(names.tasks)}
        class_code = {name: code for code, name in enumerate(names.classes)}
        for task, label in predicted.items():
            labels[task_code[task]] = class_code[label]
    return seconds, labels


def accuracy(labels: np.ndarray, gold: np.ndarray) -> float:
    known = gold >= 0
    return round(float((labels[known] == gold[known]).mean()), 4)


def bench_datasets(repeat: int, skip_slow: bool) -> dict[str, Any]:
    crowdkit = crowdkit_methods()
    report: dict[str, Any] = {}
    for name in categorical_datasets():
        encoded = load(name)
        answers, gold = encoded.answers, encoded.gold
        entry: dict[str, Any] = {
            "labels": len(answers),
            "tasks": answers.n_tasks,
            "workers": answers.n_workers,
            "classes": answers.n_classes,
            "quorum": {},
            "crowdkit": {},
        }
        for method in METHODS:
            seconds, result = time_quorum(answers, method, repeat)
            entry["quorum"][method] = {
                "accuracy": accuracy(result.labels, gold),
                "log_loss": log_loss(result, gold),
                "ms": round(seconds * 1e3, 2),
            }
        for method, make in crowdkit.items():
            if skip_slow and method in SLOW_CROWDKIT:
                continue
            if method == "KOS" and answers.n_classes != 2:
                continue
            seconds, labels = time_crowdkit(answers, make, encoded)
            entry["crowdkit"][method] = {
                "accuracy": accuracy(labels, gold),
                "ms": round(seconds * 1e3, 2),
            }
        best = {
            side: max(v["accuracy"] for v in entry[side].values())
            for side in ("quorum", "crowdkit")
        }
        entry["best"] = best
        report[name] = entry
        print(f"{name}: {best}", file=sys.stderr, flush=True)
    return report


def peak_rss_mb() -> float:
    """This process's peak resident memory. /proc's VmHWM starts afresh at exec, unlike
    getrusage's ru_maxrss, which Linux carries over from the forking parent."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def child(side: str, method: str, size: str) -> dict[str, Any]:
    """Run one synthetic fit in this process and report time, accuracy and peak memory."""
    answers, truth = simulate(**(LARGE if size == "large" else SMALL), seed=0)
    if side == "quorum":
        seconds, result = time_quorum(answers, method, 5)
        labels = result.labels
        tracemalloc.start()
        METHODS[method](fresh(answers))
        traced = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    else:
        seconds, labels = time_crowdkit(answers, crowdkit_methods()[method])
        traced = None
    return {
        "seconds": round(seconds, 3),
        "accuracy": round(float((labels == truth).mean()), 4),
        "fit_traced_peak_mb": None if traced is None else round(traced / 2**20, 1),
        "process_peak_rss_mb": peak_rss_mb(),
    }


def run_child(side: str, method: str, size: str) -> dict[str, Any]:
    command = [sys.executable, __file__, "--child", side, method, size]
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    result = json.loads(done.stdout)
    print(f"synthetic {size} {side} {method}: {result}", file=sys.stderr, flush=True)
    return result


def bench_synthetic() -> dict[str, Any]:
    large = {m: run_child("quorum", m, "large") for m in METHODS}
    large_ck = {"DawidSkene": run_child("crowdkit", "DawidSkene", "large")}
    small = {m: run_child("quorum", m, "small") for m in ("ds", "glad", "mace")}
    small_ck = {m: run_child("crowdkit", m, "small") for m in ("DawidSkene", "GLAD", "MACE")}
    pairs = {
        "large": [("ds", "DawidSkene")],
        "small": [("ds", "DawidSkene"), ("glad", "GLAD"), ("mace", "MACE")],
    }
    results = {"large": (large, large_ck), "small": (small, small_ck)}
    speedup = {
        size: {
            ours: round(results[size][1][theirs]["seconds"] / results[size][0][ours]["seconds"], 1)
            for ours, theirs in pairs[size]
        }
        for size in pairs
    }
    return {
        "large": {
            "shape": LARGE,
            "answers": LARGE["n_tasks"] * LARGE["per_task"],
            "quorum": large,
            "crowdkit": large_ck,
        },
        "small": {
            "shape": SMALL,
            "answers": SMALL["n_tasks"] * SMALL["per_task"],
            "quorum": small,
            "crowdkit": small_ck,
        },
        "speedup_vs_crowdkit": speedup,
    }


def main() -> None:
    warnings.filterwarnings("ignore")
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--skip-slow-crowdkit", action="store_true", help="skip crowd-kit GLAD/MACE on the datasets"
    )
    parser.add_argument("--skip-synthetic", action="store_true")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(*args.child)))
        return
    import crowdkit

    report: dict[str, Any] = {
        "machine": {
            "python": platform.python_version(),
            "numpy": np.__version__,
            "crowdkit": getattr(crowdkit, "__version__", "1.4.2"),
            "cpu": platform.processor() or platform.machine(),
        },
        "datasets": bench_datasets(args.repeat, args.skip_slow_crowdkit),
    }
    if not args.skip_synthetic:
        report["synthetic"] = bench_synthetic()
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
