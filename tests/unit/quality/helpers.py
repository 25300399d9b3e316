"""Shared helpers of the quality-engine tests: the public datasets and small random crowds."""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

import numpy as np
import pytest
from hypothesis import strategies as st

from quorum.quality import Answers, Encoded, encode_records

DATASETS = Path(__file__).resolve().parents[3].parent / "shared" / "datasets"
CATEGORICAL = [
    "bluebirds",
    "labelme",
    "music-genre",
    "sentiment-polarity-amt",
    "snow2008-rte",
    "snow2008-temp",
    "snow2008-wsd",
    "web-relevance",
]


def read_rows(name: str, file: str) -> list[dict[str, str]]:
    path = DATASETS / name / file
    if not path.exists():
        pytest.skip(f"dataset {path} not found (expected ../shared/datasets beside the repo)")
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@cache
def load_dataset(name: str) -> Encoded:
    labels, gold = read_rows(name, "labels.csv"), read_rows(name, "gold.csv")
    return encode_records(
        [r["task"] for r in labels],
        [r["worker"] for r in labels],
        [r["label"] for r in labels],
        [r["task"] for r in gold],
        [r["label"] for r in gold],
    )


@st.composite
def crowds(draw: st.DrawFn, min_per_task: int = 1, unanimous: bool = False) -> Answers:
    """Answers of up to 8 workers on up to 12 tasks with 2-4 classes; every task answered."""
    n_tasks = draw(st.integers(1, 12))
    n_workers = draw(st.integers(max(min_per_task, 1), 8))
    n_classes = draw(st.integers(2, 4))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    task, worker, label = [], [], []
    for t in range(n_tasks):
        k = int(rng.integers(min_per_task, n_workers + 1))
        chosen = rng.choice(n_workers, size=k, replace=False)
        truth = int(rng.integers(n_classes))
        for w in chosen:
            task.append(t)
            worker.append(int(w))
            label.append(truth if unanimous else int(rng.integers(n_classes)))
    return Answers(task, worker, label, n_tasks, n_workers, n_classes)
