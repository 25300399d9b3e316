"""Bradley-Terry with ties and the noisy-annotator variant."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import approx_fprime

from quorum.quality import bradley_terry, rankings_to_comparisons
from quorum.quality.preference import FIRST, SECOND, TIE, _Model


def comparisons(seed: int = 0, flippers: int = 0, ties: float = 0.1):
    rng = np.random.default_rng(seed)
    n_items, n_workers, n = 30, 20, 3000
    score = rng.normal(0, 1.5, n_items)
    first = rng.integers(0, n_items, n)
    second = (first + rng.integers(1, n_items, n)) % n_items
    worker = rng.integers(0, n_workers, n)
    p_first = 1 / (1 + np.exp(score[second] - score[first]))
    outcome = np.where(rng.random(n) < p_first, FIRST, SECOND)
    outcome = np.where(rng.random(n) < ties, TIE, outcome)
    flip = (worker < flippers) & (outcome != TIE) & (rng.random(n) < 0.8)
    outcome = np.where(flip, 1 - outcome, outcome)
    return first, second, outcome, worker, score


@pytest.mark.parametrize("noisy", [False, True])
def test_gradient_is_exact(noisy: bool) -> None:
    first, second, outcome, worker, _ = comparisons()
    model = _Model(
        first, second, outcome, worker if noisy else None, 30, 20 if noisy else 0, 3.0, 0.8
    )
    x = np.random.default_rng(1).normal(size=30 + 1 + (20 if noisy else 0))
    numeric = approx_fprime(x, lambda v: model(v)[0], 1e-6)
    np.testing.assert_allclose(model(x)[1], numeric, rtol=1e-4, atol=1e-3)


def test_scores_are_recovered_with_calibrated_confidence() -> None:
    first, second, outcome, _, score = comparisons()
    result = bradley_terry(first, second, outcome)
    assert np.corrcoef(result.score, score)[0, 1] > 0.93
    assert result.tie_strength > 0.1 and result.converged
    centred = score - score.mean()
    assert np.abs(result.score - centred).mean() < 3 * result.stderr.mean()
    assert np.isnan(result.confidence[result.order[-1]])
    a, b = result.order[:-1], result.order[1:]
    hit_rate = (score[a] > score[b]).mean()
    assert abs(result.confidence[a].mean() - hit_rate) < 0.15


def test_noisy_variant_discounts_flipping_annotators() -> None:
    first, second, outcome, worker, score = comparisons(flippers=5, ties=0.0)
    plain = bradley_terry(first, second, outcome)
    noisy = bradley_terry(first, second, outcome, worker=worker)
    assert plain.tie_strength == 0.0
    assert noisy.worker_reliability[:5].max() < 0.4 < 0.8 < noisy.worker_reliability[5:].min()
    assert np.corrcoef(noisy.score, score)[0, 1] > np.corrcoef(plain.score, score)[0, 1]


def test_rankings_break_into_pairs_with_ties() -> None:
    first, second, outcome, ranking = rankings_to_comparisons(
        [0, 0, 0, 1, 1], [5, 6, 7, 5, 7], [2, 1, 1, 0, 1]
    )
    pairs = sorted(
        zip(first.tolist(), second.tolist(), outcome.tolist(), ranking.tolist(), strict=True)
    )
    assert pairs == sorted([(6, 7, TIE, 0), (6, 5, FIRST, 0), (7, 5, FIRST, 0), (5, 7, FIRST, 1)])


def test_bad_outcomes_are_rejected() -> None:
    with pytest.raises(ValueError, match="outcome"):
        bradley_terry([0], [1], [3])
    with pytest.raises(ValueError, match="itself"):
        bradley_terry([0], [0], [0])
