"""Text spans (NER-style): segment-level voting and exact-span voting.

Offsets can be characters or token indices; spans are half-open [start, end). Every
annotator who submitted a response votes on every stretch of the task's text: for the
labels they marked there, or for "nothing" where they marked nothing, so the input names the
responses as well as the spans. Votes are weighted by annotator skill (1 by default) and
split evenly when one annotator marked a stretch with several labels.

`vote_segments` cuts each task's text at every span boundary any annotator used and votes
per piece (token-level voting, without materialising tokens), then merges neighbouring
winners of the same label unless most annotators put a boundary between them.
`vote_exact_spans` votes on whole spans; it suits short, well-delimited spans.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from quorum.quality.encode import FloatArray, IntArray, responder_weights, weighted_bincount


@dataclass(frozen=True)
class SpanResult:
    """Consensus spans as parallel arrays; `confidence` is the (length-weighted) share of
    the task's annotator weight that voted for the span's label over its extent."""

    task: IntArray
    start: IntArray
    end: IntArray
    label: IntArray
    confidence: FloatArray


@dataclass(frozen=True)
class _Spans:
    task: IntArray
    worker: IntArray
    start: IntArray
    end: IntArray
    label: IntArray
    skill: FloatArray
    task_weight: FloatArray

    @property
    def n_labels(self) -> int:
        return int(self.label.max(initial=-1)) + 1


def _prepare(
    task: ArrayLike,
    worker: ArrayLike,
    start: ArrayLike,
    end: ArrayLike,
    label: ArrayLike,
    response_task: ArrayLike,
    response_worker: ArrayLike,
    skill: ArrayLike | None,
) -> _Spans:
    t, w, lab = (np.asarray(x, dtype=np.int64) for x in (task, worker, label))
    s, e = np.asarray(start, dtype=np.int64), np.asarray(end, dtype=np.int64)
    if not t.size == w.size == s.size == e.size == lab.size:
        raise ValueError("task, worker, start, end and label must have the same length")
    if (s >= e).any() or (s < 0).any() or (lab < 0).any():
        raise ValueError("spans need 0 <= start < end and a non-negative label")
    skills, task_weight = responder_weights(response_task, response_worker, t, w, skill)
    return _Spans(t, w, s, e, lab, skills, task_weight)


def vote_segments(
    task: ArrayLike,
    worker: ArrayLike,
    start: ArrayLike,
    end: ArrayLike,
    label: ArrayLike,
    *,
    response_task: ArrayLike,
    response_worker: ArrayLike,
    skill: ArrayLike | None = None,
    min_share: float = 0.5,
) -> SpanResult:
    """Segment voting: a piece of text gets the label with the largest weighted vote if that
    vote is at least `min_share` of the annotator weight on the task (0.5: a majority).
    Responses without any span are agreement on no spans: the result is empty, not an error."""
    sp = _prepare(task, worker, start, end, label, response_task, response_worker, skill)
    if not sp.start.size:  # nobody marked anything: no piece of text to vote on
        none = np.empty(0, dtype=np.int64)
        return SpanResult(none, none, none, none, np.empty(0))
    n_l, n_w = sp.n_labels, sp.skill.size
    key = int(sp.end.max(initial=0)) + 1  # (task, offset) -> one sortable integer
    bounds = np.unique(np.r_[sp.task * key + sp.start, sp.task * key + sp.end])
    first = np.searchsorted(bounds, sp.task * key + sp.start)
    stop = np.searchsorted(bounds, sp.task * key + sp.end)
    count = stop - first
    owner = np.repeat(np.arange(count.size), count)
    segment = first[owner] + np.arange(owner.size) - np.repeat(np.cumsum(count) - count, count)
    # one vote per (segment, worker, label), a worker's weight split across their labels
    cell = np.unique((segment * n_w + sp.worker[owner]) * n_l + sp.label[owner])
    seg_worker, cell_label = np.divmod(cell, n_l)
    _, inverse, per_worker = np.unique(seg_worker, return_inverse=True, return_counts=True)
    weight = sp.skill[seg_worker % n_w] / per_worker[inverse]
    votes = weighted_bincount((seg_worker // n_w) * n_l + cell_label, weight, bounds.size * n_l)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = votes.reshape(bounds.size, n_l) / sp.task_weight[bounds // key][:, None]
    winner = share.argmax(axis=1)
    win_share = share[np.arange(bounds.size), winner]
    keep = (win_share >= min_share) & (win_share > 0)
    # a boundary splits two same-label neighbours if enough annotators ended or began there
    edge = weighted_bincount(stop * n_l + sp.label, sp.skill[sp.worker], bounds.size * n_l)
    edge += weighted_bincount(first * n_l + sp.label, sp.skill[sp.worker], bounds.size * n_l)
    with np.errstate(invalid="ignore", divide="ignore"):
        split = edge.reshape(bounds.size, n_l) / (2 * sp.task_weight[bounds // key][:, None])
    joins = keep[1:] & keep[:-1] & (winner[1:] == winner[:-1])
    joins &= split[np.arange(1, bounds.size), winner[1:]] < min_share
    kept = np.flatnonzero(keep)
    run = np.cumsum(~np.r_[False, joins][kept]) - 1
    run_first = kept[np.r_[0, np.flatnonzero(np.diff(run)) + 1]] if kept.size else kept
    run_last = kept[np.r_[np.flatnonzero(np.diff(run)), kept.size - 1]] if kept.size else kept
    length = (bounds[kept + 1] - bounds[kept]).astype(float)
    n_runs = run_first.size
    confidence = weighted_bincount(run, win_share[kept] * length, n_runs) / weighted_bincount(
        run, length, n_runs
    )
    return SpanResult(
        task=bounds[run_first] // key,
        start=bounds[run_first] % key,
        end=bounds[run_last + 1] % key,
        label=winner[run_first],
        confidence=confidence,
    )


def vote_exact_spans(
    task: ArrayLike,
    worker: ArrayLike,
    start: ArrayLike,
    end: ArrayLike,
    label: ArrayLike,
    *,
    response_task: ArrayLike,
    response_worker: ArrayLike,
    skill: ArrayLike | None = None,
    min_share: float = 0.5,
) -> SpanResult:
    """Exact-span voting: a (start, end, label) span is kept if the annotators who marked
    exactly it carry at least `min_share` of the task's annotator weight."""
    sp = _prepare(task, worker, start, end, label, response_task, response_worker, skill)
    rows = np.unique(np.stack([sp.task, sp.start, sp.end, sp.label, sp.worker], axis=1), axis=0)
    spans, inverse = np.unique(rows[:, :4], axis=0, return_inverse=True)
    support = weighted_bincount(inverse.ravel(), sp.skill[rows[:, 4]], spans.shape[0])
    with np.errstate(invalid="ignore", divide="ignore"):
        share = support / sp.task_weight[spans[:, 0]]
    keep = share >= min_share
    task_, start_, end_, label_ = (spans[keep, c] for c in range(4))
    return SpanResult(task_, start_, end_, label_, confidence=share[keep])
