"""Image annotations: for each kind of shape the engine matches objects across annotators, fuses
them and drops those too little of the annotator weight drew; each annotator then supports the
consensus with the share of its objects they drew too (matched F1, attributes included).

Boxes are matched by IoU and fused into their skill-weighted mean; polygons and lines by their
bounding boxes, the consensus keeping the drawn outline that best fits the fused box; points by
distance. An object's attributes are the skill-weighted vote of the annotators who drew it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

import numpy as np
from scipy.linalg import block_diag

from quorum.quality import fuse, polygon_boxes
from quorum.quality.geometry import box_iou, matched_iou, point_similarity
from quorum.services.consensus.base import Measure, ParsedScore, Verdict
from quorum.services.consensus.measures import pairwise
from quorum.services.consensus.votes import (
    FloatArray,
    IntArray,
    canonical,
    f1,
    matched_pairs,
    support,
    vote_distinct,
    weights,
)

MIN_IOU = 0.5
"""Two boxes are the same object from this IoU on (PASCAL VOC's match)."""
POINT_TOLERANCE = 10.0
"""Pixels: two points this close are the same point, and the least extent a flat polygon or a
line gets on each axis so that it has an area to overlap."""

Member = tuple[int, dict[str, Any], float]
"""(annotator, their annotation, its similarity to the fused object)."""


def _box_coords(annotations: list[dict[str, Any]]) -> FloatArray:
    corners = [
        [a["left"], a["top"], a["left"] + a["width"], a["top"] + a["height"]] for a in annotations
    ]
    return np.array(corners, dtype=float).reshape(-1, 4)


def _outline_coords(annotations: list[dict[str, Any]]) -> FloatArray:
    vertices = [(i, v["x"], v["y"]) for i, a in enumerate(annotations) for v in a["vertices"]]
    owner, x, y = np.array(vertices, dtype=float).reshape(-1, 3).T
    boxes = polygon_boxes(owner.astype(np.int64), x, y, len(annotations))
    centre = (boxes[:, :2] + boxes[:, 2:]) / 2
    half = np.maximum((boxes[:, 2:] - boxes[:, :2]) / 2, POINT_TOLERANCE / 2)
    return np.hstack([centre - half, centre + half])


def _point_coords(annotations: list[dict[str, Any]]) -> FloatArray:
    return np.array([[a["x"], a["y"]] for a in annotations], dtype=float).reshape(-1, 2)


def _fused_box(coords: FloatArray, _members: list[Member]) -> dict[str, Any]:
    x0, y0, x1, y1 = coords.round(6).tolist()  # a mean: no float noise in the answer
    return {"left": x0, "top": y0, "width": x1 - x0, "height": y1 - y0}


def _best_outline(_coords: FloatArray, members: list[Member]) -> dict[str, Any]:
    return {"vertices": max(members, key=lambda m: m[2])[1]["vertices"]}


def _fused_point(coords: FloatArray, _members: list[Member]) -> dict[str, Any]:
    x, y = coords.round(6).tolist()
    return {"x": x, "y": y}


@dataclass(frozen=True)
class _Kind:
    """How one kind of shape is matched (engine `fuse` kind, similarity, threshold) and how a
    fused object becomes an annotation again."""

    coords: Callable[[list[dict[str, Any]]], FloatArray]
    engine: str
    similarity: Callable[[FloatArray, FloatArray], FloatArray]
    threshold: float
    shape: Callable[[FloatArray, list[Member]], dict[str, Any]]


_boxlike = partial(_Kind, engine="box", similarity=box_iou, threshold=MIN_IOU)
KINDS = {
    "box": _boxlike(_box_coords, shape=_fused_box),
    "polygon": _boxlike(_outline_coords, shape=_best_outline),
    "line": _boxlike(_outline_coords, shape=_best_outline),
    # the engine's own rule for points: any positive similarity, i.e. closer than the tolerance
    "point": _Kind(
        _point_coords, "point", point_similarity(POINT_TOLERANCE), 1e-12, shape=_fused_point
    ),
}


@dataclass(frozen=True)
class _Drawn:
    """The objects of one kind: labels and the coordinates they are matched by."""

    kind: _Kind
    labels: list[str]
    coords: FloatArray

    def pairs(self, other: _Drawn) -> tuple[IntArray, IntArray, FloatArray]:
        """Matched (own, other) objects of one label, and the similarity matrix."""
        same = np.array([[a == b for b in other.labels] for a in self.labels], dtype=bool)
        sim = self.kind.similarity(self.coords, other.coords) * same.reshape(
            len(self.labels), len(other.labels)
        )
        return *matched_pairs(sim, self.kind.threshold), sim


def _of_kind(response: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [a for a in response["annotations"] if a["type"] == kind]


def _drawn(kind: str, annotations: list[dict[str, Any]]) -> _Drawn:
    return _Drawn(KINDS[kind], [a["label"] for a in annotations], KINDS[kind].coords(annotations))


def _attribute_agreement(a: dict[str, Any], b: dict[str, Any]) -> float:
    """Share of attributes answered alike (1 without attributes)."""
    names = a["attributes"].keys() | b["attributes"].keys()
    same = [canonical(a["attributes"].get(n)) == canonical(b["attributes"].get(n)) for n in names]
    return sum(same) / len(same) if same else 1.0


@dataclass(frozen=True)
class _Shapes:
    """One answer's objects by kind, each kind's drawn once (None: none of that kind), and
    how many objects it has in all."""

    kinds: dict[str, tuple[list[dict[str, Any]], _Drawn | None]]
    count: int


def _shapes(response: dict[str, Any]) -> _Shapes:
    kinds = {}
    for kind in KINDS:
        objects = _of_kind(response, kind)
        kinds[kind] = (objects, _drawn(kind, objects) if objects else None)
    return _Shapes(kinds, len(response["annotations"]))


def _agreement(expected: _Shapes, response: _Shapes) -> float:
    credit = 0.0
    for kind in KINDS:
        (a, drawn_a), (b, drawn_b) = expected.kinds[kind], response.kinds[kind]
        if drawn_a is None or drawn_b is None:  # nothing of this kind to match
            continue
        rows, cols, _ = drawn_a.pairs(drawn_b)
        credit += sum(_attribute_agreement(a[i], b[j]) for i, j in zip(rows, cols, strict=True))
    return f1(credit, expected.count, response.count)


def _iou(a: _Shapes, b: _Shapes) -> float:
    blocks = []
    for kind in KINDS:
        (mine, drawn_mine), (theirs, drawn_theirs) = a.kinds[kind], b.kinds[kind]
        if drawn_mine is not None and drawn_theirs is not None:
            blocks.append(drawn_mine.pairs(drawn_theirs)[2])
        else:  # nothing of this kind to match: its objects count, unmatched
            blocks.append(np.zeros((len(mine), len(theirs))))
    return matched_iou(block_diag(*blocks))


shape_agreement = ParsedScore(_shapes, _agreement)
"""Object F1: objects of one kind and label that match count, each by the share of its
attributes that agree."""
shape_iou = ParsedScore(_shapes, _iou)
"""Mean IoU of two answers' objects (points: closeness within the tolerance), objects of
different kinds or labels never matching."""


def shape_measures(_params: dict[str, Any]) -> list[Measure]:
    return [
        pairwise(
            "Mean IoU between annotators",
            "For two annotators of one image: each object of one paired with the object of the "
            "other it overlaps most (same label), scored by intersection over union; an object "
            "only one of them drew scores 0. 1 is the same shapes; about 0.7 is close boxes.",
            shape_iou,
        ),
        pairwise(
            "Object F1 between annotators",
            "The objects both annotators drew (same label, IoU at least 0.5, attributes "
            "alike) over the objects either drew, as an F1 score.",
            shape_agreement,
        ),
    ]


def _fuse(
    kind: str, responses: Sequence[dict[str, Any]], accuracies: Sequence[float]
) -> list[dict]:
    """The consensus objects of one kind."""
    annotations = [_of_kind(r, kind) for r in responses]
    drawn = [_drawn(kind, a) for a in annotations]
    labels = list(dict.fromkeys(label for d in drawn for label in d.labels))
    worker = np.repeat(np.arange(len(drawn)), [len(d.labels) for d in drawn])
    fused = fuse(
        np.zeros_like(worker), worker, [labels.index(lab) for d in drawn for lab in d.labels],
        np.vstack([d.coords for d in drawn]),
        response_task=np.zeros(len(responses), dtype=np.int64),
        response_worker=np.arange(len(responses)),
        skill=weights(accuracies), kind=KINDS[kind].engine, min_iou=MIN_IOU,
        max_distance=POINT_TOLERANCE,
    )  # fmt: skip
    consensus = _Drawn(KINDS[kind], [labels[i] for i in fused.label.tolist()], fused.coords)
    members: list[list[Member]] = [[] for _ in consensus.labels]
    for who, (mine, theirs) in enumerate(zip(annotations, drawn, strict=True)):
        rows, cols, sim = theirs.pairs(consensus)
        for i, j in zip(rows.tolist(), cols.tolist(), strict=True):
            members[j].append((who, mine[i], float(sim[i, j])))
    return [
        {"type": kind, "label": label, "attributes": _attributes(group, accuracies),
         **KINDS[kind].shape(coords, group)}
        for label, coords, group in zip(consensus.labels, consensus.coords, members, strict=True)
        if group  # fusion moved it off every shape it was made of: nothing to take it from
    ]  # fmt: skip


def _attributes(members: list[Member], accuracies: Sequence[float]) -> dict[str, Any]:
    """Each attribute by the skill-weighted vote of the annotators who drew the object."""
    skill = [accuracies[who] for who, _, _ in members]
    values = {}
    for name in members[0][1]["attributes"]:
        answers = [annotation["attributes"][name] for _, annotation, _ in members]
        values[name] = answers[vote_distinct(answers, skill)[0]]
    return values


def shapes(
    _params: dict[str, Any], responses: Sequence[dict[str, Any]], accuracies: Sequence[float]
) -> Verdict:
    consensus = {
        "annotations": [obj for kind in KINDS for obj in _fuse(kind, responses, accuracies)],
        "links": [],
        "global_attributes": {},
    }
    fused = _shapes(consensus)
    agreement = [_agreement(fused, _shapes(r)) for r in responses]
    return Verdict(consensus, support(agreement, accuracies))
