"""Majority vote and weighted majority vote: no iterations, the baselines and the fast path."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from quorum.quality.categorical.result import (
    CategoricalResult,
    clamp_gold,
    finish,
    normalise_log,
    soft_accuracy,
)
from quorum.quality.encode import Answers, FloatArray, check_gold, weighted_bincount
from quorum.quality.skill import beta_skill, gold_hits, peer_agreement, vote_weight


def vote_shares(answers: Answers) -> tuple[FloatArray, FloatArray]:
    """Per-task vote shares and the overall class frequency; a task without answers gets
    the overall frequency. Also the initial posteriors of the iterative methods."""
    votes = answers.votes
    frequency = votes.sum(axis=0)
    total = frequency.sum()
    frequency = frequency / total if total else np.full_like(frequency, 1.0 / frequency.size)
    per_task = votes @ np.ones(answers.n_classes)
    with np.errstate(invalid="ignore", divide="ignore"):
        shares = votes / per_task[:, None]
    empty = per_task == 0
    if empty.any():
        shares[empty] = frequency
    return shares, frequency


def majority_vote(answers: Answers, gold: ArrayLike | None = None) -> CategoricalResult:
    """Plurality of (weighted) answers. Ties are reported in `tied` and go to the class that
    is more frequent overall, then the lower class code; confidence is the vote share."""
    gold = check_gold(gold, answers)
    shares, frequency = vote_shares(answers)
    posteriors = clamp_gold(shares, gold)
    return finish(
        posteriors,
        worker_accuracy=soft_accuracy(answers, posteriors),
        class_prior=frequency,
    )


def estimate_skills(
    answers: Answers,
    gold: ArrayLike | None = None,
    prior: tuple[float, float] = (1.0, 1.0),
    peer_strength: float = 2.0,
) -> FloatArray:
    """Accuracy per worker from leave-one-out agreement with peers, corrected by gold.

    Peer agreement (under a Beta `prior`) is what a worker looks like without gold; gold
    answers then outweigh it, as if peer agreement were worth `peer_strength` gold answers.
    Gold must win: a coordinated group of bad workers agrees with itself.
    """
    gold = check_gold(gold, answers)
    peer = beta_skill(*peer_agreement(answers), prior=prior).mean
    if gold is None:
        return peer
    hits, count = gold_hits(answers, gold)
    return (hits + peer_strength * peer) / (count + peer_strength)


def one_coin_log_odds(answers: Answers, accuracy: FloatArray) -> FloatArray:
    """Per-task class scores sum_answers vote_weight(accuracy of the worker): the one-coin
    log-posterior (up to a constant) under a uniform prior, shape (n_tasks, n_classes)."""
    k = answers.n_classes
    return weighted_bincount(
        answers.task * k + answers.label,
        answers.weight * vote_weight(accuracy, k)[answers.worker],
        answers.n_tasks * k,
    ).reshape(answers.n_tasks, k)


def weighted_majority_vote(
    answers: Answers,
    gold: ArrayLike | None = None,
    skills: ArrayLike | None = None,
) -> CategoricalResult:
    """Votes weighted by `skill.vote_weight` (log((K-1) p / (1-p)) for accuracy p): the exact
    posterior of the one-coin model with known skills and a uniform class prior.

    Skills are taken as given, else estimated by `estimate_skills` (peer agreement, overruled
    by gold where the worker has gold answers). A worker below chance gets a negative weight.
    """
    gold = check_gold(gold, answers)
    k = answers.n_classes
    p = estimate_skills(answers, gold) if skills is None else np.asarray(skills, dtype=float)
    if p.shape != (answers.n_workers,):
        raise ValueError(f"skills must have shape ({answers.n_workers},)")
    posteriors = clamp_gold(normalise_log(one_coin_log_odds(answers, p))[0], gold)
    return finish(
        posteriors,
        worker_accuracy=p,
        class_prior=np.full(k, 1.0 / k),
        tie_break=vote_shares(answers)[1],
    )
