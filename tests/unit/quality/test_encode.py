"""Integer coding of answers and the repeated-answer rule."""

from __future__ import annotations

import numpy as np
import pytest

from quorum.quality import NO_GOLD, Answers, encode_records
from quorum.quality.encode import check_gold


def test_encode_records_orders_numeric_classes_by_value() -> None:
    encoded = encode_records(["a", "b", "a"], ["w1", "w2", "w2"], ["10", "2", "1"])
    assert encoded.classes == ["1", "2", "10"]
    assert encoded.tasks == ["a", "b"]
    assert encoded.workers == ["w1", "w2"]
    np.testing.assert_array_equal(encoded.answers.label, [2, 1, 0])
    assert encoded.gold is None


def test_encode_records_maps_gold_and_adds_unseen_gold_classes() -> None:
    encoded = encode_records(
        ["t1", "t2"], ["w", "w"], ["cat", "dog"], ["t2", "t1", "nobody"], ["emu", "cat", "dog"]
    )
    assert encoded.classes == ["cat", "dog", "emu"]
    np.testing.assert_array_equal(encoded.gold, [0, 2])
    assert encoded.answers.n_classes == 3


def test_repeated_answers_split_one_vote() -> None:
    answers = Answers([0, 0, 0, 1], [5, 5, 6, 5], [1, 0, 1, 1])
    np.testing.assert_allclose(answers.weight, [0.5, 0.5, 1.0, 1.0])
    np.testing.assert_allclose(answers.votes, [[0.5, 1.5], [0.0, 1.0]])
    assert answers.n_workers == 7


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"task": [0, 1], "worker": [0], "label": [0]}, "same length"),
        ({"task": [0.5], "worker": [0], "label": [0]}, "integer codes"),
        ({"task": [-1], "worker": [0], "label": [0]}, "non-negative"),
        ({"task": [3], "worker": [0], "label": [0], "n_tasks": 2}, "n_tasks=2"),
        ({"task": [[0]], "worker": [0], "label": [0]}, "one-dimensional"),
    ],
)
def test_answers_reject_bad_input(kwargs: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Answers(**kwargs)


def test_check_gold_validates_shape_and_codes() -> None:
    answers = Answers([0, 1], [0, 0], [0, 1])
    np.testing.assert_array_equal(check_gold([NO_GOLD, 1], answers), [NO_GOLD, 1])
    with pytest.raises(ValueError, match="shape"):
        check_gold([0], answers)
    with pytest.raises(ValueError, match="below 2"):
        check_gold([0, 2], answers)
