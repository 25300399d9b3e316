"""Multi-label answers: each label is its own yes/no question, aggregated by any categorical
method, all labels in one vectorised fit.

A response is one (task, worker) pair with a boolean row saying which labels the worker
selected; leaving a label unselected is a "no" vote for it. Every (worker, label) pair gets
its own skill by default, since an annotator can be sharp on one label and blind to another.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from quorum.quality.categorical import aggregate
from quorum.quality.encode import Answers, FloatArray


@dataclass(frozen=True)
class MultiLabelResult:
    """probability[t, l] = P(label l applies to task t); selected = probability > 0.5;
    confidence = probability of the decision taken (max(p, 1 - p)); worker_accuracy[w, l]."""

    probability: FloatArray
    selected: NDArray[np.bool_]
    confidence: FloatArray
    worker_accuracy: FloatArray


def aggregate_multilabel(
    task: ArrayLike,
    worker: ArrayLike,
    selected: ArrayLike,
    *,
    method: str = "one-coin",
    gold: ArrayLike | None = None,
    n_tasks: int | None = None,
    n_workers: int | None = None,
    per_label_skill: bool = True,
    **options: Any,
) -> MultiLabelResult:
    """Aggregate responses (task[i], worker[i], selected[i, :]) with a binary `method`.

    `gold`, if given, is (n_tasks, n_labels) with 1/0 for known and -1 for unknown.
    """
    chosen = np.asarray(selected, dtype=bool)
    if chosen.ndim != 2:
        raise ValueError("selected must be a (responses, labels) boolean array")
    n_labels = chosen.shape[1]
    base = Answers(task, worker, np.zeros(chosen.shape[0], np.int64), n_tasks, n_workers, 1)
    label_ids = np.arange(n_labels)
    flat_task = (base.task[:, None] * n_labels + label_ids).ravel()
    flat_worker = (
        (base.worker[:, None] * n_labels + label_ids).ravel()
        if per_label_skill
        else np.repeat(base.worker, n_labels)
    )
    n_skill = base.n_workers * n_labels if per_label_skill else base.n_workers
    answers = Answers(
        flat_task, flat_worker, chosen.ravel().astype(np.int64), base.n_tasks * n_labels, n_skill, 2
    )
    flat_gold = None if gold is None else np.asarray(gold, dtype=np.int64).ravel()
    result = aggregate(answers, method, flat_gold, **options)
    probability = result.posteriors[:, 1].reshape(base.n_tasks, n_labels)
    accuracy = result.worker_accuracy
    if not per_label_skill:
        accuracy = np.repeat(accuracy[:, None], n_labels, axis=1)
    return MultiLabelResult(
        probability=probability,
        selected=probability > 0.5,
        confidence=np.maximum(probability, 1.0 - probability),
        worker_accuracy=accuracy.reshape(base.n_workers, n_labels),
    )
