"""Annotator skill: Beta posteriors, spammer score."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from quorum.quality import Answers, beta_skill, gold_accuracy, one_coin_confusion, spammer_score


def test_beta_skill_matches_scipy() -> None:
    skill = beta_skill(np.array([8.0, 0.0, 3.5]), np.array([10.0, 0.0, 4.0]), prior=(1, 1))
    a = np.array([9.0, 1.0, 4.5])
    b = np.array([3.0, 1.0, 1.5])
    np.testing.assert_allclose(skill.mean, a / (a + b))
    np.testing.assert_allclose(skill.low, stats.beta.ppf(0.025, a, b))
    np.testing.assert_allclose(skill.high, stats.beta.ppf(0.975, a, b))


def test_gold_accuracy_counts_only_gold_tasks_and_splits_repeats() -> None:
    answers = Answers([0, 1, 1, 2, 0], [0, 0, 0, 0, 1], [1, 0, 1, 1, 0])
    skill = gold_accuracy(answers, np.array([1, 1, -1]))
    np.testing.assert_allclose(skill.correct, [1.5, 0.0])
    np.testing.assert_allclose(skill.total, [2.0, 1.0])
    assert skill.low[0] < skill.mean[0] < skill.high[0]


def test_spammer_score_is_zero_for_spammers_and_one_for_experts() -> None:
    k = 4
    expert = np.eye(k)
    spammer = np.tile(np.array([0.7, 0.1, 0.1, 0.1]), (k, 1))
    permuter = np.eye(k)[[1, 2, 3, 0]]
    noisy = 0.6 * np.eye(k) + 0.4 / k
    scores = spammer_score(np.stack([expert, spammer, permuter, noisy]))
    np.testing.assert_allclose(scores[:3], [1.0, 0.0, 1.0])
    assert 0.0 < scores[3] < 1.0
    assert scores[3] == pytest.approx(0.36)  # (0.6)^2: rows differ by 0.6 on two entries


def test_one_coin_confusion_gives_spammer_scores_from_accuracies() -> None:
    confusion = one_coin_confusion([1.0, 0.25, 0.7], 4)
    np.testing.assert_allclose(confusion.sum(axis=2), 1.0)
    # chance accuracy (1/K) is a spammer; score ((K p - 1) / (K - 1))^2 otherwise
    np.testing.assert_allclose(spammer_score(confusion), [1.0, 0.0, ((4 * 0.7 - 1) / 3) ** 2])
