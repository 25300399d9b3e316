"""Inter-annotator agreement: per project and per annotator.

For categories, everything is computed from the weighted (task x class) vote counts of
`Answers`, so missing data (annotators who skipped a task) need no special case and repeated
answers follow the split-vote rule of `quorum.quality.encode`. Tasks with fewer than two
answers carry no agreement information and are left out of every measure. For structured
answers (spans, shapes, transcripts, rankings, forms) `pairwise_agreement` averages a score
per pair of answers to one task, which the caller computes with the measure for the shape.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import scipy.sparse as sp
from numpy.typing import ArrayLike

from quorum.quality.encode import Answers, FloatArray, weighted_bincount
from quorum.quality.skill import peer_agreement

Level = Literal["nominal", "ordinal", "interval"]


def _pairable(answers: Answers) -> tuple[FloatArray, FloatArray]:
    """Vote counts and totals of the tasks with at least two answers."""
    votes = answers.votes
    totals = votes.sum(axis=1)
    keep = totals > 1 + 1e-9
    return votes[keep], totals[keep]


def percent_agreement(answers: Answers) -> float:
    """Mean over tasks of the share of agreeing answer pairs (NaN without pairable tasks)."""
    votes, totals = _pairable(answers)
    if not totals.size:
        return float("nan")
    return float((((votes**2).sum(axis=1) - totals) / (totals * (totals - 1))).mean())


def fleiss_kappa(answers: Answers) -> float:
    """Fleiss' kappa; with a varying number of answers per task, the pair agreement is
    averaged per task and chance agreement uses the pooled class proportions."""
    votes, totals = _pairable(answers)
    if not totals.size:
        return float("nan")
    observed = percent_agreement(answers)
    proportions = votes.sum(axis=0) / totals.sum()
    chance = float((proportions**2).sum())
    return (observed - chance) / (1.0 - chance) if chance < 1.0 else float("nan")


def _distance(level: Level, values: FloatArray, marginals: FloatArray) -> FloatArray:
    """Squared distance between classes for Krippendorff's metric of the given level."""
    k = values.size
    if level == "nominal":
        return 1.0 - np.eye(k)
    if level == "interval":
        return (values[:, None] - values[None, :]) ** 2
    if level == "ordinal":
        # Krippendorff's ordinal distance is the interval distance between mid-ranks:
        # cumulative count up to the class minus half the class's own count
        order = np.argsort(values, kind="stable")
        cumulative = np.empty(k)
        cumulative[order] = np.cumsum(marginals[order])
        mid_rank = cumulative - marginals / 2.0
        return (mid_rank[:, None] - mid_rank[None, :]) ** 2
    raise ValueError(f"unknown level {level!r}; choose nominal, ordinal or interval")


def krippendorff_alpha(
    answers: Answers, level: Level = "nominal", values: ArrayLike | None = None
) -> float:
    """Krippendorff's alpha from the coincidence matrix (Krippendorff 2011).

    `values` gives each class's numeric value for the ordinal (order) and interval
    (differences) levels; by default the class codes themselves.
    """
    votes, totals = _pairable(answers)
    k = answers.n_classes
    points = np.arange(k, dtype=float) if values is None else np.asarray(values, dtype=float)
    if points.shape != (k,):
        raise ValueError(f"values must have shape ({k},)")
    if not totals.size:
        return float("nan")
    scale = 1.0 / (totals - 1.0)
    coincidence = (votes * scale[:, None]).T @ votes - np.diag(scale @ votes)
    marginals = coincidence.sum(axis=1)
    n = marginals.sum()
    delta = _distance(level, points, marginals)
    expected = (np.outer(marginals, marginals) * delta).sum()
    if expected <= 0:
        return float("nan")
    return float(1.0 - (n - 1.0) * (coincidence * delta).sum() / expected)


@dataclass(frozen=True)
class PairwiseKappa:
    """Cohen's kappa for every pair of annotators over the tasks both answered.

    `kappa[w, v]` is NaN where the pair shares fewer than `min_overlap` tasks or chance
    agreement is 1; `overlap[w, v]` is the (weighted) number of shared answer pairs."""

    kappa: FloatArray
    overlap: FloatArray

    def mean_per_annotator(self) -> FloatArray:
        """Overlap-weighted mean kappa of each annotator with the others (NaN if none)."""
        known = ~np.isnan(self.kappa)
        weight = np.where(known, self.overlap, 0.0)
        total = weight.sum(axis=1)
        summed = np.where(known, self.kappa, 0.0) * weight
        with np.errstate(invalid="ignore", divide="ignore"):
            mean: FloatArray = summed.sum(axis=1) / total
        return mean

    def mean(self) -> float:
        """Overlap-weighted mean over all pairs."""
        known = ~np.isnan(self.kappa)
        if not known.any():
            return float("nan")
        return float(np.average(self.kappa[known], weights=self.overlap[known]))


