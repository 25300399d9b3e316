"""The simulated crowd: known accuracy, and wrong answers taken from the real crowd."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from quorum.simulation import Dataset, load_dataset, make_crowd


def _write(folder: Path, name: str, text: str) -> None:
    (folder / name).write_text(text, encoding="utf-8")


def test_load_dataset_keeps_the_real_wrong_answers(tmp_path):
    _write(tmp_path, "gold.csv", "task,label\nt1,a\nt2,b\nt3,c\n")
    _write(
        tmp_path, "labels.csv", "task,worker,label\nt1,w1,a\nt1,w2,c\nt1,w3,c\nt2,w1,b\nx,w1,a\n"
    )
    data = load_dataset(tmp_path)
    assert data.categories == ["a", "b", "c"] and data.truth == [0, 1, 2]
    assert data.wrong == [Counter({2: 2}), Counter(), Counter()]
    subset = load_dataset(tmp_path, limit=2, seed=1)
    assert len(subset.tasks) == 2 and set(subset.tasks) < {"t1", "t2", "t3"}


def test_load_dataset_refuses_free_text(tmp_path):
    rows = "".join(f"t{i},sentence {i}\n" for i in range(60))
    _write(tmp_path, "gold.csv", "task,label\n" + rows)
    with pytest.raises(ValueError, match="not categorical"):
        load_dataset(tmp_path)


def test_crowd_has_its_true_accuracy_and_real_confusions():
    n = 4000
    wrong = [Counter({2: 1}) if t % 2 else Counter() for t in range(n)]
    data = Dataset("toy", [str(t) for t in range(n)], [0] * n, ["a", "b", "c"], wrong)
    crowd = make_crowd(data, 5, mean=0.7, spread=0.2, seed=4)
    assert ((crowd.accuracy >= 0.5) & (crowd.accuracy <= 0.9)).all()
    observed = (crowd.answers == 0).mean(axis=1)
    assert np.abs(observed - crowd.accuracy).max() < 0.03
    assert set(np.unique(crowd.answers[:, 1::2])) <= {0, 2}  # the real crowd's confusion
    assert set(np.unique(crowd.answers[:, 0::2])) == {0, 1, 2}  # uniform where none was seen
    again = make_crowd(data, 5, mean=0.7, spread=0.2, seed=4)
    assert (again.answers == crowd.answers).all()
