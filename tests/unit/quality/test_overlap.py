"""Adaptive overlap decisions: consistent with the models, and cheap."""

from __future__ import annotations

import time

import numpy as np
import pytest

from quorum.quality import Answers, dawid_skene, decide, decide_all, weighted_majority_vote
from quorum.quality.simulate import simulate


def test_decide_with_confusions_reproduces_dawid_skene_posteriors() -> None:
    answers, _ = simulate(300, 4, 3, 20, seed=5)
    result = dawid_skene(answers)
    for t in range(0, 300, 37):
        mine = answers.task == t
        decision = decide(
            answers.label[mine],
            3,
            confusion=result.confusion[answers.worker[mine]],
            class_prior=result.class_prior,
        )
        np.testing.assert_allclose(decision.posterior, result.posteriors[t], atol=1e-9)


def test_decide_all_matches_weighted_vote_and_decide() -> None:
    answers, _ = simulate(200, 3, 4, 15, seed=6)
    skills = np.random.default_rng(0).uniform(0.3, 0.95, answers.n_workers)
    batch = decide_all(answers, skills, target=0.9, max_overlap=5)
    wmv = weighted_majority_vote(answers, skills=skills)
    np.testing.assert_allclose(batch.confidence, wmv.confidence)
    for t in (0, 50, 199):
        mine = answers.task == t
        one = decide(answers.label[mine], 4, accuracy=skills[answers.worker[mine]], target=0.9)
        assert one.confidence == pytest.approx(batch.confidence[t])
        assert one.need_more == batch.need_more[t]


def test_need_more_until_confident_or_at_the_cap() -> None:
    assert decide([0], 2, accuracy=[0.8], target=0.95).need_more
    assert not decide([0, 0, 0], 2, accuracy=[0.8, 0.8, 0.8], target=0.95).need_more
    split = decide([0, 1, 0, 1, 0], 2, accuracy=[0.7] * 5, target=0.95, max_overlap=5)
    assert split.confidence < 0.95 and not split.need_more
    assert decide([1, 1], 3).label == 1  # unknown skills fall back to the default accuracy


def test_new_workers_get_the_default_accuracy() -> None:
    known = decide([2, 2], 3, accuracy=[0.7, 0.7])
    unknown = decide([2, 2], 3, accuracy=[np.nan, 0.7], default_accuracy=0.7)
    np.testing.assert_allclose(known.posterior, unknown.posterior)


def test_decide_takes_microseconds() -> None:
    labels, skills = np.array([0, 1, 0, 2]), np.array([0.9, 0.6, 0.8, 0.7])
    decide(labels, 3, accuracy=skills)
    n = 2000
    start = time.perf_counter()
    for _ in range(n):
        decide(labels, 3, accuracy=skills)
    per_call = (time.perf_counter() - start) / n
    assert per_call < 300e-6  # measured ~10 us; generous for a loaded machine


def test_decide_all_over_empty_tasks() -> None:
    answers = Answers([0, 0], [0, 1], [1, 1], n_tasks=2, n_classes=2)
    batch = decide_all(answers, [0.8, 0.8], max_overlap=3)
    assert batch.need_more[1] and batch.confidence[1] == pytest.approx(0.5)
