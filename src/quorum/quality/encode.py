"""Integer-coded answers, the one input shape every categorical method reads.

Methods work on three parallel integer arrays (task, worker, label) so that they can be fully
vectorised; `encode_records` is the adapter from string records (CSV rows, database rows).

Repeated answers: a worker who answers the same task k times gets one vote on it, split
evenly across the k answers (each carries weight 1/k). A worker cannot stuff the ballot by
resubmitting, and a worker who changed their mind counts half for each answer. Every method
reads `Answers.weight`, so this policy lives in one place.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import scipy.sparse as sp
from numpy.typing import ArrayLike, NDArray

IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float64]

NO_GOLD = -1
"""Marks a task without a gold label in a gold array."""


def _as_codes(values: ArrayLike, name: str) -> IntArray:
    array = np.asarray(values)
    if array.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {array.shape}")
    if array.size and not np.issubdtype(array.dtype, np.integer):
        raise ValueError(f"{name} must hold integer codes, got dtype {array.dtype}")
    codes = array.astype(np.int64, copy=False)
    if codes.size and codes.min() < 0:
        raise ValueError(f"{name} codes must be non-negative")
    return codes


def weighted_bincount(codes: ArrayLike, weights: ArrayLike, size: int = 0) -> FloatArray:
    """Sums of `weights` per code, at least `size` of them: `np.bincount` with weights, whose
    float64 result numpy's stubs type as integer (they have one signature for both uses)."""
    return np.bincount(codes, weights=weights, minlength=size).astype(np.float64, copy=False)


def _size(codes: IntArray, given: int | None, name: str) -> int:
    needed = int(codes.max()) + 1 if codes.size else 0
    if given is None:
        return needed
    if given < needed:
        raise ValueError(f"{name}={given} but codes go up to {needed - 1}")
    return given


@dataclass(frozen=True, eq=False)
class Answers:
    """Answers as parallel integer arrays; sizes default to the largest code plus one.

    The sparse incidence matrices are built once, on first use, and shared by every method
    that runs on the same `Answers`.
    """

    task: IntArray
    worker: IntArray
    label: IntArray
    n_tasks: int
    n_workers: int
    n_classes: int

    def __init__(
        self,
        task: ArrayLike,
        worker: ArrayLike,
        label: ArrayLike,
        n_tasks: int | None = None,
        n_workers: int | None = None,
        n_classes: int | None = None,
    ) -> None:
        columns = {
            "task": _as_codes(task, "task"),
            "worker": _as_codes(worker, "worker"),
            "label": _as_codes(label, "label"),
        }
        if len({c.size for c in columns.values()}) != 1:
            raise ValueError("task, worker and label must have the same length")
        for name, codes in columns.items():
            object.__setattr__(self, name, codes)
        object.__setattr__(self, "n_tasks", _size(columns["task"], n_tasks, "n_tasks"))
        object.__setattr__(self, "n_workers", _size(columns["worker"], n_workers, "n_workers"))
        object.__setattr__(self, "n_classes", _size(columns["label"], n_classes, "n_classes"))

    def __len__(self) -> int:
        return int(self.task.size)

    @cached_property
    def weight(self) -> FloatArray:
        """1/k for each of the k answers a worker gave on one task (see module docstring)."""
        pair = self.task * self.n_workers + self.worker
        order = np.argsort(pair, kind="stable")
        sorted_pair = pair[order]
        starts = np.flatnonzero(np.r_[True, sorted_pair[1:] != sorted_pair[:-1]])
        if starts.size == pair.size:
            return np.ones(pair.size)
        runs = np.diff(np.r_[starts, pair.size])
        weight = np.empty(pair.size)
        weight[order] = np.repeat(1.0 / runs, runs)
        return weight

    @cached_property
    def votes(self) -> FloatArray:
        """Weighted vote counts, shape (n_tasks, n_classes)."""
        flat = weighted_bincount(
            self.task * self.n_classes + self.label, self.weight, self.n_tasks * self.n_classes
        )
        return flat.reshape(self.n_tasks, self.n_classes)

    @cached_property
    def task_by_worker_label(self) -> sp.csr_matrix:
        """Sparse (n_tasks, n_workers * n_classes) matrix: row t, column w*K+l holds the weight
        of worker w answering l on task t. Its product with per-(worker, label) log
        probabilities gives every task's log-likelihood, and its transpose times the task
        posteriors gives every worker's expected confusion counts: one sparse product per
        EM step each. (The transpose is used as a CSC view: walking tasks in order is several
        times faster than a worker-major CSR, which reads the posteriors at random.)"""
        columns = self.worker * self.n_classes + self.label
        shape = (self.n_tasks, self.n_workers * self.n_classes)
        return sp.csr_matrix((self.weight, (self.task, columns)), shape=shape)

    @cached_property
    def answered(self) -> NDArray[np.bool_]:
        """Tasks with at least one answer."""
        return np.bincount(self.task, minlength=self.n_tasks) > 0

    def worker_counts(self) -> FloatArray:
        """Number of (weighted) answers per worker."""
        return weighted_bincount(self.worker, self.weight, self.n_workers)


