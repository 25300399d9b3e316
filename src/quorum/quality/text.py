"""Free-text answers (transcriptions, short translations): pick the most central answer, or
build a better one by ROVER-style alignment voting.

Both work on tokens (whitespace-split words by default; pass `tokenize` to change that).
`most_central` returns, per task, the answer with the smallest skill-weighted normalised
edit distance to the others: always a real answer, good for free-form text. `rover` follows
Fiscus (1997): every answer is aligned to the most central one (a star alignment, instead of
ROVER's incremental network), and each slot of the alignment - a backbone word or the gap
after it - is decided by weighted vote, "nothing" included. It can repair errors no single
annotator avoided, and suits transcription-like tasks where answers differ word by word.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from quorum.quality.encode import Answers, FloatArray, IntArray

Tokenizer = Callable[[str], list[str]]


@dataclass(frozen=True)
class TextResult:
    """Per task: the consensus text, its confidence (1 - weighted mean distance to the other
    answers for `most_central`; mean winning vote share over contested slots for `rover`)
    and the index of the chosen (or backbone) answer in the input."""

    text: list[str]
    confidence: FloatArray
    choice: IntArray


def _codes(a: Sequence[str], b: Sequence[str]) -> tuple[IntArray, IntArray]:
    """Both token sequences as integer codes of one shared vocabulary."""
    vocabulary: dict[str, int] = {}
    to_int = [
        np.array([vocabulary.setdefault(t, len(vocabulary)) for t in s], dtype=np.int64)
        for s in (a, b)
    ]
    return to_int[0], to_int[1]


def _distance_table(a: Sequence[str], b: Sequence[str]) -> IntArray:
    """Levenshtein DP table, one NumPy pass per token of `a`: the within-row insertion chain
    is a running minimum of (cell - column), so no inner Python loop is needed."""
    ca, cb = _codes(a, b)
    column = np.arange(cb.size + 1)
    table = np.empty((ca.size + 1, cb.size + 1), dtype=np.int64)
    table[0] = column
    for i, token in enumerate(ca, start=1):
        row = np.empty_like(column)
        row[0] = i
        row[1:] = np.minimum(table[i - 1, 1:] + 1, table[i - 1, :-1] + (cb != token))
        table[i] = np.minimum.accumulate(row - column) + column
    return table


def edit_distance(a: Sequence[str], b: Sequence[str]) -> int:
    """Levenshtein distance between two token sequences."""
    return int(_distance_table(a, b)[-1, -1])


def normalised_edit_distance(a: Sequence[str], b: Sequence[str]) -> float:
    """Edit distance divided by the longer length: 0 for equal, 1 for nothing in common."""
    return edit_distance(a, b) / max(len(a), len(b), 1)


def word_error_rate(reference: Sequence[str], hypothesis: Sequence[str]) -> float:
    """Word edits (substitutions, insertions, deletions) that turn `reference` into
    `hypothesis`, per word of `reference`: 0 for equal, above 1 when the hypothesis adds more
    than the reference has. An empty reference counts as one word, so anything against it
    is an error rate of its length rather than a division by zero."""
    return edit_distance(reference, hypothesis) / max(len(reference), 1)


def pairwise_wer(a: Sequence[str], b: Sequence[str]) -> float:
    """The word error rate between two transcripts where neither is the reference: the mean
    of both directions, so the measure is symmetric."""
    return (word_error_rate(a, b) + word_error_rate(b, a)) / 2.0


def _central(tokens: list[list[str]], weight: FloatArray) -> tuple[int, float]:
    """Index of the answer with the least weighted normalised distance to the others, and
    1 - that mean distance."""
    n = len(tokens)
    distance = np.zeros((n, n))
    for i in range(n):
        for j in range(i + 1, n):
            distance[i, j] = distance[j, i] = normalised_edit_distance(tokens[i], tokens[j])
    others = weight.sum() - weight
    score = distance @ weight
    best = int(np.argmin(score))
    mean = score[best] / others[best] if others[best] > 0 else 0.0
    return best, 1.0 - mean


Slot = tuple[str, ...]


def _align(backbone: list[str], hypothesis: list[str]) -> list[Slot]:
    """Slots of `hypothesis` against `backbone`: index 2p+1 holds what it has at backbone
    word p (empty = deleted), index 2p the words it inserts before word p, and the last
    index what it appends."""
    table = _distance_table(backbone, hypothesis)
    slots: list[list[str]] = [[] for _ in range(2 * len(backbone) + 1)]
    i, j = len(backbone), len(hypothesis)
    while i or j:
        if i and j and table[i, j] == table[i - 1, j - 1] + (backbone[i - 1] != hypothesis[j - 1]):
            slots[2 * i - 1] = [hypothesis[j - 1]]
            i, j = i - 1, j - 1
        elif i and table[i, j] == table[i - 1, j] + 1:
            i -= 1
        else:
            slots[2 * i].insert(0, hypothesis[j - 1])
            j -= 1
    return [tuple(slot) for slot in slots]


def _vote(aligned: list[list[Slot]], weight: FloatArray) -> tuple[list[str], float]:
    """Weighted vote per slot; a tie goes to "nothing" (the empty slot)."""
    output: list[str] = []
    shares: list[float] = []
    total = weight.sum()
    for slot in zip(*aligned, strict=True):
        if not any(slot):
            continue
        tally: dict[Slot, float] = {}
        for value, w in zip(slot, weight, strict=True):
            tally[value] = tally.get(value, 0.0) + w
        winner = max(tally, key=lambda v: (tally[v], not v))
        shares.append(tally[winner] / total if total > 0 else 0.0)
        output.extend(winner)
    return output, float(np.mean(shares)) if shares else 1.0


def _keep_central(
    tokens: list[list[str]], best: int, confidence: float, weight: FloatArray
) -> tuple[None, float]:
    return None, confidence


def _rover_vote(
    tokens: list[list[str]], best: int, confidence: float, weight: FloatArray
) -> tuple[list[str], float]:
    return _vote([_align(tokens[best], hypothesis) for hypothesis in tokens], weight)


Combine = Callable[[list[list[str]], int, float, FloatArray], tuple[list[str] | None, float]]
"""(tokens of each answer, central index, its confidence, weights) -> (tokens or None to
keep the central answer verbatim, confidence)."""


def _per_task(
    task: ArrayLike,
    worker: ArrayLike,
    texts: Sequence[str],
    skill: ArrayLike | None,
    tokenize: Tokenizer,
    join: Callable[[list[str]], str],
    combine: Combine,
) -> TextResult:
    """Run `combine` on each task's answers; tasks without answers get "" and NaN."""
    answers = Answers(task, worker, np.zeros(np.size(task), dtype=np.int64))
    skills = np.ones(answers.n_workers) if skill is None else np.asarray(skill, dtype=float)
    weight = answers.weight * skills[answers.worker]
    order = np.argsort(answers.task, kind="stable")
    bounds = np.searchsorted(answers.task[order], np.arange(answers.n_tasks + 1))
    result, confidence, chosen = [], [], []
    for t in range(answers.n_tasks):
        rows = order[bounds[t] : bounds[t + 1]]
        if not rows.size:
            result.append("")
            confidence.append(np.nan)
            chosen.append(-1)
            continue
        tokens = [tokenize(texts[r]) for r in rows]
        best, central = _central(tokens, weight[rows])
        words, conf = combine(tokens, best, central, weight[rows])
        result.append(texts[rows[best]] if words is None else join(words))
        confidence.append(conf)
        chosen.append(int(rows[best]))
    return TextResult(result, np.array(confidence), np.array(chosen, dtype=np.int64))


def most_central(
    task: ArrayLike,
    worker: ArrayLike,
    texts: Sequence[str],
    *,
    skill: ArrayLike | None = None,
    tokenize: Tokenizer = str.split,
) -> TextResult:
    """The answer closest to all others (weighted by skill and the split-vote rule) per task,
    returned verbatim; ties go to the earliest answer."""
    return _per_task(task, worker, texts, skill, tokenize, " ".join, _keep_central)


def rover(
    task: ArrayLike,
    worker: ArrayLike,
    texts: Sequence[str],
    *,
    skill: ArrayLike | None = None,
    tokenize: Tokenizer = str.split,
    join: Callable[[list[str]], str] = " ".join,
) -> TextResult:
    """ROVER voting over answers aligned to the most central one; a slot's tie goes to
    "nothing", so text is only added when it has the larger weight."""
    return _per_task(task, worker, texts, skill, tokenize, join, _rover_vote)
