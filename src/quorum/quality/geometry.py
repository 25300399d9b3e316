"""Bounding boxes, polygons (as their boxes) and keypoints: match objects across annotators,
fuse them with skill weights, and drop objects too few annotators drew.

Within each (task, label) group, annotators are taken in order of decreasing skill and their
objects are matched to the clusters found so far with the Hungarian algorithm
(scipy.optimize.linear_sum_assignment) on IoU for boxes or distance for points; unmatched
objects open new clusters, and one annotator never contributes two objects to one cluster.
A cluster survives if its annotators carry at least `quorum` of the skill weight of everyone
who annotated the task; its geometry is the skill-weighted mean of its members.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike
from scipy.optimize import linear_sum_assignment

from quorum.quality.encode import FloatArray, IntArray, responder_weights

Similarity = Callable[[FloatArray, FloatArray], FloatArray]


@dataclass(frozen=True)
class FusedObjects:
    """Consensus objects: `coords` is (n, 4) boxes (x0, y0, x1, y1) or (n, 2) points;
    `confidence` is the share of annotator weight that drew the object; `agreement` the
    mean similarity (IoU, or 1 - distance / max_distance) of the members to the fused one."""

    task: IntArray
    label: IntArray
    coords: FloatArray
    confidence: FloatArray
    agreement: FloatArray
    n_annotators: IntArray


def box_iou(a: FloatArray, b: FloatArray) -> FloatArray:
    """IoU matrix between boxes a (n, 4) and b (m, 4), corners (x0, y0, x1, y1)."""
    low = np.maximum(a[:, None, :2], b[None, :, :2])
    high = np.minimum(a[:, None, 2:], b[None, :, 2:])
    inter = np.prod(np.clip(high - low, 0, None), axis=2)
    area_a = np.prod(a[:, 2:] - a[:, :2], axis=1)
    area_b = np.prod(b[:, 2:] - b[:, :2], axis=1)
    union = area_a[:, None] + area_b[None, :] - inter
    iou: FloatArray = np.divide(inter, union, out=np.zeros_like(inter), where=union > 0)
    return iou


def matched_iou(similarity: FloatArray) -> float:
    """Mean IoU between two annotators' objects, given their similarity matrix (IoU, 0 across
    labels): objects are paired one to one for the most total overlap, and each object the
    other did not draw (no overlap with anything left) counts as an IoU of 0, so the mean
    runs over every distinct object. Both drawing nothing is full agreement (1.0)."""
    n, m = similarity.shape
    if n == 0 and m == 0:
        return 1.0
    rows, cols = linear_sum_assignment(similarity, maximize=True)
    overlap = similarity[rows, cols]
    matched = overlap > 0
    return float(overlap[matched].sum() / (n + m - int(matched.sum())))


def point_similarity(max_distance: float) -> Similarity:
    """1 - distance / max_distance, clipped at 0: points further apart never match."""

    def similarity(a: FloatArray, b: FloatArray) -> FloatArray:
        distance = np.linalg.norm(a[:, None, :] - b[None, :, :], axis=2)
        close: FloatArray = np.clip(1.0 - distance / max_distance, 0.0, None)
        return close

    return similarity


def polygon_boxes(owner: ArrayLike, x: ArrayLike, y: ArrayLike, n: int | None = None) -> FloatArray:
    """Bounding boxes of polygons given as vertex rows (owner polygon, x, y): (n, 4)."""
    o = np.asarray(owner, dtype=np.int64)
    xs, ys = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    count = int(o.max(initial=-1)) + 1 if n is None else n
    boxes = np.empty((count, 4))
    boxes[:, :2], boxes[:, 2:] = np.inf, -np.inf
    np.minimum.at(boxes[:, 0], o, xs)
    np.minimum.at(boxes[:, 1], o, ys)
    np.maximum.at(boxes[:, 2], o, xs)
    np.maximum.at(boxes[:, 3], o, ys)
    return boxes


def _cluster(
    coords: FloatArray,
    annotator: IntArray,
    skill: FloatArray,
    similarity: Similarity,
    threshold: float,
) -> IntArray:
    """Cluster id per object of one (task, label) group."""
    cluster = np.full(annotator.size, -1)
    centres = np.empty((0, coords.shape[1]))
    weights = np.empty(0)
    for a in sorted(np.unique(annotator), key=lambda a: -skill[a]):
        mine = np.flatnonzero(annotator == a)
        matched = np.zeros(mine.size, dtype=bool)
        if centres.shape[0]:
            sim = similarity(coords[mine], centres)
            rows, cols = linear_sum_assignment(sim, maximize=True)
            good = sim[rows, cols] >= threshold
            rows, cols = rows[good], cols[good]
            cluster[mine[rows]] = cols
            matched[rows] = True
            total = weights[cols] + skill[a]
            centres[cols] = (
                centres[cols] * weights[cols, None] + coords[mine[rows]] * skill[a]
            ) / total[:, None]
            weights[cols] = total
        new = mine[~matched]
        cluster[new] = centres.shape[0] + np.arange(new.size)
        centres = np.vstack([centres, coords[new]])
        weights = np.r_[weights, np.full(new.size, skill[a])]
    return cluster


def fuse(
    task: ArrayLike,
    worker: ArrayLike,
    label: ArrayLike,
    coords: ArrayLike,
    *,
    response_task: ArrayLike,
    response_worker: ArrayLike,
    skill: ArrayLike | None = None,
    kind: str = "box",
    min_iou: float = 0.5,
    max_distance: float = 10.0,
    quorum: float = 0.5,
) -> FusedObjects:
    """Fuse boxes (`kind="box"`, coords (n, 4), matched at IoU >= `min_iou`) or points
    (`kind="point"`, coords (n, 2), matched within `max_distance`). Responses list every
    (task, worker) that submitted, including those who drew nothing: they count against
    objects they did not draw, and when nobody drew anything the result is empty."""
    t, w, lab = (np.asarray(v, dtype=np.int64) for v in (task, worker, label))
    similarity: Similarity
    if kind == "box":
        similarity, threshold, width = box_iou, min_iou, 4
    elif kind == "point":
        similarity, threshold, width = point_similarity(max_distance), 1e-12, 2
    else:
        raise ValueError("kind must be 'box' or 'point'")
    # the width comes from the kind, not the data: no objects at all is still a valid input
    xy = np.asarray(coords, dtype=float).reshape(t.size, width)
    if kind == "box" and (xy[:, 2:] < xy[:, :2]).any():
        raise ValueError("boxes need x0 <= x1 and y0 <= y1")
    skills, task_weight = responder_weights(response_task, response_worker, t, w, skill)
    out: list[tuple[int, int, FloatArray, float, float, int]] = []
    group = t * (int(lab.max(initial=0)) + 1) + lab  # one group per (task, label)
    order = np.argsort(group, kind="stable")
    for members in np.split(order, np.flatnonzero(np.diff(group[order])) + 1):
        if not members.size:
            continue
        ids = _cluster(xy[members], w[members], skills, similarity, threshold)
        for c in range(ids.max() + 1):
            objects = members[ids == c]
            weight = skills[w[objects]]
            support = weight.sum() / task_weight[t[objects[0]]]
            if support < quorum:
                continue
            fused = np.average(xy[objects], axis=0, weights=weight)
            agreement = float(
                np.average(similarity(xy[objects], fused[None])[:, 0], weights=weight)
            )
            out.append((t[objects[0]], lab[objects[0]], fused, support, agreement, objects.size))
    return FusedObjects(
        task=np.array([o[0] for o in out], dtype=np.int64),
        label=np.array([o[1] for o in out], dtype=np.int64),
        coords=np.array([o[2] for o in out]).reshape(-1, width),
        confidence=np.array([o[3] for o in out]),
        agreement=np.array([o[4] for o in out]),
        n_annotators=np.array([o[5] for o in out], dtype=np.int64),
    )
