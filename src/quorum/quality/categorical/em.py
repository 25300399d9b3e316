"""The EM loop shared by every model whose workers are described by a confusion matrix.

Dawid-Skene, one-coin Dawid-Skene, MACE and IBCC differ only in how they turn expected
confusion counts into (log) confusion matrices; the E-step, gold clamping and convergence
test are the same, so they live here once. Both steps are one sparse-matrix product each:

    counts[w, k, l] = sum over w's answers l on task t of  posterior[t, k]
    loglik[t, k]    = log_prior[k] + sum over answers (w, l) on task t of  log_conf[w, k, l]
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from quorum.quality.categorical.majority import vote_shares
from quorum.quality.categorical.result import (
    CategoricalResult,
    clamp_gold,
    finish,
    gold_tasks,
    normalise_log,
)
from quorum.quality.encode import Answers, FloatArray, IntArray

LOG_FLOOR = np.log(1e-300)
"""Log-probabilities are floored here so that unsmoothed (maximum-likelihood) fits with
zero counts stay finite."""


@dataclass(frozen=True)
class Estimate:
    """One M-step: what the E-step needs (log_confusion, log_prior) and what is reported
    (confusion, prior: point estimates, equal to exp(log ...) except for Bayesian models)."""

    log_confusion: FloatArray
    log_prior: FloatArray
    confusion: FloatArray
    prior: FloatArray


MStep = Callable[[FloatArray, FloatArray], Estimate]
"""(expected counts (W, K, K), expected class counts (K,)) -> Estimate."""


def expected_counts(answers: Answers, posteriors: FloatArray) -> FloatArray:
    """counts[w, k, l]: expected number of times worker w answered l when the truth was k."""
    flat: FloatArray = answers.task_by_worker_label.T @ posteriors
    k = answers.n_classes
    return flat.reshape(answers.n_workers, k, k).transpose(0, 2, 1)


def task_log_likelihood(
    answers: Answers, log_confusion: FloatArray, log_prior: FloatArray
) -> FloatArray:
    """log P(task's answers, truth = k) for every task and class, shape (n_tasks, K)."""
    per_answer = np.ascontiguousarray(log_confusion.transpose(0, 2, 1))
    per_answer = per_answer.reshape(answers.n_workers * answers.n_classes, answers.n_classes)
    scores: FloatArray = answers.task_by_worker_label @ per_answer
    scores += log_prior
    return scores


def safe_log(p: FloatArray) -> FloatArray:
    """log(p), floored at LOG_FLOOR instead of -inf."""
    with np.errstate(divide="ignore"):
        floored: FloatArray = np.maximum(np.log(p), LOG_FLOOR)
    return floored


def model_accuracy(confusion: FloatArray, prior: FloatArray) -> FloatArray:
    """P(correct answer) per worker: sum_k prior[k] * confusion[w, k, k]."""
    accuracy: FloatArray = np.einsum("wkk,k->w", confusion, prior)
    return accuracy


def run_em(
    answers: Answers,
    gold: IntArray | None,
    m_step: MStep,
    *,
    tol: float,
    max_iter: int,
) -> CategoricalResult:
    """EM from soft majority-vote posteriors until the log-likelihood changes by less than
    `tol` (relative) or `max_iter` iterations. Gold tasks stay clamped to their label and
    count in the likelihood with their known class."""
    if max_iter < 1:
        raise ValueError("max_iter must be at least 1")
    posteriors = clamp_gold(vote_shares(answers)[0], gold)
    reference = posteriors.argmax(axis=1)  # rows are normalised around the initial labels
    informative = answers.answered.astype(float)
    known, known_label = gold_tasks(gold)
    if known.size:
        informative[known] = 1.0
    previous = -np.inf
    converged = False
    n_iter = 0
    while n_iter < max_iter and not converged:
        n_iter += 1
        estimate = m_step(expected_counts(answers, posteriors), informative @ posteriors)
        scores = task_log_likelihood(answers, estimate.log_confusion, estimate.log_prior)
        gold_part = scores[known, known_label].sum() if known.size else 0.0
        posteriors, normaliser = normalise_log(scores, reference)
        if known.size:
            normaliser[known] = 0.0
        loglik = float(informative @ normaliser) + gold_part
        converged = abs(loglik - previous) <= tol * abs(loglik)
        previous = loglik
        clamp_gold(posteriors, gold)
    return finish(
        posteriors,
        worker_accuracy=model_accuracy(estimate.confusion, estimate.prior),
        class_prior=estimate.prior,
        confusion=estimate.confusion,
        n_iter=n_iter,
        converged=converged,
    )
