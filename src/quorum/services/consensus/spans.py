"""Entity spans: the engine's segment voting decides the consensus spans; each annotator then
supports it with the share of entities they found too (matched F1, a lenient match)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from quorum.quality import vote_segments
from quorum.quality.geometry import box_iou
from quorum.services.consensus.base import Measure, Verdict
from quorum.services.consensus.measures import pairwise
from quorum.services.consensus.votes import (
    FloatArray,
    IntArray,
    f1,
    matched_pairs,
    support,
    weights,
)

MIN_IOU = 0.5
"""Two spans of one label are the same entity when they share more than half their extent, so
"New York" and "New York City" match but two neighbouring names do not."""


def _similarity(a: list[dict[str, Any]], b: list[dict[str, Any]]) -> FloatArray:
    """Interval IoU of every span of `a` with every span of `b`, 0 across labels (the IoU of
    boxes one unit high)."""
    boxes = [
        np.array([[s["start"], 0, s["end"], 1] for s in x], float).reshape(-1, 4) for x in (a, b)
    ]
    same_label = np.array([[s["label"] == t["label"] for t in b] for s in a], bool)
    return box_iou(*boxes) * same_label.reshape(len(a), len(b))


def _pairs(a: list[dict[str, Any]], b: list[dict[str, Any]]) -> tuple[IntArray, IntArray]:
    return matched_pairs(_similarity(a, b), MIN_IOU)


def span_agreement(expected: dict[str, Any], response: dict[str, Any]) -> float:
    """Entity F1: spans of one label that overlap by `MIN_IOU` count as found."""
    a, b = expected["annotations"], response["annotations"]
    return f1(len(_pairs(a, b)[0]), len(a), len(b))


def _vote(
    text: str, responses: Sequence[dict[str, Any]], accuracies: Sequence[float]
) -> list[dict]:
    """Segment voting over every annotator's spans; someone who marked nothing votes against."""
    labels = list(dict.fromkeys(s["label"] for r in responses for s in r["annotations"]))
    rows = [
        (who, s["start"], s["end"], labels.index(s["label"]))
        for who, r in enumerate(responses)
        for s in r["annotations"]
    ]
    # four columns even without rows: nobody marking anything is a vote for no spans
    worker, start, end, label = np.array(rows, dtype=np.int64).reshape(-1, 4).T
    result = vote_segments(
        np.zeros_like(worker), worker, start, end, label,
        response_task=np.zeros(len(responses), dtype=np.int64),
        response_worker=np.arange(len(responses)),
        skill=weights(accuracies),
    )  # fmt: skip
    return [
        {"start": s, "end": e, "label": labels[lab], "text": text[s:e]}
        for s, e, lab in zip(
            result.start.tolist(), result.end.tolist(), result.label.tolist(), strict=True
        )
    ]


def _relationships(
    spans: list[dict[str, Any]], responses: Sequence[dict[str, Any]], accuracies: Sequence[float]
) -> list[dict[str, Any]]:
    """A relationship between two consensus entities is kept when annotators with at least half
    the weight drew it between spans that match them."""
    weight = weights(accuracies)
    votes: dict[tuple[int, int, str], float] = {}
    for who, r in enumerate(responses):
        theirs, ours = _pairs(r["annotations"], spans)
        entity = {r["annotations"][i].get("id"): int(j) for i, j in zip(theirs, ours, strict=True)}
        drawn = {
            (entity[rel["source_ref"]], entity[rel["target_ref"]], rel["name"])
            for rel in r.get("relationships", ())
            if rel["source_ref"] in entity and rel["target_ref"] in entity
        }
        for key in drawn:
            votes[key] = votes.get(key, 0.0) + weight[who]
    return [
        {"source_ref": spans[source]["id"], "target_ref": spans[target]["id"], "name": name}
        for (source, target, name), w in votes.items()
        if w >= weight.sum() / 2
    ]


def entities(
    params: dict[str, Any], responses: Sequence[dict[str, Any]], accuracies: Sequence[float]
) -> Verdict:
    spans = _vote(params["text"], responses, accuracies)
    consensus: dict[str, Any] = {"annotations": spans}
    if any(r.get("relationships") for r in responses):
        for i, span in enumerate(spans):
            span["id"] = f"e{i}"
        consensus["relationships"] = _relationships(spans, responses, accuracies)
    agreement = [span_agreement(consensus, r) for r in responses]
    return Verdict(consensus, support(agreement, accuracies))


def span_measures(_params: dict[str, Any]) -> list[Measure]:
    return [
        pairwise(
            "Span F1 between annotators",
            "For two annotators of one text: the entities both marked (same label, overlapping "
            "by more than half) over the entities either marked, as an F1 score. 1: the same "
            "entities; 0: nothing in common; two who marked nothing agree fully.",
            span_agreement,
        )
    ]