def check_gold(gold: ArrayLike | None, answers: Answers) -> IntArray | None:
    """Validate a gold array: one entry per task, a class code or NO_GOLD."""
    if gold is None:
        return None
    codes = np.asarray(gold)
    if codes.shape != (answers.n_tasks,) or not np.issubdtype(codes.dtype, np.integer):
        raise ValueError(f"gold must be an integer array of shape ({answers.n_tasks},)")
    if ((codes < NO_GOLD) | (codes >= answers.n_classes)).any():
        raise ValueError(f"gold codes must be {NO_GOLD} (unknown) or below {answers.n_classes}")
    return codes.astype(np.int64, copy=False)


def responder_weights(
    response_task: ArrayLike,
    response_worker: ArrayLike,
    item_task: IntArray,
    item_worker: IntArray,
    skill: ArrayLike | None = None,
) -> tuple[FloatArray, FloatArray]:
    """(skill per worker, total skill of the workers who responded to each task) for shapes
    where a response holds several items (spans, boxes) or none at all.

    A worker counts once per task however often they responded; every item (task, worker)
    must belong to a response, since a worker who drew nothing still votes "nothing here".
    """
    responses = Answers(response_task, response_worker, np.zeros(np.size(response_task), int))
    n_workers = max(responses.n_workers, int(item_worker.max(initial=-1)) + 1)
    n_tasks = max(responses.n_tasks, int(item_task.max(initial=-1)) + 1)
    skills = np.ones(n_workers) if skill is None else np.asarray(skill, dtype=float)
    if skills.shape != (n_workers,):
        raise ValueError(f"skill must have one entry per worker ({n_workers})")
    responded = np.zeros(n_tasks * n_workers, dtype=bool)
    responded[responses.task * n_workers + responses.worker] = True
    if not responded[item_task * n_workers + item_worker].all():
        raise ValueError("every item must belong to a listed response (task, worker)")
    task_weight = weighted_bincount(
        responses.task, responses.weight * skills[responses.worker], n_tasks
    )
    return skills, task_weight


def _factorize(values: Iterable[str], index: dict[str, int]) -> IntArray:
    """Codes in order of first appearance; `index` is extended in place."""
    return np.fromiter((index.setdefault(v, len(index)) for v in values), dtype=np.int64, count=-1)


def _class_order(names: Iterable[str]) -> list[str]:
    """Numeric labels sort by value (so ordinal and interval measures see 1 < 2 < 10),
    anything else sorts as text."""
    unique = sorted(set(names))
    try:
        return sorted(unique, key=float)
    except ValueError:
        return unique


@dataclass(frozen=True)
class Encoded:
    """Answers coded from string records, with the names to decode results."""

    answers: Answers
    tasks: list[str]
    workers: list[str]
    classes: list[str]
    gold: IntArray | None

    def task_names(self, codes: IntArray) -> list[str]:
        return [self.tasks[c] for c in codes]

    def class_names(self, codes: IntArray) -> list[str]:
        return [self.classes[c] for c in codes]


def encode_records(
    tasks: Sequence[str],
    workers: Sequence[str],
    labels: Sequence[str],
    gold_tasks: Sequence[str] = (),
    gold_labels: Sequence[str] = (),
) -> Encoded:
    """Code string records; tasks and workers in order of first appearance, classes sorted.

    Gold for a task nobody answered is dropped (it cannot inform any annotator); a gold
    class nobody answered is still added to the classes.
    """
    if not len(tasks) == len(workers) == len(labels):
        raise ValueError("tasks, workers and labels must have the same length")
    if len(gold_tasks) != len(gold_labels):
        raise ValueError("gold_tasks and gold_labels must have the same length")
    task_index: dict[str, int] = {}
    worker_index: dict[str, int] = {}
    task = _factorize(tasks, task_index)
    worker = _factorize(workers, worker_index)
    classes = _class_order([*labels, *gold_labels])
    class_index = {name: code for code, name in enumerate(classes)}
    label = np.fromiter((class_index[v] for v in labels), dtype=np.int64, count=len(labels))
    answers = Answers(task, worker, label, len(task_index), len(worker_index), len(classes))
    gold = None
    if len(gold_tasks):
        gold = np.full(answers.n_tasks, NO_GOLD, dtype=np.int64)
        for name, value in zip(gold_tasks, gold_labels, strict=True):
            if name in task_index:
                gold[task_index[name]] = class_index[value]
    return Encoded(answers, list(task_index), list(worker_index), classes, gold)
