"""The pairwise agreement measures of the dashboard, on inputs whose values are known by hand:
pair scores averaged per task and per annotator, word error rate, matched IoU, Kendall's tau."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.stats import kendalltau

from quorum.quality.agreement import pairwise_agreement
from quorum.quality.geometry import box_iou, matched_iou
from quorum.quality.preference import kendall_tau
from quorum.quality.text import pairwise_wer, word_error_rate


def test_pairs_average_per_task_first_then_over_tasks():
    # task 0: three annotators, pair scores 1, 0, 0 (mean 1/3); task 1: one pair scoring 1
    got = pairwise_agreement([0, 0, 0, 1], [0, 0, 1, 0], [1, 2, 2, 1], [1.0, 0.0, 0.0, 1.0])
    assert got.value == pytest.approx((1 / 3 + 1) / 2)
    assert got.n_tasks == 2
    # annotator 0 is in pairs scoring 1, 0, 1; annotator 2 only in pairs scoring 0
    assert got.per_worker.tolist() == pytest.approx([2 / 3, 2 / 3, 0.0])
    assert got.pairs.tolist() == [3, 3, 2]


def test_no_pairs_and_undefined_scores_give_nan_not_an_error():
    empty = pairwise_agreement([], [], [], [], n_workers=2)
    assert math.isnan(empty.value) and empty.n_tasks == 0
    assert np.isnan(empty.per_worker).all() and empty.pairs.tolist() == [0, 0]
    skipped = pairwise_agreement([0, 1], [0, 0], [1, 1], [np.nan, 0.5])
    assert skipped.value == 0.5 and skipped.n_tasks == 1


def test_word_error_rate_counts_edits_per_reference_word():
    assert word_error_rate(["the", "cat", "sat"], ["the", "cat", "sat"]) == 0.0
    assert word_error_rate(["the", "cat", "sat"], ["the", "bat", "sat", "down"]) == pytest.approx(
        2 / 3
    )
    assert word_error_rate([], []) == 0.0
    assert word_error_rate([], ["hello", "there"]) == 2.0  # an empty reference counts as one word
    # one direction is 2 edits over 3 words, the other 2 over 4
    assert pairwise_wer(["the", "cat", "sat"], ["the", "bat", "sat", "down"]) == pytest.approx(
        (2 / 3 + 2 / 4) / 2
    )
    assert pairwise_wer(["a"], ["b"]) == pairwise_wer(["b"], ["a"]) == 1.0


def _boxes(*corners):
    return np.array(corners, dtype=float).reshape(-1, 4)


def test_matched_iou_pairs_objects_and_counts_the_unmatched_as_zero():
    a = _boxes((0, 0, 10, 10), (100, 100, 110, 110))
    b = _boxes((0, 0, 10, 5))  # half of the first box; nothing near the second
    assert matched_iou(box_iou(a, a)) == 1.0
    assert matched_iou(box_iou(a, b)) == pytest.approx(0.5 / 2)  # two distinct objects
    assert matched_iou(box_iou(b, a)) == matched_iou(box_iou(a, b))


def test_matched_iou_of_empty_answers():
    nothing = _boxes()
    assert matched_iou(box_iou(nothing, nothing)) == 1.0  # both saw nothing: agreement
    one = _boxes((0, 0, 10, 10))
    assert matched_iou(box_iou(one, nothing)) == 0.0
    assert matched_iou(box_iou(nothing, one)) == 0.0


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [([0, 1, 2, 3], [0, 1, 2, 3], 1.0), ([0, 1, 2, 3], [3, 2, 1, 0], -1.0),
     ([0, 1, 2], [0, 2, 1], 1 / 3), ([0, 1, 1, 2], [0, 1, 2, 3], None)],
)  # fmt: skip
def test_kendall_tau_matches_scipy(a, b, expected):
    got = kendall_tau(a, b)
    assert got == pytest.approx(kendalltau(a, b).statistic)
    if expected is not None:
        assert got == pytest.approx(expected)


def test_kendall_tau_is_undefined_without_an_order():
    assert math.isnan(kendall_tau([0], [0]))
    assert math.isnan(kendall_tau([1, 1, 1], [0, 1, 2]))
    with pytest.raises(ValueError, match="same items"):
        kendall_tau([0, 1], [0, 1, 2])
