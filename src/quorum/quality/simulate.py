"""Synthetic crowds with known truth, for tests, benchmarks and choosing a method.

Workers have a random confusion matrix around an accuracy drawn uniformly from a range;
spammers answer from a fixed random distribution, ignoring the truth. Each task is answered
by distinct workers drawn uniformly.
"""

from __future__ import annotations

import numpy as np

from quorum.quality.encode import Answers, IntArray


def simulate(
    n_tasks: int,
    per_task: int,
    n_classes: int,
    n_workers: int,
    *,
    accuracy: tuple[float, float] = (0.35, 0.95),
    spammers: float = 0.1,
    seed: int = 0,
) -> tuple[Answers, IntArray]:
    """Return (answers, true labels)."""
    if per_task > n_workers:
        raise ValueError("per_task cannot exceed n_workers")
    rng = np.random.default_rng(seed)
    truth = rng.integers(0, n_classes, n_tasks)
    skill = rng.uniform(*accuracy, n_workers)
    confusion = rng.dirichlet(np.ones(n_classes), size=(n_workers, n_classes))
    confusion *= (1.0 - skill)[:, None, None]
    confusion[:, np.arange(n_classes), np.arange(n_classes)] += skill[:, None]
    spam = rng.random(n_workers) < spammers
    confusion[spam] = rng.dirichlet(np.ones(n_classes), size=int(spam.sum()))[:, None, :]
    workers = rng.integers(0, n_workers, (n_tasks, per_task))
    while True:  # redraw the rows that picked a worker twice
        ordered = np.sort(workers, axis=1)
        repeat = (ordered[:, 1:] == ordered[:, :-1]).any(axis=1)
        if not repeat.any():
            break
        workers[repeat] = rng.integers(0, n_workers, (int(repeat.sum()), per_task))
    task = np.repeat(np.arange(n_tasks), per_task)
    worker = workers.ravel()
    cumulative = confusion[worker, truth[task]].cumsum(axis=1)
    label = (rng.random(task.size)[:, None] > cumulative).sum(axis=1).clip(max=n_classes - 1)
    return Answers(task, worker, label, n_tasks, n_workers, n_classes), truth