def cohen_kappa_matrix(answers: Answers, min_overlap: float = 1.0) -> PairwiseKappa:
    """All pairwise Cohen's kappas in one sparse product: the (worker, label) co-occurrence
    matrix over tasks holds every pair's contingency table."""
    w, k = answers.n_workers, answers.n_classes
    incidence = answers.task_by_worker_label
    cooc = sp.coo_matrix(incidence.T @ incidence)
    first, first_label = np.divmod(cooc.row, k)
    second, second_label = np.divmod(cooc.col, k)
    distinct = first != second
    pair_key = (first * w + second)[distinct]
    counts = cooc.data[distinct]
    pairs, pair = np.unique(pair_key, return_inverse=True)
    n_pairs = pairs.size
    first_label, second_label = first_label[distinct], second_label[distinct]
    overlap = weighted_bincount(pair, counts, n_pairs)
    agree = weighted_bincount(pair, counts * (first_label == second_label), n_pairs)
    margins = [
        weighted_bincount(pair * k + label, counts, n_pairs * k).reshape(n_pairs, k)
        for label in (first_label, second_label)
    ]
    observed = agree / overlap
    chance = (margins[0] * margins[1]).sum(axis=1) / overlap**2
    with np.errstate(invalid="ignore", divide="ignore"):
        kappa = np.where(chance < 1.0, (observed - chance) / (1.0 - chance), np.nan)
    kappa[overlap < min_overlap] = np.nan
    full_kappa = np.full(w * w, np.nan)
    full_overlap = np.zeros(w * w)
    full_kappa[pairs] = kappa
    full_overlap[pairs] = overlap
    return PairwiseKappa(full_kappa.reshape(w, w), full_overlap.reshape(w, w))


@dataclass(frozen=True)
class AnnotatorAgreement:
    """Per annotator: share of peers' answers agreeing with theirs, the same corrected for
    chance (kappa-style, chance from their own label mix and the pooled one), and the mean
    pairwise Cohen's kappa."""

    percent: FloatArray
    chance_corrected: FloatArray
    cohen_kappa: FloatArray
    n_compared: FloatArray


def annotator_agreement(answers: Answers) -> AnnotatorAgreement:
    """How much each annotator agrees with the others, raw and corrected for chance."""
    agree, chances = peer_agreement(answers)
    with np.errstate(invalid="ignore", divide="ignore"):
        percent = agree / chances
        k = answers.n_classes
        own = weighted_bincount(
            answers.worker * k + answers.label, answers.weight, answers.n_workers * k
        ).reshape(answers.n_workers, k)
        own /= own.sum(axis=1, keepdims=True)
        pooled = answers.votes.sum(axis=0) / answers.votes.sum()
        chance = own @ pooled
        corrected = (percent - chance) / (1.0 - chance)
    return AnnotatorAgreement(
        percent=percent,
        chance_corrected=corrected,
        cohen_kappa=cohen_kappa_matrix(answers).mean_per_annotator(),
        n_compared=chances,
    )


@dataclass(frozen=True)
class PairwiseAgreement:
    """`value`: the mean over tasks of the mean score of a task's answer pairs (each task
    counts once, however many answered it), NaN without pairs; `per_worker`: the mean score
    of the pairs each worker is in, i.e. their agreement with the others (NaN for a worker
    in no pair), and `pairs` how many pairs that is."""

    value: float
    n_tasks: int
    per_worker: FloatArray
    pairs: FloatArray


def pairwise_agreement(
    task: ArrayLike,
    first: ArrayLike,
    second: ArrayLike,
    score: ArrayLike,
    n_workers: int | None = None,
) -> PairwiseAgreement:
    """Agreement from one row per pair of answers to a task: (task, the two workers, their
    score). NaN scores (a measure undefined for that pair) are left out."""
    t, a, b = (np.asarray(x, dtype=np.int64) for x in (task, first, second))
    s = np.asarray(score, dtype=float)
    if not t.size == a.size == b.size == s.size:
        raise ValueError("task, first, second and score must have the same length")
    known = ~np.isnan(s)
    t, a, b, s = t[known], a[known], b[known], s[known]
    n_w = int(max(a.max(initial=-1), b.max(initial=-1))) + 1 if n_workers is None else n_workers
    pairs = weighted_bincount(a, np.ones(a.size), n_w) + weighted_bincount(b, np.ones(b.size), n_w)
    summed = weighted_bincount(a, s, n_w) + weighted_bincount(b, s, n_w)
    with np.errstate(invalid="ignore", divide="ignore"):
        per_worker: FloatArray = summed / pairs
    tasks, inverse = np.unique(t, return_inverse=True)
    if not tasks.size:
        return PairwiseAgreement(float("nan"), 0, per_worker, pairs)
    per_task = weighted_bincount(inverse, s, tasks.size) / np.bincount(inverse)
    return PairwiseAgreement(float(per_task.mean()), int(tasks.size), per_worker, pairs)
