"""Building agreement measures from the engine's maths: a score per pair of answers averaged
over tasks (spans, shapes, transcripts, rankings, form fields), or Krippendorff's alpha over
answers that are one of a few values (categories, choices). Adapters declare theirs with these,
and `per_annotator` gives each annotator's agreement with the others by the adapter's pair
score, the one the gold measure uses too."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from itertools import combinations
from typing import Any

import numpy as np

from quorum.quality import krippendorff_alpha
from quorum.quality.agreement import PairwiseAgreement, pairwise_agreement
from quorum.quality.encode import Answers
from quorum.services.consensus.base import Answered, Measure, PairScore, ParsedScore

ALPHA_EXPLANATION = (
    "Agreement between annotators beyond what chance alone would give: 1 is perfect, 0 is no "
    "better than guessing with the same label mix. From 0.8 on, labels are reliable; below "
    "0.67, the instructions or the labels need work."
)
SAME_ANSWER = (
    "The share of pairs of annotators on one task who gave the same answer, with no "
    "correction for chance: with few labels, some agreement comes from guessing."
)


def pairs_of(
    tasks: Sequence[Answered], score: PairScore, parsed: dict[Callable, list] | None = None
) -> PairwiseAgreement:
    """`score` for every pair of answers to each task, averaged by the engine. A score that
    parses answers (`ParsedScore`) parses each once; `parsed` keeps them, by parse, for the
    next score sharing that parse."""
    if not isinstance(score, ParsedScore):
        return _pairs_of(tasks, score)
    parsed = {} if parsed is None else parsed
    if score.parse not in parsed:
        parsed[score.parse] = [[(w, score.parse(r)) for w, r in answers] for answers in tasks]
    return _pairs_of(parsed[score.parse], score.compare)


def _pairs_of(tasks: Sequence[Sequence[tuple[int, Any]]], score: Callable) -> PairwiseAgreement:
    rows = [
        (t, a, b, score(first, second))
        for t, answers in enumerate(tasks)
        for (a, first), (b, second) in combinations(answers, 2)
    ]
    task, first, second, value = (list(c) for c in zip(*rows, strict=True)) if rows else ([],) * 4
    return pairwise_agreement(task, first, second, np.asarray(value, dtype=float))


def pairwise(
    name: str, explanation: str, score: PairScore, higher_is_better: bool = True
) -> Measure:
    """A measure that is the mean over tasks of `score` between each pair of answers."""
    return Measure(name, explanation, pair=score, higher_is_better=higher_is_better)


def alpha(name: str, key: Callable[[dict[str, Any]], Hashable]) -> Measure:
    """Nominal Krippendorff's alpha over the value `key` reads from each answer."""

    def compute(tasks: Sequence[Answered]) -> tuple[float, int]:
        codes: dict[Hashable, int] = {}
        rows = [
            (t, who, codes.setdefault(key(response), len(codes)))
            for t, answers in enumerate(tasks)
            for who, response in answers
        ]
        if not rows:
            return float("nan"), 0
        task, worker, label = np.array(rows, dtype=np.int64).T
        answers = Answers(task, worker, label, n_tasks=len(tasks))
        return krippendorff_alpha(answers), int((np.bincount(task) > 1).sum())

    return Measure(name, ALPHA_EXPLANATION, whole=compute)


def evaluate(
    measures: Sequence[Measure], agreement: PairScore, tasks: Sequence[Answered]
) -> tuple[list[tuple[float, int]], dict[int, tuple[float, int]]]:
    """Each measure's (value, tasks used) over `tasks`, and each annotator's mean `agreement`
    with the others who answered the same tasks with the number of answer pairs it rests on
    (annotators in no pair are left out). Each pair score runs once over the pairs, and each
    answer is parsed once for all the scores sharing a parse."""
    scored: dict[PairScore, PairwiseAgreement] = {}
    parsed: dict[Callable, list] = {}

    def pairs(score: PairScore) -> PairwiseAgreement:
        if score not in scored:
            scored[score] = pairs_of(tasks, score, parsed)
        return scored[score]

    values = []
    for measure in measures:
        if measure.pair is not None:
            found = pairs(measure.pair)
            values.append((found.value, found.n_tasks))
        elif measure.whole is not None:
            values.append(measure.whole(tasks))
    mine = pairs(agreement)
    per_annotator = {
        who: (float(mine.per_worker[who]), int(mine.pairs[who]))
        for who in np.flatnonzero(mine.pairs > 0).tolist()
    }
    return values, per_annotator
