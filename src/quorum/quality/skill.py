"""Annotator skill: gold accuracy with a Beta posterior, peer agreement, spammer score.

Skill *without* gold comes from the truth-inference models (`CategoricalResult.worker_accuracy`
and `.confusion`); this module holds the model-free pieces they and the routing share.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.special import betaincinv

from quorum.quality.encode import NO_GOLD, Answers, FloatArray, IntArray, weighted_bincount


@dataclass(frozen=True)
class BetaSkill:
    """Posterior Beta(prior_a + correct, prior_b + total - correct) of each worker's accuracy,
    with an equal-tailed credible interval [low, high]."""

    mean: FloatArray
    low: FloatArray
    high: FloatArray
    correct: FloatArray
    total: FloatArray


def beta_skill(
    correct: FloatArray,
    total: FloatArray,
    prior: tuple[float, float] = (1.0, 1.0),
    level: float = 0.95,
) -> BetaSkill:
    """Beta posterior of an accuracy from (possibly fractional) counts, vectorised."""
    a = prior[0] + np.asarray(correct, dtype=float)
    b = prior[1] + np.asarray(total, dtype=float) - correct
    tail = (1.0 - level) / 2.0
    return BetaSkill(
        mean=a / (a + b),
        low=betaincinv(a, b, tail),
        high=betaincinv(a, b, 1.0 - tail),
        correct=np.asarray(correct, dtype=float),
        total=np.asarray(total, dtype=float),
    )


def gold_hits(answers: Answers, gold: IntArray) -> tuple[FloatArray, FloatArray]:
    """Per-worker (correct, total) weighted answer counts on gold tasks."""
    truth = gold[answers.task]
    on_gold = answers.weight * (truth != NO_GOLD)
    correct = on_gold * (answers.label == truth)
    count = weighted_bincount(answers.worker, on_gold, answers.n_workers)
    hits = weighted_bincount(answers.worker, correct, answers.n_workers)
    return hits, count


def gold_accuracy(
    answers: Answers,
    gold: IntArray,
    prior: tuple[float, float] = (1.0, 1.0),
    level: float = 0.95,
) -> BetaSkill:
    """Accuracy on gold tasks as a Beta posterior; a worker with no gold answers gets the
    prior (mean 0.5, wide interval under the default uniform prior)."""
    return beta_skill(*gold_hits(answers, gold), prior=prior, level=level)


def peer_agreement(
    answers: Answers, include: NDArray[np.bool_] | None = None
) -> tuple[FloatArray, FloatArray]:
    """Per-worker (agreement, opportunities): each answer (of those in `include`) scores the
    share of *other workers'* answers on its task that agree with it. Leaving the worker out
    keeps a lone voice, or a resubmission, from agreeing with itself; answers on tasks no one
    else answered carry no evidence."""
    own_same = answers.weight
    if (answers.weight < 1).any():  # repeated answers: a worker's own copies are not peers
        key = (answers.task * answers.n_workers + answers.worker) * answers.n_classes
        _, group = np.unique(key + answers.label, return_inverse=True)
        own_same = weighted_bincount(group, answers.weight)[group]
    # a worker's answers on one task weigh 1 in total (the split-vote rule)
    others = answers.votes.sum(axis=1)[answers.task] - 1.0
    same = answers.votes[answers.task, answers.label] - own_same
    has_peers = others > 1e-9
    if include is not None:
        has_peers &= include
    share = np.divide(same, others, out=np.zeros_like(same), where=has_peers)
    n = answers.n_workers
    agreement = weighted_bincount(answers.worker, share * answers.weight, n)
    chances = weighted_bincount(answers.worker, has_peers * answers.weight, n)
    return agreement, chances


def vote_weight(accuracy: ArrayLike, n_classes: int) -> FloatArray:
    """log((K-1) p / (1-p)): the log-odds a vote of a worker with accuracy p adds to its label
    under the one-coin model (Nitzan & Paroush 1982); negative below chance. p is clipped to
    [0.001, 0.999] so that no single vote is decisive."""
    p = np.clip(np.asarray(accuracy, dtype=np.float64), 1e-3, 1 - 1e-3)
    weight: FloatArray = np.log(p / (1 - p)) + np.log(max(n_classes - 1, 1))
    return weight


def one_coin_confusion(accuracy: ArrayLike, n_classes: int) -> FloatArray:
    """Confusion matrices (W, K, K) of workers described by an accuracy alone: right with
    probability p, otherwise any other class evenly. Gives a spammer score (and `decide`
    input) for methods without confusion matrices, e.g. `spammer_score(one_coin_confusion(
    result.worker_accuracy, K))` after GLAD or weighted voting."""
    p = np.asarray(accuracy, dtype=float)[:, None, None]
    eye = np.eye(n_classes, dtype=bool)
    return np.where(eye, p, (1.0 - p) / max(n_classes - 1, 1))


def spammer_score(confusion: FloatArray) -> FloatArray:
    """Raykar & Yu (2011) spammer score of confusion matrices (..., K, K), rows = true class.

    A spammer answers independently of the truth, so all rows of their confusion matrix are
    equal; the score is the mean squared distance between rows, scaled to 0 for a spammer and
    1 for a perfect annotator. (A worker who systematically permutes classes also scores high:
    their answers do carry information, which Dawid-Skene-type models use.)
    """
    k = confusion.shape[-1]
    # sum over row pairs of ||a_c - a_c'||^2 == K * sum ||a_c||^2 - ||sum_c a_c||^2
    spread = k * (confusion**2).sum(axis=(-2, -1)) - (confusion.sum(axis=-2) ** 2).sum(axis=-1)
    score: FloatArray = spread / (k * (k - 1))
    return score
