"""Adaptive overlap: is one more answer worth buying for this task?

Routing calls `decide` on every submission, so it works on the handful of answers of one
task with plain NumPy on tiny arrays (tens of microseconds); `decide_all` does the same for
every task of a project at once after a model refit.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from quorum.quality.categorical.majority import one_coin_log_odds
from quorum.quality.categorical.result import argmax_labels, normalise_log
from quorum.quality.encode import Answers, FloatArray, IntArray, weighted_bincount
from quorum.quality.skill import vote_weight


@dataclass(frozen=True)
class Decision:
    """Posterior over classes for one task, its label and confidence, and whether to ask one
    more annotator (confidence below target and overlap below the maximum)."""

    posterior: FloatArray
    label: int
    confidence: float
    need_more: bool


def decide(
    labels: ArrayLike,
    n_classes: int,
    *,
    accuracy: ArrayLike | None = None,
    confusion: ArrayLike | None = None,
    class_prior: ArrayLike | None = None,
    target: float = 0.95,
    max_overlap: int = 5,
    default_accuracy: float = 0.7,
) -> Decision:
    """Posterior of one task from its answers so far.

    Give each answer's worker skill either as an accuracy (one-coin: errors spread evenly;
    NaN, e.g. a new worker, becomes `default_accuracy`) or as a confusion matrix
    (n_answers, K, K) from Dawid-Skene/IBCC/MACE; with neither, every worker gets
    `default_accuracy`. The class prior defaults to uniform.
    """
    labels = np.asarray(labels, dtype=np.int64)
    if class_prior is None:
        log_post = np.zeros(n_classes)
    else:
        log_post = np.log(np.asarray(class_prior, dtype=float))
    if confusion is not None:
        matrices = np.asarray(confusion, dtype=float)
        log_post = log_post + np.log(matrices[np.arange(labels.size), :, labels]).sum(axis=0)
    else:
        p = np.full(labels.size, default_accuracy) if accuracy is None else np.asarray(accuracy)
        p = np.where(np.isnan(p), default_accuracy, p)
        log_post = log_post + weighted_bincount(labels, vote_weight(p, n_classes), n_classes)
    posterior = np.exp(log_post - log_post.max())
    posterior /= posterior.sum()
    label = int(posterior.argmax())
    confidence = float(posterior[label])
    return Decision(posterior, label, confidence, confidence < target and labels.size < max_overlap)


@dataclass(frozen=True)
class Decisions:
    """`decide` for every task: labels, confidence and the need-more mask."""

    labels: IntArray
    confidence: FloatArray
    need_more: np.ndarray


def decide_all(
    answers: Answers,
    accuracy: ArrayLike,
    *,
    class_prior: ArrayLike | None = None,
    target: float = 0.95,
    max_overlap: int = 5,
    default_accuracy: float = 0.7,
) -> Decisions:
    """One-coin posteriors of all tasks from per-worker accuracies (e.g. a model's
    `worker_accuracy`), without refitting: the batch twin of `decide`."""
    k = answers.n_classes
    p = np.asarray(accuracy, dtype=float)
    scores = one_coin_log_odds(answers, np.where(np.isnan(p), default_accuracy, p))
    prior = np.full(k, 1.0 / k) if class_prior is None else np.asarray(class_prior, dtype=float)
    scores += np.log(prior)
    posteriors, _ = normalise_log(scores)
    labels, _ = argmax_labels(posteriors, prior)
    confidence = posteriors[np.arange(answers.n_tasks), labels]
    overlap = weighted_bincount(answers.task, answers.weight, answers.n_tasks)
    return Decisions(labels, confidence, (confidence < target) & (overlap < max_overlap))
