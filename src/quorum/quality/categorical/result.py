"""What every categorical method returns, and the few steps they all share."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from quorum.quality.encode import NO_GOLD, Answers, FloatArray, IntArray, weighted_bincount


@dataclass(frozen=True)
class CategoricalResult:
    """Per-task posteriors and labels, per-worker skill.

    `confusion[w, k, l]` is P(worker w answers l | true class k) for models that have one
    (None otherwise); `worker_accuracy[w]` is the probability that w answers correctly under
    the model. Gold tasks carry their gold label with confidence 1. `tied` marks tasks whose
    top posterior was shared by several classes (the tie is broken by `argmax_labels`).
    """

    posteriors: FloatArray
    labels: IntArray
    confidence: FloatArray
    worker_accuracy: FloatArray
    class_prior: FloatArray
    tied: NDArray[np.bool_]
    confusion: FloatArray | None = None
    n_iter: int = 0
    converged: bool = True


def argmax_labels(
    scores: FloatArray, class_weight: FloatArray
) -> tuple[IntArray, NDArray[np.bool_]]:
    """Row-wise argmax with ties broken deterministically: the tied class with the larger
    `class_weight` (e.g. the overall frequency) wins, then the lower class code.

    Returns the labels and a boolean mask of rows that had a tie.
    """
    labels = scores.argmax(axis=1)
    tied_mask = scores == scores[np.arange(labels.size), labels][:, None]
    tied = np.count_nonzero(tied_mask, axis=1) > 1
    if tied.any():
        n_classes = scores.shape[1]
        priority = np.empty(n_classes, dtype=np.int64)
        order = np.argsort(-np.asarray(class_weight), kind="stable")
        priority[order] = np.arange(n_classes, 0, -1)
        labels[tied] = np.argmax(np.where(tied_mask[tied], priority, 0), axis=1)
    return labels, tied


def normalise_log(
    log_scores: FloatArray, reference: IntArray | None = None
) -> tuple[FloatArray, FloatArray]:
    """Softmax over rows in place; returns (probabilities, log normaliser per row).

    Rows are shifted by their score at the `reference` class (e.g. the majority vote) rather
    than by their maximum when given: on narrow (n_tasks, K) arrays a row maximum costs more
    than the exponentials, and EM runs this every iteration. If some score exceeds its
    reference by so much that exp would overflow, the row maxima are used after all. Row sums
    go through a matrix-vector product, several times faster than `sum(axis=1)` here."""
    if reference is None:
        shift = log_scores.max(axis=1)
    else:
        shift = log_scores[np.arange(reference.size), reference]
    log_scores -= shift[:, None]
    if reference is not None and log_scores.max(initial=0.0) > 700.0:
        excess = log_scores.max(axis=1)
        log_scores -= excess[:, None]
        shift += excess
    np.exp(log_scores, out=log_scores)
    total = log_scores @ np.ones(log_scores.shape[1])
    log_scores *= (1.0 / total)[:, None]
    return log_scores, shift + np.log(total)


def gold_tasks(gold: IntArray | None) -> tuple[NDArray[np.intp], IntArray]:
    """(tasks with a gold label, their labels); both empty without gold."""
    if gold is None:
        return np.empty(0, dtype=np.intp), np.empty(0, dtype=np.int64)
    known = np.flatnonzero(gold != NO_GOLD)
    return known, gold[known]


def clamp_gold(posteriors: FloatArray, gold: IntArray | None) -> FloatArray:
    """Set gold tasks to a one-hot posterior on their gold label (in place)."""
    if gold is not None:
        known, label = gold_tasks(gold)
        posteriors[known] = 0.0
        posteriors[known, label] = 1.0
    return posteriors


def soft_accuracy(answers: Answers, posteriors: FloatArray) -> FloatArray:
    """Expected fraction of each worker's answers that are correct under the posteriors;
    workers without answers get NaN."""
    hit = posteriors[answers.task, answers.label] * answers.weight
    total = answers.worker_counts()
    correct = weighted_bincount(answers.worker, hit, answers.n_workers)
    with np.errstate(invalid="ignore", divide="ignore"):
        return correct / total


def finish(
    posteriors: FloatArray,
    *,
    worker_accuracy: FloatArray,
    class_prior: FloatArray,
    confusion: FloatArray | None = None,
    n_iter: int = 0,
    converged: bool = True,
    tie_break: FloatArray | None = None,
) -> CategoricalResult:
    """Labels and confidence from posteriors; ties go to the class with the larger
    `tie_break` weight (default: the class prior)."""
    labels, tied = argmax_labels(posteriors, class_prior if tie_break is None else tie_break)
    return CategoricalResult(
        posteriors=posteriors,
        labels=labels,
        confidence=posteriors[np.arange(labels.size), labels],
        worker_accuracy=worker_accuracy,
        class_prior=class_prior,
        tied=tied,
        confusion=confusion,
        n_iter=n_iter,
        converged=converged,
    )
