"""GLAD, Generative model of Labels, Abilities and Difficulties (Whitehill et al. 2009).

A worker of ability alpha answers a task of inverse difficulty beta = exp(b) correctly with
probability sigmoid(alpha * beta), otherwise uniformly among the wrong classes. It is the one
model here with a parameter per task, so it helps when some items are much harder than others
and enough workers see each item to tell. Instead of EM with an inner optimiser, the marginal
log-likelihood is maximised directly with L-BFGS: its gradient is the expected complete-data
gradient under the current posteriors, so one optimiser run replaces the whole EM loop.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike
from scipy.optimize import minimize
from scipy.special import expit

from quorum.quality.categorical.result import CategoricalResult, finish, gold_tasks, normalise_log
from quorum.quality.encode import Answers, FloatArray, IntArray, check_gold, weighted_bincount


def _softplus(x: FloatArray) -> FloatArray:
    """log(1 + exp(x)), stable; three times faster than np.logaddexp(0, x) on large arrays."""
    return np.maximum(x, 0.0) + np.log1p(np.exp(-np.abs(x)))


class _Objective:
    """Negative marginal log-posterior of (alpha, b) and its gradient."""

    def __init__(
        self,
        answers: Answers,
        gold: IntArray | None,
        class_prior: FloatArray,
        alpha_prior: float,
        b_prior: float,
    ) -> None:
        self.answers = answers
        self.log_prior = np.log(class_prior)
        self.cell = answers.task * answers.n_classes + answers.label
        self.alpha_prior, self.b_prior = alpha_prior, b_prior
        self.known, self.known_label = gold_tasks(gold)
        self.log_wrong = np.log(max(answers.n_classes - 1, 1))

    def posteriors(self, x: FloatArray) -> tuple[float, FloatArray, FloatArray]:
        """(marginal log-likelihood, posteriors, per-answer sigmoid(alpha * beta))."""
        a = self.answers
        alpha, b = x[: a.n_workers], x[a.n_workers :]
        beta = np.exp(b)
        score = alpha[a.worker] * beta[a.task]
        # every answer adds log P(wrong) = log(1 - sigmoid(s)) - log(K-1) to all classes, and
        # log P(right) - log P(wrong) = s + log(K-1) on top to its own label
        log_wrong = -_softplus(score) - self.log_wrong
        base = weighted_bincount(a.task, a.weight * log_wrong, a.n_tasks)
        lift = weighted_bincount(
            self.cell, a.weight * (score + self.log_wrong), a.n_tasks * a.n_classes
        ).reshape(a.n_tasks, a.n_classes)
        scores = lift + base[:, None] + self.log_prior
        if self.known.size:
            keep = scores[self.known, self.known_label]
            scores[self.known] = -np.inf
            scores[self.known, self.known_label] = keep
        posteriors, normaliser = normalise_log(scores)
        return float(normaliser.sum()), posteriors, expit(score)

    def __call__(self, x: FloatArray) -> tuple[float, FloatArray]:
        a = self.answers
        alpha, b = x[: a.n_workers], x[a.n_workers :]
        value, posteriors, p_right = self.posteriors(x)
        correct = posteriors[a.task, a.label]
        g = a.weight * (correct - p_right)  # d loglik / d (alpha * beta) per answer
        beta = np.exp(b)
        grad_alpha = weighted_bincount(a.worker, g * beta[a.task], a.n_workers)
        grad_b = beta * weighted_bincount(a.task, g * alpha[a.worker], a.n_tasks)
        grad_alpha -= alpha - self.alpha_prior
        grad_b -= b - self.b_prior
        value -= (
            0.5 * ((alpha - self.alpha_prior) ** 2).sum() + 0.5 * ((b - self.b_prior) ** 2).sum()
        )
        return -value, -np.concatenate([grad_alpha, grad_b])


def glad(
    answers: Answers,
    gold: ArrayLike | None = None,
    *,
    class_prior: ArrayLike | None = None,
    alpha_prior: float = 1.0,
    b_prior: float = 0.0,
    tol: float = 1e-6,
    max_iter: int = 500,
) -> CategoricalResult:
    """GLAD with unit-variance Gaussian priors on each ability (mean `alpha_prior`) and log
    inverse difficulty (mean `b_prior`). As in the paper the class prior is fixed (uniform
    unless given): learning it let the majority class absorb the hard tasks, which cost 15
    points of accuracy on bluebirds and 4 on web-relevance. `worker_accuracy` is the model's
    probability that the worker was right, averaged over the tasks they answered."""
    gold = check_gold(gold, answers)
    k = answers.n_classes
    prior = np.full(k, 1.0 / k) if class_prior is None else np.asarray(class_prior, dtype=float)
    objective = _Objective(answers, gold, prior, alpha_prior, b_prior)
    start = np.concatenate(
        [np.full(answers.n_workers, alpha_prior), np.full(answers.n_tasks, b_prior)]
    )
    fit = minimize(
        objective, start, jac=True, method="L-BFGS-B", options={"maxiter": max_iter, "ftol": tol}
    )
    _, posteriors, p_right = objective.posteriors(fit.x)
    hits = weighted_bincount(answers.worker, answers.weight * p_right, answers.n_workers)
    with np.errstate(invalid="ignore"):
        accuracy = hits / answers.worker_counts()
    return finish(
        posteriors,
        worker_accuracy=accuracy,
        class_prior=prior,
        n_iter=int(fit.nit),
        converged=bool(fit.success),
    )
