"""Multi-label aggregation and bias-corrected ratings."""

from __future__ import annotations

import numpy as np
import pytest

from quorum.quality import aggregate_multilabel, aggregate_ratings


def multilabel_crowd(seed: int = 0):
    rng = np.random.default_rng(seed)
    n_tasks, n_labels, n_workers, per_task = 400, 5, 20, 5
    truth = rng.random((n_tasks, n_labels)) < 0.3
    accuracy = rng.uniform(0.6, 0.95, (n_workers, n_labels))
    accuracy[0, 2] = 0.1  # worker 0 misreads label 2
    task = np.repeat(np.arange(n_tasks), per_task)
    worker = np.concatenate(
        [rng.choice(n_workers, per_task, replace=False) for _ in range(n_tasks)]
    )
    right = rng.random((task.size, n_labels)) < accuracy[worker]
    selected = np.where(right, truth[task], ~truth[task])
    return task, worker, selected, truth


@pytest.mark.parametrize("method", ["one-coin", "ds", "ibcc"])
def test_multilabel_models_beat_per_label_majority(method: str) -> None:
    task, worker, selected, truth = multilabel_crowd()
    majority = aggregate_multilabel(task, worker, selected, method="mv")
    result = aggregate_multilabel(task, worker, selected, method=method)
    assert result.probability.shape == truth.shape
    assert (result.selected == truth).mean() > (majority.selected == truth).mean() + 0.02
    np.testing.assert_allclose(
        result.confidence, np.maximum(result.probability, 1 - result.probability)
    )


def test_multilabel_learns_per_label_skill_and_keeps_gold() -> None:
    task, worker, selected, truth = multilabel_crowd(1)
    gold = np.full(truth.shape, -1)
    gold[:10] = truth[:10]
    result = aggregate_multilabel(task, worker, selected, method="ds", gold=gold)
    np.testing.assert_array_equal(result.selected[:10], truth[:10])
    assert result.worker_accuracy[0, 2] < 0.3 < result.worker_accuracy[0, [0, 1, 3, 4]].min()
    shared = aggregate_multilabel(task, worker, selected, per_label_skill=False)
    assert shared.worker_accuracy.shape == (20, 5)
    np.testing.assert_allclose(shared.worker_accuracy[:, 0], shared.worker_accuracy[:, 4])


def rating_crowd(seed: int = 0):
    rng = np.random.default_rng(seed)
    n_tasks, n_workers = 400, 30
    value = rng.normal(3.0, 1.0, n_tasks)
    bias = rng.normal(0.0, 0.8, n_workers)
    bias -= bias.mean()
    task = np.repeat(np.arange(n_tasks), 4)
    worker = rng.integers(0, n_workers, task.size)
    rating = value[task] + bias[worker] + rng.normal(0, 0.3, task.size)
    return task, worker, rating, value, bias


@pytest.mark.parametrize("statistic", ["mean", "median"])
def test_bias_correction_beats_the_plain_average(statistic: str) -> None:
    task, worker, rating, value, bias = rating_crowd()
    result = aggregate_ratings(task, worker, rating, statistic=statistic)
    plain = np.bincount(task, rating) / np.bincount(task)
    assert np.abs(result.value - value).mean() < 0.5 * np.abs(plain - value).mean()
    assert np.corrcoef(result.bias, bias)[0, 1] > 0.95
    covered = (result.low <= value) & (value <= result.high)
    assert 0.85 < covered.mean() <= 1.0


def test_median_resists_a_wild_rating() -> None:
    task = np.array([0, 0, 0, 1, 1, 1])
    worker = np.array([0, 1, 2, 0, 1, 2])
    rating = np.array([4.0, 4.2, 100.0, 2.0, 2.1, 2.0])
    median = aggregate_ratings(task, worker, rating, statistic="median", bias_shrinkage=10.0)
    assert median.value[0] == pytest.approx(4.1, abs=0.2)


def test_ratings_reject_bad_input() -> None:
    with pytest.raises(ValueError, match="finite"):
        aggregate_ratings([0], [0], [np.nan])
    with pytest.raises(ValueError, match="statistic"):
        aggregate_ratings([0], [0], [1.0], statistic="mode")


def test_repeated_ratings_count_as_one() -> None:
    once = aggregate_ratings([0, 0, 1, 1], [0, 1, 0, 1], [4.0, 2.0, 3.0, 1.0])
    twice = aggregate_ratings([0, 0, 0, 1, 1], [0, 0, 1, 0, 1], [3.0, 5.0, 2.0, 3.0, 1.0])
    np.testing.assert_allclose(twice.value, once.value)
