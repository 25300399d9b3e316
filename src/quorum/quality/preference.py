"""Pairwise preferences and rankings: Bradley-Terry with ties, and a noisy-annotator variant.

Ties follow Davidson (1970): P(i beats j) ∝ pi_i, P(tie) ∝ nu * sqrt(pi_i * pi_j); they are
modelled only when the data contain ties. The noisy variant follows CrowdBT (Chen et al.
2013): annotator w reports the true preference with probability eta_w and the reverse
otherwise, so careless or adversarial annotators are discounted instead of trusted. Both are
fitted as MAP estimates with L-BFGS on vectorised gradients; scores have a Gaussian prior,
which also keeps items that never lost (or never won) finite.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike
from scipy.optimize import minimize
from scipy.special import expit, logit, ndtr

from quorum.quality.encode import FloatArray, IntArray, weighted_bincount

FIRST, SECOND, TIE = 0, 1, 2
"""Outcome codes: the first item won, the second won, or the annotator called a tie."""

_WIN_SHARE = np.array([[1.0, 0.0, 0.5], [0.0, 1.0, 0.5]])
"""Points each side gets for outcomes (first wins, second wins, tie)."""


@dataclass(frozen=True)
class PreferenceResult:
    """score = log-strength (mean zero), order = items best first, stderr of each score from
    the Fisher information, confidence[i] = P(item i truly ranks above the item after it in
    `order`) (NaN for the last), tie_strength = Davidson's nu (0 without ties),
    worker_reliability = eta per annotator (None for the plain model)."""

    score: FloatArray
    order: IntArray
    stderr: FloatArray
    confidence: FloatArray
    tie_strength: float
    worker_reliability: FloatArray | None
    converged: bool


class _Model:
    def __init__(
        self,
        first: IntArray,
        second: IntArray,
        outcome: IntArray,
        worker: IntArray | None,
        n_items: int,
        n_workers: int,
        score_scale: float,
        reliability_prior: float,
    ) -> None:
        self.first, self.second, self.outcome, self.worker = first, second, outcome, worker
        self.n_items, self.n_workers = n_items, n_workers
        self.ties = bool((outcome == TIE).any())
        self.precision = 1.0 / score_scale**2
        self.z_prior = logit(reliability_prior)
        rows = np.arange(outcome.size)
        self.observed = np.zeros((outcome.size, 3), dtype=bool)
        self.observed[rows, outcome] = True

    def unpack(self, x: FloatArray) -> tuple[FloatArray, float, FloatArray | None]:
        n = self.n_items
        theta = float(x[n]) if self.ties else -np.inf
        z = x[n + self.ties :] if self.worker is not None else None
        return x[:n], theta, z

    def probabilities(self, s: FloatArray, theta: float) -> FloatArray:
        """(comparisons, 3) probabilities of (first wins, second wins, tie)."""
        si, sj = s[self.first], s[self.second]
        logits = np.stack([si, sj, theta + 0.5 * (si + sj)], axis=1)
        logits -= logits.max(axis=1, keepdims=True)
        p = np.exp(logits)
        shares: FloatArray = p / p.sum(axis=1, keepdims=True)
        return shares

    def mixing(self, eta: FloatArray | None) -> FloatArray:
        """Weight of each true outcome in the observed one: a reported win is the true win
        with probability eta and the reversed one otherwise; a reported tie is a tie."""
        mix = self.observed.astype(float)
        if eta is not None:
            e = eta[self.worker]
            wins = ~self.observed[:, TIE]
            mix[wins, :2] = np.where(self.observed[wins, :2], e[wins, None], 1 - e[wins, None])
        return mix

    def __call__(self, x: FloatArray) -> tuple[float, FloatArray]:
        s, theta, z = self.unpack(x)
        eta = None if z is None else expit(z)
        p = self.probabilities(s, theta)
        weighted = self.mixing(eta) * p
        q = weighted.sum(axis=1)
        # d log q / d s_side = E_posterior[points of side] - E_model[points of side]
        posterior = weighted / q[:, None]
        grad_side = posterior @ _WIN_SHARE.T - p @ _WIN_SHARE.T
        grad_s = weighted_bincount(self.first, grad_side[:, 0], self.n_items)
        grad_s += weighted_bincount(self.second, grad_side[:, 1], self.n_items)
        grad_s -= self.precision * s
        value = np.log(q).sum() - 0.5 * self.precision * (s**2).sum()
        grads = [grad_s]
        if self.ties:
            grads.append(np.array([(posterior[:, TIE] - p[:, TIE]).sum() - theta / 4.0]))
            value -= theta**2 / 8.0
        if z is not None:
            assert eta is not None and self.worker is not None  # both come with z
            sign = np.where(self.observed[:, FIRST], 1.0, -1.0) * ~self.observed[:, TIE]
            dq = sign * (p[:, FIRST] - p[:, SECOND]) * (eta * (1 - eta))[self.worker]
            grads.append(
                weighted_bincount(self.worker, dq / q, self.n_workers) - (z - self.z_prior)
            )
            value -= 0.5 * ((z - self.z_prior) ** 2).sum()
        return -value, -np.concatenate(grads)

    def covariance(self, s: FloatArray, theta: float, eta: FloatArray | None) -> FloatArray:
        """Inverse Fisher information of the centred scores (noisy reports scaled by
        (2 eta - 1)^2, the information left in a report that is flipped with 1 - eta)."""
        p = self.probabilities(s, theta)
        mean_first = p[:, FIRST] + 0.5 * p[:, TIE]
        info = p[:, FIRST] + 0.25 * p[:, TIE] - mean_first**2
        if eta is not None:
            info = info * (2 * eta[self.worker] - 1) ** 2
        n = self.n_items
        i, j = self.first, self.second
        laplacian = weighted_bincount(i * n + j, info, n * n)
        laplacian += weighted_bincount(j * n + i, info, n * n)
        laplacian = -laplacian.reshape(n, n)
        laplacian[np.diag_indices(n)] = -laplacian.sum(axis=1) + self.precision
        cov = np.linalg.inv(laplacian).astype(np.float64, copy=False)
        # scores are reported centred; remove the common shift only the prior pins down
        cov -= cov.mean(axis=0, keepdims=True)
        cov -= cov.mean(axis=1, keepdims=True)
        return cov


def bradley_terry(
    first: ArrayLike,
    second: ArrayLike,
    outcome: ArrayLike,
    *,
    worker: ArrayLike | None = None,
    n_items: int | None = None,
    n_workers: int | None = None,
    score_scale: float = 3.0,
    reliability_prior: float = 0.8,
    max_iter: int = 500,
) -> PreferenceResult:
    """Fit Bradley-Terry(-Davidson); pass `worker` to fit the noisy-annotator variant.

    `score_scale` is the prior standard deviation of the log-strengths; `reliability_prior`
    the prior mean reliability of an annotator (it also fixes which of the two mirror-image
    solutions is meant). The confidences use the full score covariance: cubic in the number
    of items, fine for thousands.
    """
    i = np.asarray(first, dtype=np.int64)
    j = np.asarray(second, dtype=np.int64)
    o = np.asarray(outcome, dtype=np.int64)
    if not i.size == j.size == o.size:
        raise ValueError("first, second and outcome must have the same length")
    if ((o < FIRST) | (o > TIE)).any() or (i == j).any():
        raise ValueError("outcome must be 0, 1 or 2, and an item cannot be compared with itself")
    n = int(max(i.max(initial=-1), j.max(initial=-1))) + 1 if n_items is None else n_items
    w = None if worker is None else np.asarray(worker, dtype=np.int64)
    n_w = 0 if w is None else (int(w.max(initial=-1)) + 1 if n_workers is None else n_workers)
    model = _Model(i, j, o, w, n, n_w, score_scale, reliability_prior)
    start = np.concatenate([np.zeros(n), np.zeros(int(model.ties)), np.full(n_w, model.z_prior)])
    fit = minimize(model, start, jac=True, method="L-BFGS-B", options={"maxiter": max_iter})
    s, theta, z = model.unpack(fit.x)
    eta = None if z is None else expit(z)
    s = s - s.mean()
    order = np.argsort(-s, kind="stable")
    cov = model.covariance(s, theta, eta)
    a, b = order[:-1], order[1:]
    gap_sd = np.sqrt(np.maximum(cov[a, a] + cov[b, b] - 2 * cov[a, b], 1e-300))
    confidence = np.full(n, np.nan)
    confidence[a] = ndtr((s[a] - s[b]) / gap_sd)
    return PreferenceResult(
        score=s,
        order=order,
        stderr=np.sqrt(np.diag(cov)),
        confidence=confidence,
        tie_strength=float(np.exp(theta)),
        worker_reliability=eta,
        converged=bool(fit.success),
    )


def rankings_to_comparisons(
    ranking: ArrayLike, item: ArrayLike, position: ArrayLike
) -> tuple[IntArray, IntArray, IntArray, IntArray]:
    """Break rankings into all their pairwise comparisons (rank breaking).

    Rows (ranking[r], item[r], position[r]) say that `item` was placed at `position` (lower =
    better) in ranking `ranking`; equal positions are ties. Returns (first, second, outcome,
    ranking of each comparison) for `bradley_terry`.
    """
    g = np.asarray(ranking, dtype=np.int64)
    items = np.asarray(item, dtype=np.int64)
    pos = np.asarray(position)
    order = np.lexsort((pos, g))
    g, items, pos = g[order], items[order], pos[order]
    group_end = np.searchsorted(g, g, side="right")
    partners = group_end - np.arange(g.size) - 1
    left = np.repeat(np.arange(g.size), partners)
    offset = np.arange(left.size) - np.repeat(np.cumsum(partners) - partners, partners)
    right = left + 1 + offset
    outcome = np.where(pos[left] == pos[right], TIE, FIRST)
    return items[left], items[right], outcome, g[left]


def kendall_tau(a: ArrayLike, b: ArrayLike) -> float:
    """Kendall's tau-b between two rankings of the same items, given as each item's position
    (lower = better, equal = tied): 1 for the same order, -1 for the reverse, 0 for no
    relation. NaN when it is undefined: fewer than two items, or one ranking all ties."""
    x, y = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if x.shape != y.shape or x.ndim != 1:
        raise ValueError("both rankings must give a position for the same items")
    i, j = np.triu_indices(x.size, 1)
    dx, dy = np.sign(x[i] - x[j]), np.sign(y[i] - y[j])
    denominator = np.sqrt(float(np.count_nonzero(dx)) * float(np.count_nonzero(dy)))
    if denominator == 0:
        return float("nan")
    return float((dx * dy).sum() / denominator)
