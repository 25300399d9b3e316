"""Independent Bayesian Classifier Combination (Kim & Ghahramani 2012), variational Bayes.

The Dawid-Skene model with Dirichlet priors on every confusion row and on the class
proportions, integrated over instead of point-estimated: the E-step uses E[log pi] under the
Dirichlet posteriors (Simpson et al. 2013). Workers with few answers are pulled toward the
prior instead of getting hard zeros, which makes it the method of choice for sparse data
(few answers per worker or per task) and for calibrated confidences.
"""

from __future__ import annotations

from functools import partial

import numpy as np
from numpy.typing import ArrayLike
from scipy.special import digamma

from quorum.quality.categorical.em import Estimate, run_em
from quorum.quality.categorical.result import CategoricalResult
from quorum.quality.encode import Answers, FloatArray, check_gold


def _dirichlet_log_mean(concentration: FloatArray) -> FloatArray:
    """E[log p] under Dirichlet(concentration) along the last axis."""
    log_mean: FloatArray = digamma(concentration) - digamma(
        concentration.sum(axis=-1, keepdims=True)
    )
    return log_mean


def _vb_step(
    counts: FloatArray, class_counts: FloatArray, *, accuracy: float, strength: float, prior: float
) -> Estimate:
    k = counts.shape[-1]
    off = strength * (1.0 - accuracy) / max(k - 1, 1)
    alpha = counts + off + (strength * accuracy - off) * np.eye(k)
    nu = class_counts + prior
    return Estimate(
        log_confusion=_dirichlet_log_mean(alpha),
        log_prior=_dirichlet_log_mean(nu),
        confusion=alpha / alpha.sum(axis=-1, keepdims=True),
        prior=nu / nu.sum(),
    )


def ibcc(
    answers: Answers,
    gold: ArrayLike | None = None,
    *,
    prior_accuracy: float = 0.7,
    prior_strength: float = 2.0,
    class_prior: float = 1.0,
    tol: float = 1e-5,
    max_iter: int = 100,
) -> CategoricalResult:
    """IBCC-VB. Each confusion row has a Dirichlet prior worth `prior_strength` answers, of
    which a share `prior_accuracy` is on the correct class and the rest spread evenly: a weak
    belief that workers beat chance, whatever the number of classes. Class proportions get a
    symmetric Dirichlet(`class_prior`). `confusion` reports posterior means."""
    m_step = partial(_vb_step, accuracy=prior_accuracy, strength=prior_strength, prior=class_prior)
    return run_em(answers, check_gold(gold, answers), m_step, tol=tol, max_iter=max_iter)
