"""A real dataset and a simulated crowd of known quality that answers its tasks.

Each simulated annotator has a true accuracy drawn uniformly from `mean ± spread`. On every
task they give the gold label with that probability; otherwise a wrong label, drawn from the
wrong answers the dataset's real crowd gave to that very task (so confusions are the ones real
people make), or uniformly from the other labels when the real crowd never erred there. All
answers are drawn up front from the seed, so the same crowd answers a task the same way in
every project it works on: adaptive and fixed overlap are compared on identical people.
"""

from __future__ import annotations

import csv
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np

MAX_CATEGORIES = 50  # more distinct labels than this is free text, not a categorization


@dataclass(frozen=True)
class Dataset:
    """Tasks of a dataset with their gold labels and the real crowd's wrong answers."""

    name: str
    tasks: list[str]
    truth: list[int]  # index into `categories`
    categories: list[str]
    wrong: list[Counter[int]]  # per task: real wrong answers and how often each was given


@dataclass(frozen=True)
class Crowd:
    """Simulated annotators: their true accuracy and their answer to every task."""

    accuracy: np.ndarray  # (annotators,)
    answers: np.ndarray  # (annotators, tasks), index into the dataset's categories


def _rows(path: Path, columns: tuple[str, ...]) -> list[tuple[str, ...]]:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in columns if c not in (reader.fieldnames or [])]
        if missing:
            raise ValueError(f"{path}: missing column {missing[0]!r}")
        return [tuple(row[c] for c in columns) for row in reader]


def load_dataset(folder: Path, *, limit: int | None = None, seed: int = 0) -> Dataset:
    """Read `gold.csv` (and `labels.csv` when present) of a dataset folder; with `limit`, a
    seeded random subset of that many gold tasks."""
    gold = _rows(folder / "gold.csv", ("task", "label"))
    if not gold:
        raise ValueError(f"{folder / 'gold.csv'}: no tasks")
    if limit is not None and limit < len(gold):
        keep = np.sort(np.random.default_rng(seed).choice(len(gold), limit, replace=False))
        gold = [gold[i] for i in keep]
    labels_path = folder / "labels.csv"
    crowd = _rows(labels_path, ("task", "worker", "label")) if labels_path.exists() else []
    categories = sorted({label for _, label in gold} | {label for _, _, label in crowd})
    if len(categories) > MAX_CATEGORIES:
        raise ValueError(f"{folder.name}: {len(categories)} distinct labels; not categorical")
    index = {c: i for i, c in enumerate(categories)}
    position = {task: i for i, (task, _) in enumerate(gold)}
    truth = [index[label] for _, label in gold]
    wrong: list[Counter[int]] = [Counter() for _ in gold]
    for task, _, label in crowd:
        i = position.get(task)
        if i is not None and index[label] != truth[i]:
            wrong[i][index[label]] += 1
    return Dataset(folder.name, [task for task, _ in gold], truth, categories, wrong)


def make_crowd(
    dataset: Dataset, annotators: int, *, mean: float, spread: float, seed: int = 0
) -> Crowd:
    """Draw `annotators` true accuracies and every answer they will give."""
    rng = np.random.default_rng(seed)
    accuracy = np.clip(rng.uniform(mean - spread, mean + spread, annotators), 0.0, 1.0)
    n_tasks, n_classes = len(dataset.tasks), len(dataset.categories)
    truth = np.asarray(dataset.truth)
    right = rng.random((annotators, n_tasks)) < accuracy[:, None]
    answers = np.tile(truth, (annotators, 1))
    for t in range(n_tasks):
        wrong_here = ~right[:, t]
        if not wrong_here.any():
            continue
        seen = dataset.wrong[t]
        if seen:
            labels = np.fromiter(seen.keys(), int)
            weights = np.fromiter(seen.values(), float)
        else:
            labels = np.delete(np.arange(n_classes), truth[t])
            weights = np.ones(labels.size)
        answers[wrong_here, t] = rng.choice(
            labels, int(wrong_here.sum()), p=weights / weights.sum()
        )
    return Crowd(accuracy, answers)
