"""Numeric ratings: a task's value after removing each annotator's personal bias.

Model: rating = task value + annotator bias + noise. Harsh and lenient raters shift every
rating they give; when annotators see different subsets of tasks a plain mean confounds the
task with who happened to rate it. The mean version fits the model by least squares
(alternating updates, a few dozen vectorised passes); the median version fits it with
alternating medians (Tukey's median polish), robust to a few wild ratings. Median polish
need not settle exactly; it stops at `max_iter` with changes at the noise level.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike
from scipy.special import ndtri

from quorum.quality.encode import FloatArray, IntArray, weighted_bincount


@dataclass(frozen=True)
class RatingResult:
    """value[t] with a standard error and a central interval at `level`; bias[w] per
    annotator (positive = rates high). Tasks without ratings get NaN."""

    value: FloatArray
    stderr: FloatArray
    low: FloatArray
    high: FloatArray
    bias: FloatArray
    n_iter: int


def group_median(group: IntArray, values: FloatArray, n_groups: int) -> FloatArray:
    """Median of `values` within each group (NaN for empty groups), vectorised by sorting."""
    order = np.lexsort((values, group))
    counts = np.bincount(group, minlength=n_groups)
    starts = np.r_[0, np.cumsum(counts)[:-1]]
    present = counts > 0
    lower = starts + (counts - 1) // 2
    upper = starts + counts // 2
    median = np.full(n_groups, np.nan)
    sorted_values = values[order]
    median[present] = 0.5 * (sorted_values[lower[present]] + sorted_values[upper[present]])
    return median


def group_mean(group: IntArray, values: FloatArray, n_groups: int) -> FloatArray:
    """Mean of `values` within each group (NaN for empty groups)."""
    sums = weighted_bincount(group, values, n_groups)
    with np.errstate(invalid="ignore", divide="ignore"):
        return sums / np.bincount(group, minlength=n_groups)


GroupCentre = Callable[[IntArray, FloatArray, int], FloatArray]
Centre = Callable[[FloatArray], float]

_CENTRES: dict[str, tuple[GroupCentre, Centre]] = {
    "mean": (group_mean, np.mean),
    "median": (group_median, np.median),
}
"""Per-group centre and the overall centre the biases are anchored at."""


def _one_rating_per_pair(
    task: ArrayLike, worker: ArrayLike, rating: ArrayLike
) -> tuple[IntArray, IntArray, FloatArray]:
    """Validate, and average an annotator's repeated ratings of a task into one: like a
    repeated categorical answer, a resubmission is not a second opinion."""
    t = np.asarray(task, dtype=np.int64)
    w = np.asarray(worker, dtype=np.int64)
    r = np.asarray(rating, dtype=float)
    if not t.size == w.size == r.size:
        raise ValueError("task, worker and rating must have the same length")
    if not np.isfinite(r).all():
        raise ValueError("ratings must be finite numbers")
    pairs, inverse, counts = np.unique(
        np.stack([t, w], axis=1), axis=0, return_inverse=True, return_counts=True
    )
    mean = weighted_bincount(inverse.ravel(), r, len(pairs)) / counts
    return pairs[:, 0], pairs[:, 1], mean


def aggregate_ratings(
    task: ArrayLike,
    worker: ArrayLike,
    rating: ArrayLike,
    *,
    statistic: Literal["mean", "median"] = "mean",
    n_tasks: int | None = None,
    n_workers: int | None = None,
    bias_shrinkage: float = 1.0,
    level: float = 0.95,
    tol: float = 1e-6,
    max_iter: int = 50,
) -> RatingResult:
    """Bias-corrected mean or median per task.

    Biases are shrunk toward zero as if each annotator had `bias_shrinkage` extra ratings
    with no bias (an annotator with one rating cannot be told apart from their task), then
    centred so that the typical annotator (mean, or median for the median) has bias zero.
    The standard error uses the pooled residual spread (times sqrt(pi/2) for the median).
    """
    if statistic not in _CENTRES:
        raise ValueError("statistic must be 'mean' or 'median'")
    centre, anchor = _CENTRES[statistic]
    t, w, r = _one_rating_per_pair(task, worker, rating)
    n_t = int(t.max(initial=-1)) + 1 if n_tasks is None else n_tasks
    n_w = int(w.max(initial=-1)) + 1 if n_workers is None else n_workers
    per_worker = np.bincount(w, minlength=n_w)
    shrink = per_worker / (per_worker + bias_shrinkage)
    rated = per_worker > 0
    bias = np.zeros(n_w)
    n_iter = 0
    while n_iter < max_iter:
        n_iter += 1
        value = centre(t, r - bias[w], n_t)
        new_bias = np.nan_to_num(centre(w, r - value[t], n_w)) * shrink
        new_bias[rated] -= anchor(new_bias[rated])
        change = np.abs(new_bias - bias).max(initial=0.0)
        bias = new_bias
        if change <= tol:
            break
    value = centre(t, r - bias[w], n_t)
    residual = r - bias[w] - value[t]
    dof = r.size - np.unique(t).size - int(rated.sum()) + 1  # the model's free parameters
    spread = np.sqrt((residual**2).sum() / max(dof, 1))
    with np.errstate(divide="ignore"):
        stderr = spread / np.sqrt(np.bincount(t, minlength=n_t))
    if statistic == "median":
        stderr *= np.sqrt(np.pi / 2)
    half = ndtri(0.5 + level / 2) * stderr
    return RatingResult(value, stderr, value - half, value + half, bias, n_iter)
