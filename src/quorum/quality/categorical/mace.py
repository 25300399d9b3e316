"""MACE, Multi-Annotator Competence Estimation (Hovy et al. 2013), variational Bayes.

Each worker either knows the answer (with probability theta, their competence) or spams,
drawing a label from their own strategy distribution xi. The implied confusion matrix is
theta * I + (1 - theta) * xi, so MACE runs in the shared EM loop: the expected spam counts
follow from the expected confusion counts alone. It needs few parameters per worker and
singles out spammers (low theta) even when they favour one label; the class prior is uniform
as in the paper.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike
from scipy.special import digamma

from quorum.quality.categorical.em import Estimate, run_em
from quorum.quality.categorical.result import CategoricalResult
from quorum.quality.encode import Answers, FloatArray, check_gold


class _VBStep:
    """The MACE M-step. It keeps the previous theta and strategy: they decide how much of each
    worker's agreement with the truth came from knowing rather than lucky spamming."""

    def __init__(self, a: float, b: float, strategy: float) -> None:
        self.a, self.b, self.strategy = a, b, strategy
        self.theta: FloatArray | None = None
        self.spam: FloatArray | None = None

    def __call__(self, counts: FloatArray, class_counts: FloatArray) -> Estimate:
        k = counts.shape[-1]
        diagonal = np.diagonal(counts, axis1=1, axis2=2)
        # an answer equal to the truth came from knowing with odds theta : (1 - theta) xi_l;
        # before the first estimate, all of them are credited to knowing
        knows = diagonal
        if self.theta is not None and self.spam is not None:
            knows = diagonal * self.theta[:, None] / (self.theta[:, None] + self.spam)
        spam_counts = counts.sum(axis=1) - knows
        competent = self.a + knows.sum(axis=1)
        careless = self.b + spam_counts.sum(axis=1)
        xi = self.strategy + spam_counts
        total = digamma(competent + careless)
        log_xi = digamma(xi) - digamma(xi.sum(axis=1, keepdims=True))
        # subnormalised geometric means: the variational analogue of point estimates
        self.theta = np.exp(digamma(competent) - total)
        self.spam = np.exp(digamma(careless) - total)[:, None] * np.exp(log_xi)
        eye = np.eye(k)
        log_confusion = np.log(self.theta[:, None, None] * eye + self.spam[:, None, :])
        mean_theta = competent / (competent + careless)
        mean_xi = xi / xi.sum(axis=1, keepdims=True)
        confusion = (
            mean_theta[:, None, None] * eye + ((1 - mean_theta)[:, None] * mean_xi)[:, None, :]
        )
        uniform = np.full(k, 1.0 / k)
        return Estimate(log_confusion, np.log(uniform), confusion, uniform)


def mace(
    answers: Answers,
    gold: ArrayLike | None = None,
    *,
    competence_prior: tuple[float, float] = (0.5, 0.5),
    strategy_prior: float = 10.0,
    tol: float = 1e-5,
    max_iter: int = 100,
) -> CategoricalResult:
    """MACE-VB with Beta(competence_prior) on theta and a symmetric Dirichlet(strategy_prior)
    on each worker's spam strategy. `worker_accuracy` is P(correct) under the posterior
    means; the spam probability is 1 - theta."""
    m_step = _VBStep(*competence_prior, strategy=strategy_prior)
    return run_em(answers, check_gold(gold, answers), m_step, tol=tol, max_iter=max_iter)
