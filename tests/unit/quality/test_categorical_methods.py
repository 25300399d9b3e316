"""Behaviour of the individual categorical methods."""

from __future__ import annotations

import numpy as np
import pytest

from quorum.quality import (
    Answers,
    aggregate,
    dawid_skene,
    glad,
    ibcc,
    mace,
    majority_vote,
    one_coin_dawid_skene,
    weighted_majority_vote,
)
from quorum.quality.categorical import estimate_skills
from quorum.quality.simulate import simulate


@pytest.fixture(scope="module")
def crowd() -> tuple[Answers, np.ndarray]:
    return simulate(3000, 5, 4, 60, accuracy=(0.3, 0.9), spammers=0.2, seed=1)


def test_majority_vote_reports_ties_and_breaks_them_by_class_frequency() -> None:
    # class 1 is the more frequent overall, so the 1-1 tie on task 0 goes to it
    answers = Answers([0, 0, 1, 1, 1], [0, 1, 0, 1, 2], [0, 1, 1, 1, 0])
    result = majority_vote(answers)
    np.testing.assert_array_equal(result.tied, [True, False])
    np.testing.assert_array_equal(result.labels, [1, 1])
    np.testing.assert_allclose(result.confidence, [0.5, 2 / 3])


def test_majority_vote_tie_between_equally_frequent_classes_goes_to_lower_code() -> None:
    result = majority_vote(Answers([0, 0], [0, 1], [2, 1], n_classes=3))
    assert result.labels[0] == 1 and result.tied[0]


def test_task_without_answers_gets_the_prior() -> None:
    answers = Answers([0, 0, 0], [0, 1, 2], [1, 1, 0], n_tasks=2, n_classes=2)
    for method in ("mv", "ds", "one-coin"):
        result = aggregate(answers, method)
        np.testing.assert_allclose(result.posteriors[1], result.class_prior)


def test_weighted_vote_with_given_skills_follows_the_skilled_worker() -> None:
    answers = Answers([0, 0, 0], [0, 1, 2], [1, 0, 0])
    result = weighted_majority_vote(answers, skills=[0.99, 0.6, 0.6])
    assert result.labels[0] == 1
    assert weighted_majority_vote(answers, skills=[0.6, 0.6, 0.6]).labels[0] == 0


def test_skills_come_from_gold_where_workers_have_gold() -> None:
    # worker 0 is right on both gold tasks, worker 1 wrong on both; they disagree on all
    # three tasks, so both look like 1 in 5 by peer agreement: (0 + 1) / (3 + 2)
    answers = Answers([0, 1, 0, 1, 2, 2], [0, 0, 1, 1, 0, 1], [1, 1, 0, 0, 1, 0])
    skills = estimate_skills(answers, np.array([1, 1, -1]))
    np.testing.assert_allclose(skills, [(2 + 2 * 0.2) / (2 + 2), (0 + 2 * 0.2) / (2 + 2)])


def test_models_beat_majority_vote_and_recover_worker_skill(crowd) -> None:
    answers, truth = crowd
    mv = (majority_vote(answers).labels == truth).mean()
    for method in (dawid_skene, one_coin_dawid_skene, glad, mace, ibcc, weighted_majority_vote):
        result = method(answers)
        assert (result.labels == truth).mean() > mv + 0.02, method.__name__
    # true accuracy of each worker on their answers
    correct = np.bincount(answers.worker, answers.label == truth[answers.task], answers.n_workers)
    true_accuracy = correct / np.bincount(answers.worker, minlength=answers.n_workers)
    for method in (dawid_skene, glad, mace, ibcc):
        estimated = method(answers).worker_accuracy
        assert np.corrcoef(estimated, true_accuracy)[0, 1] > 0.9, method.__name__


@pytest.mark.parametrize("method", ["ds", "ibcc", "one-coin", "wmv"])
def test_gold_teaches_the_model_who_to_believe(method: str) -> None:
    # a majority of three adversarial workers (right 20 % of the time) and two good ones:
    # without gold every method follows the majority, with 10 % gold they turn it around
    # (MACE is left out: its workers either know or answer at random, never adversarially)
    rng = np.random.default_rng(3)
    n_tasks, accuracy = 600, np.array([0.2, 0.2, 0.2, 0.85, 0.85])
    truth = rng.integers(0, 2, n_tasks)
    task = np.repeat(np.arange(n_tasks), 5)
    worker = np.tile(np.arange(5), n_tasks)
    right = rng.random(task.size) < accuracy[worker]
    answers = Answers(task, worker, np.where(right, truth[task], 1 - truth[task]))
    gold = np.where(np.arange(n_tasks) % 10 == 0, truth, -1)
    hidden = gold < 0
    blind = (aggregate(answers, method).labels[hidden] == truth[hidden]).mean()
    taught = (aggregate(answers, method, gold).labels[hidden] == truth[hidden]).mean()
    assert blind < 0.3 and taught > 0.85


def test_one_coin_confusion_spreads_errors_evenly(crowd) -> None:
    confusion = one_coin_dawid_skene(crowd[0]).confusion
    off = confusion[:, ~np.eye(4, dtype=bool)].reshape(len(confusion), -1)
    np.testing.assert_allclose(off, off[:, :1].repeat(off.shape[1], axis=1))


def test_mace_flags_spammers(crowd) -> None:
    answers, truth = crowd
    result = mace(answers)
    correct = np.bincount(answers.worker, answers.label == truth[answers.task], answers.n_workers)
    true_accuracy = correct / np.bincount(answers.worker, minlength=answers.n_workers)
    worst = np.argsort(result.worker_accuracy)[:5]
    assert (true_accuracy[worst] < 0.4).all()


def test_iteration_cap_is_reported(crowd) -> None:
    result = dawid_skene(crowd[0], max_iter=2, tol=0.0)
    assert result.n_iter == 2 and not result.converged


def test_unknown_method_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="unknown method 'nope'"):
        aggregate(Answers([0], [0], [0]), "nope")
