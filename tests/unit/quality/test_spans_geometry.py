"""Span voting and box/point fusion."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quorum.quality import fuse, polygon_boxes, vote_exact_spans, vote_segments
from quorum.quality.geometry import box_iou

# three annotators on task 0; two split a name in two entities, one marks it whole; only
# annotator 0 marks a location. Task 1: annotators 0 and 1 disagree on where a span starts.
SPANS = {
    "task": [0, 0, 0, 0, 0, 0, 1, 1],
    "worker": [0, 0, 1, 1, 2, 0, 0, 1],
    "start": [0, 5, 0, 5, 0, 12, 3, 4],
    "end": [5, 10, 5, 10, 10, 15, 8, 8],
    "label": [0, 0, 0, 0, 0, 1, 1, 1],
}
RESPONSES = {"response_task": [0, 0, 0, 1, 1], "response_worker": [0, 1, 2, 0, 1]}


def test_segment_voting_keeps_majority_boundaries_and_weights_confidence_by_length() -> None:
    result = vote_segments(**SPANS, **RESPONSES)
    np.testing.assert_array_equal(result.task, [0, 0, 1])
    np.testing.assert_array_equal(result.start, [0, 5, 3])
    np.testing.assert_array_equal(result.end, [5, 10, 8])
    np.testing.assert_array_equal(result.label, [0, 0, 1])
    np.testing.assert_allclose(result.confidence, [1.0, 1.0, (0.5 * 1 + 1.0 * 4) / 5])


def test_segment_voting_with_a_strict_quorum_and_skills() -> None:
    strict = vote_segments(**SPANS, **RESPONSES, min_share=0.6)
    np.testing.assert_array_equal(strict.start, [0, 5, 4])
    skilled = vote_segments(**SPANS, **RESPONSES, skill=[1.0, 0.1, 3.0])
    # annotator 2 (one whole span) now outweighs the two who split it
    np.testing.assert_array_equal(skilled.start[skilled.task == 0], [0])
    np.testing.assert_array_equal(skilled.end[skilled.task == 0], [10])


def test_exact_span_voting_counts_identical_spans() -> None:
    result = vote_exact_spans(**SPANS, **RESPONSES)
    np.testing.assert_array_equal(result.start, [0, 5, 3, 4])
    np.testing.assert_allclose(result.confidence, [2 / 3, 2 / 3, 0.5, 0.5])


def test_spans_need_a_response() -> None:
    with pytest.raises(ValueError, match="listed response"):
        vote_segments(**SPANS, response_task=[0], response_worker=[0])


def test_nobody_marking_anything_gives_no_spans() -> None:
    none: list[int] = []
    for vote in (vote_segments, vote_exact_spans):
        result = vote(none, none, none, none, none, response_task=[0, 0], response_worker=[0, 1])
        assert all(column.size == 0 for column in vars(result).values())


@settings(max_examples=30, deadline=None)
@given(
    spans=st.lists(
        st.tuples(st.integers(0, 40), st.integers(1, 10), st.integers(0, 2)), min_size=1, max_size=6
    ),
    n_annotators=st.integers(1, 5),
)
def test_unanimous_annotators_get_their_spans_back(spans, n_annotators: int) -> None:
    # non-overlapping spans of one annotator, copied by everyone
    spans = sorted(spans)
    kept, end = [], -1
    for start, length, label in spans:
        if start >= end + 1:  # a gap, so neighbours never merge
            kept.append((start, start + length, label))
            end = start + length
    columns = {"task": [], "worker": [], "start": [], "end": [], "label": []}
    for w in range(n_annotators):
        for start, stop, label in kept:
            for key, value in zip(columns, (0, w, start, stop, label), strict=True):
                columns[key].append(value)
    responses = {"response_task": [0] * n_annotators, "response_worker": list(range(n_annotators))}
    for vote in (vote_segments, vote_exact_spans):
        result = vote(**columns, **responses)
        got = sorted(zip(result.start, result.end, result.label, strict=True))
        assert got == kept
        np.testing.assert_allclose(result.confidence, 1.0)


def box_crowd(seed: int = 0):
    rng = np.random.default_rng(seed)
    truth = {0: [(10, 10, 50, 50, 0), (60, 60, 90, 100, 1)], 1: [(0, 0, 20, 20, 0)]}
    rows = []
    for image, objects in truth.items():
        for annotator in range(5):
            if annotator == 4:  # draws one stray box and nothing else
                rows.append((image, annotator, 0, 200, 200, 230, 230))
                continue
            for x0, y0, x1, y1, label in objects:
                jitter = rng.normal(0, 1.5, 4)
                rows.append(
                    (
                        image,
                        annotator,
                        label,
                        x0 + jitter[0],
                        y0 + jitter[1],
                        x1 + jitter[2],
                        y1 + jitter[3],
                    )
                )
    return np.array(rows), truth


def test_boxes_are_matched_fused_and_strays_dropped() -> None:
    rows, truth = box_crowd()
    result = fuse(
        rows[:, 0],
        rows[:, 1],
        rows[:, 2],
        rows[:, 3:],
        response_task=[0] * 5 + [1] * 5,
        response_worker=list(range(5)) * 2,
    )
    assert len(result.task) == 3
    np.testing.assert_allclose(result.confidence, 0.8)
    np.testing.assert_array_equal(result.n_annotators, [4, 4, 4])
    for t, label, box in zip(result.task, result.label, result.coords, strict=True):
        expected = [o[:4] for o in truth[t] if o[4] == label]
        assert np.abs(box - np.array(expected)).max(axis=1).min() < 3.0
    assert (result.agreement > 0.8).all()
    everyone = fuse(
        rows[:, 0],
        rows[:, 1],
        rows[:, 2],
        rows[:, 3:],
        quorum=0.2,
        response_task=[0] * 5 + [1] * 5,
        response_worker=list(range(5)) * 2,
    )
    assert len(everyone.task) == 5  # the stray box survives a 20 % quorum on both images


def test_points_match_within_distance_and_skills_weight_the_fusion() -> None:
    task = [0, 0, 0, 0]
    worker = [0, 1, 2, 2]
    points = [[10, 10], [12, 10], [11, 30], [100, 100]]
    result = fuse(
        task,
        worker,
        [0, 0, 0, 0],
        points,
        kind="point",
        max_distance=5.0,
        skill=[1.0, 3.0, 1.0],
        response_task=[0, 0, 0],
        response_worker=[0, 1, 2],
    )
    np.testing.assert_allclose(result.coords, [[11.5, 10.0]])
    np.testing.assert_allclose(result.confidence, [0.8])


def test_polygons_become_boxes_and_iou_is_exact() -> None:
    boxes = polygon_boxes([0, 0, 0, 1, 1, 1], [0, 5, 2, 10, 12, 11], [1, 3, 7, 0, 0, 4])
    np.testing.assert_allclose(boxes, [[0, 1, 5, 7], [10, 0, 12, 4]])
    iou = box_iou(np.array([[0.0, 0, 2, 2]]), np.array([[1.0, 1, 3, 3], [5, 5, 6, 6]]))
    np.testing.assert_allclose(iou, [[1 / 7, 0.0]])


@pytest.mark.parametrize(("kind", "width"), [("box", 4), ("point", 2)])
def test_nobody_drawing_anything_gives_no_objects(kind: str, width: int) -> None:
    result = fuse([], [], [], [], kind=kind, response_task=[0, 0], response_worker=[0, 1])
    assert result.coords.shape == (0, width)
    assert all(v.size == 0 for k, v in vars(result).items() if k != "coords")
