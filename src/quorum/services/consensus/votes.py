"""What the adapters share: annotator weights, one-coin posteriors, the support a consensus gets
from the answers it was built from, and the one-to-one matching of objects."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import orjson
from numpy.typing import NDArray
from scipy.optimize import linear_sum_assignment
from scipy.special import expit

from quorum.quality import decide
from quorum.quality.skill import vote_weight
from quorum.services.consensus.base import DEFAULT_ACCURACY

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]


def posterior(
    labels: Sequence[int], n_classes: int, accuracies: Sequence[float]
) -> tuple[int, float]:
    """The one-coin posterior's label and its probability."""
    # Below chance is treated as no information, never as a vote for the other labels: an
    # estimate that low comes from too few answers far more often than from a saboteur.
    chance = 1.0 / n_classes
    floored = [a if math.isnan(a) else max(a, chance) for a in accuracies]
    decision = decide(
        labels,
        n_classes,
        accuracy=floored,
        default_accuracy=DEFAULT_ACCURACY,
        target=1.0,
        max_overlap=len(labels) + 1,
    )
    return decision.label, decision.confidence


def canonical(value: Any) -> Any:
    """`value` with every list of strings sorted: chosen categories in another order are the
    same answer."""
    if isinstance(value, dict):
        return {k: canonical(v) for k, v in value.items()}
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return sorted(value)
    if isinstance(value, list):
        return [canonical(v) for v in value]
    return value


def same_answer_key(value: Any) -> bytes:
    """Equal keys for the same answer: its canonical JSON."""
    return orjson.dumps(canonical(value), option=orjson.OPT_SORT_KEYS)


def vote_distinct(values: Sequence[Any], accuracies: Sequence[float]) -> tuple[int, float]:
    """Equal (canonical) JSON is the same answer: the index of the first answer with the
    winning value, and the posterior of that value."""
    keys = [same_answer_key(v) for v in values]
    distinct = list(dict.fromkeys(keys))
    label, confidence = posterior(
        [distinct.index(k) for k in keys], max(2, len(distinct)), accuracies
    )
    return keys.index(distinct[label]), confidence


def weights(accuracies: Sequence[float]) -> FloatArray:
    """The log-odds a yes/no vote of each annotator carries under the one-coin model.

    Segment voting and object fusion count annotators with these weights, so that their
    weighted majority is the posterior's decision. Below chance is no information; the floor
    sits just above it because the engine divides by the total weight.
    """
    p = np.array([DEFAULT_ACCURACY if math.isnan(a) else a for a in accuracies], dtype=float)
    return vote_weight(np.maximum(p, 0.5 + 1e-3), 2)


def support(agreement: Sequence[float], accuracies: Sequence[float]) -> float:
    """P(the consensus is right) when every annotator votes for it with the share of it they
    agree with: log-odds sum of weight * (2 * agreement - 1). One answer gives its annotator's
    accuracy, every agreeing annotator raises it, an even split gives 0.5. The consensus is
    taken as one of two answers, which undercounts agreement on structured answers (where
    agreeing by chance is rarer): on the safe side for adaptive overlap."""
    return float(expit(weights(accuracies) @ (2.0 * np.asarray(agreement, dtype=float) - 1.0)))


def weighted_median(values: Sequence[float], accuracies: Sequence[float]) -> int:
    """Index of the answer at the weighted median of `values` (the lower one on an even split):
    a real answer, so it keeps the field's integer and range rules, and a wild value or two
    cannot drag it."""
    order = np.argsort(np.asarray(values, dtype=float), kind="stable")
    w = weights(accuracies)[order]
    return int(order[np.searchsorted(np.cumsum(w), w.sum() / 2)])


def matched_pairs(similarity: FloatArray, threshold: float) -> tuple[IntArray, IntArray]:
    """The one-to-one pairing of rows with columns of most total similarity (Hungarian), keeping
    the pairs at least `threshold` alike."""
    rows, cols = linear_sum_assignment(similarity, maximize=True)
    keep = similarity[rows, cols] >= threshold
    return rows[keep], cols[keep]


def f1(credit: float, n_a: int, n_b: int) -> float:
    """F1 of two sets of objects given the credit of their matched pairs (1 each when exact)."""
    return 1.0 if n_a + n_b == 0 else 2.0 * credit / (n_a + n_b)
