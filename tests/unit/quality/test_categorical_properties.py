"""Invariants every categorical method must keep, on random small crowds."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quorum.quality import METHODS, NO_GOLD, Answers, aggregate

from .helpers import crowds

SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _relabel(answers: Answers, seed: int) -> tuple[Answers, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    task_map = rng.permutation(answers.n_tasks)
    worker_map = rng.permutation(answers.n_workers)
    rows = rng.permutation(len(answers))
    moved = Answers(
        task_map[answers.task[rows]],
        worker_map[answers.worker[rows]],
        answers.label[rows],
        answers.n_tasks,
        answers.n_workers,
        answers.n_classes,
    )
    return moved, task_map, worker_map


@pytest.mark.parametrize("method", list(METHODS))
@SETTINGS
@given(answers=crowds(), seed=st.integers(0, 2**31))
def test_posteriors_are_distributions(method: str, answers: Answers, seed: int) -> None:
    result = aggregate(answers, method)
    assert result.posteriors.shape == (answers.n_tasks, answers.n_classes)
    np.testing.assert_allclose(result.posteriors.sum(axis=1), 1.0, atol=1e-9)
    assert (result.posteriors >= 0).all()
    rows = np.arange(answers.n_tasks)
    np.testing.assert_allclose(result.confidence, result.posteriors[rows, result.labels])
    np.testing.assert_allclose(result.confidence, result.posteriors.max(axis=1))
    assert result.worker_accuracy.shape == (answers.n_workers,)
    if result.confusion is not None:
        np.testing.assert_allclose(result.confusion.sum(axis=2), 1.0, atol=1e-9)


@pytest.mark.parametrize("method", list(METHODS))
@SETTINGS
@given(answers=crowds(), seed=st.integers(0, 2**31))
def test_permuting_tasks_workers_and_rows_changes_nothing(
    method: str, answers: Answers, seed: int
) -> None:
    original = aggregate(answers, method)
    moved, task_map, worker_map = _relabel(answers, seed)
    permuted = aggregate(moved, method)
    np.testing.assert_allclose(permuted.posteriors[task_map], original.posteriors, atol=1e-4)
    np.testing.assert_allclose(
        permuted.worker_accuracy[worker_map], original.worker_accuracy, atol=1e-4
    )
    top2 = np.sort(original.posteriors, axis=1)[:, -2:]
    clear = top2[:, 1] - top2[:, 0] > 1e-3
    np.testing.assert_array_equal(permuted.labels[task_map][clear], original.labels[clear])


@pytest.mark.parametrize("method", list(METHODS))
@SETTINGS
@given(answers=crowds(min_per_task=4, unanimous=True))
def test_unanimous_answers_give_confidence_near_one(method: str, answers: Answers) -> None:
    result = aggregate(answers, method)
    truth = np.zeros(answers.n_tasks, dtype=np.int64)
    truth[answers.task] = answers.label
    np.testing.assert_array_equal(result.labels, truth)
    assert (result.confidence > 0.9).all()


@pytest.mark.parametrize("method", list(METHODS))
@SETTINGS
@given(answers=crowds(), seed=st.integers(0, 2**31))
def test_gold_tasks_keep_their_gold_label(method: str, answers: Answers, seed: int) -> None:
    rng = np.random.default_rng(seed)
    gold = np.where(
        rng.random(answers.n_tasks) < 0.4,
        rng.integers(0, answers.n_classes, answers.n_tasks),
        NO_GOLD,
    )
    result = aggregate(answers, method, gold)
    known = gold != NO_GOLD
    np.testing.assert_array_equal(result.labels[known], gold[known])
    np.testing.assert_allclose(result.confidence[known], 1.0)


@pytest.mark.parametrize("method", list(METHODS))
@SETTINGS
@given(answers=crowds())
def test_resubmitting_every_answer_changes_nothing(method: str, answers: Answers) -> None:
    doubled = Answers(
        np.r_[answers.task, answers.task],
        np.r_[answers.worker, answers.worker],
        np.r_[answers.label, answers.label],
        answers.n_tasks,
        answers.n_workers,
        answers.n_classes,
    )
    np.testing.assert_allclose(
        aggregate(doubled, method).posteriors, aggregate(answers, method).posteriors, atol=1e-6
    )
