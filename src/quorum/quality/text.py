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


def _groups(
    task: ArrayLike, worker: ArrayLike, skill: ArrayLike | None
) -> tuple[Answers, FloatArray]:
    answers = Answers(task, worker, np.zeros(np.size(task), dtype=np.int64))
    skills = np.ones(answers.n_workers) if skill is None else np.asarray(skill, dtype=float)
    return answers, answers.weight * skills[answers.worker]


def _central(tokens: list[list[str]], weight: FloatArray) -> tuple[int, float]:
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


def most_central(
    task: ArrayLike,
    worker: ArrayLike,
    texts: Sequence[str],
    *,
    skill: ArrayLike | None = None,
    tokenize: Tokenizer = str.split,
) -> TextResult:
    """The answer closest to all others (weighted by skill and the split-vote rule) per task;
    ties go to the earliest answer."""
    answers, weight = _groups(task, worker, skill)
    chosen, confidence, result = [], [], []
    for rows in _task_rows(answers):
        best, conf = _central([tokenize(texts[r]) for r in rows], weight[rows])
        chosen.append(rows[best])
        confidence.append(conf)
        result.append(texts[rows[best]])
    return TextResult(result, np.array(confidence), np.array(chosen, dtype=np.int64))


def _task_rows(answers: Answers) -> list[IntArray]:
    """Row indices of each task's answers, in input order (empty for tasks without any)."""
    order = np.argsort(answers.task, kind="stable")
    bounds = np.searchsorted(answers.task[order], np.arange(answers.n_tasks + 1))
    return [order[bounds[t] : bounds[t + 1]] for t in range(answers.n_tasks)]


def _align(backbone: list[str], hypothesis: list[str]) -> list[str | None]:
    """Slots of `hypothesis` against `backbone`: index 2p+1 holds what it has at backbone
    word p (None = deleted), index 2p the words it inserts before word p (joined; None =
    nothing), and the last index what it appends."""
    table = _distance_table(backbone, hypothesis)
    slots: list[list[str]] = [[] for _ in range(2 * len(backbone) + 1)]
    words: list[str | None] = [None] * len(backbone)
    i, j = len(backbone), len(hypothesis)
    while i or j:
        if i and j and table[i, j] == table[i - 1, j - 1] + (backbone[i - 1] != hypothesis[j - 1]):
            words[i - 1] = hypothesis[j - 1]
            i, j = i - 1, j - 1
        elif i and table[i, j] == table[i - 1, j] + 1:
            i -= 1
        else:
            slots[2 * i].insert(0, hypothesis[j - 1])
            j -= 1
    for p, word in enumerate(words):
        slots[2 * p + 1] = [word] if word is not None else []
    return [" ".join(s) if s else None for s in slots]


def _vote(aligned: list[list[str | None]], weight: FloatArray) -> tuple[list[str], float]:
    output: list[str] = []
    shares: list[float] = []
    total = weight.sum()
    for slot in zip(*aligned, strict=True):
        if all(v is None for v in slot):
            continue
        tally: dict[str | None, float] = {}
        for value, w in zip(slot, weight, strict=True):
            tally[value] = tally.get(value, 0.0) + w
        winner = max(tally, key=lambda v: (tally[v], v is None))
        shares.append(tally[winner] / total if total > 0 else 0.0)
        if winner is not None:
            output.append(winner)
    return output, float(np.mean(shares)) if shares else 1.0


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
    answers, weight = _groups(task, worker, skill)
    chosen, confidence, result = [], [], []
    for rows in _task_rows(answers):
        tokens = [tokenize(texts[r]) for r in rows]
        best, _ = _central(tokens, weight[rows])
        aligned = [_align(tokens[best], h) for h in tokens]
        words, conf = _vote(aligned, weight[rows])
        chosen.append(rows[best])
        confidence.append(conf)
        result.append(join(words))
    return TextResult(result, np.array(confidence), np.array(chosen, dtype=np.int64))
