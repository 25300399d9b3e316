"""Agreement measures against the `krippendorff` package, scikit-learn and textbook values."""

from __future__ import annotations

import krippendorff
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quorum.quality import (
    Answers,
    annotator_agreement,
    cohen_kappa_matrix,
    fleiss_kappa,
    krippendorff_alpha,
    percent_agreement,
)

from .helpers import CATEGORICAL, load_dataset

LEVELS = ["nominal", "ordinal", "interval"]


def reliability_matrix(answers: Answers, values: np.ndarray) -> np.ndarray:
    matrix = np.full((answers.n_workers, answers.n_tasks), np.nan)
    matrix[answers.worker, answers.task] = values[answers.label]
    return matrix


@pytest.mark.parametrize("name", CATEGORICAL)
@pytest.mark.parametrize("level", LEVELS)
def test_alpha_matches_krippendorff_package_on_datasets(name: str, level: str) -> None:
    encoded = load_dataset(name)
    values = np.array([float(c) for c in encoded.classes])
    expected = krippendorff.alpha(
        reliability_data=reliability_matrix(encoded.answers, values), level_of_measurement=level
    )
    assert krippendorff_alpha(encoded.answers, level, values) == pytest.approx(expected, rel=1e-9)


@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(0, 2**31),
    n_coders=st.integers(2, 6),
    n_units=st.integers(2, 30),
    n_classes=st.integers(2, 6),
    level=st.sampled_from(LEVELS),
)
def test_alpha_matches_krippendorff_package_with_missing_data(
    seed: int, n_coders: int, n_units: int, n_classes: int, level: str
) -> None:
    rng = np.random.default_rng(seed)
    values = np.sort(rng.choice(50, n_classes, replace=False)).astype(float)
    present = rng.random((n_coders, n_units)) < 0.7
    codes = rng.integers(0, n_classes, (n_coders, n_units))
    coder, unit = np.nonzero(present)
    answers = Answers(unit, coder, codes[coder, unit], n_units, n_coders, n_classes)
    matrix = reliability_matrix(answers, values)
    pairable = (~np.isnan(matrix)).sum(axis=0) >= 2
    observed = np.unique(matrix[:, pairable][~np.isnan(matrix[:, pairable])])
    if observed.size < 2:  # the package rejects a single value; ours says NaN
        assert np.isnan(krippendorff_alpha(answers, level, values))
        return
    expected = krippendorff.alpha(reliability_data=matrix, level_of_measurement=level)
    assert krippendorff_alpha(answers, level, values) == pytest.approx(
        expected, rel=1e-9, abs=1e-12
    )


def test_fleiss_kappa_textbook_example() -> None:
    # Fleiss (1971) as worked on Wikipedia: 10 subjects, 14 raters, 5 categories, kappa 0.210
    table = np.array(
        [
            [0, 0, 0, 0, 14],
            [0, 2, 6, 4, 2],
            [0, 0, 3, 5, 6],
            [0, 3, 9, 2, 0],
            [2, 2, 8, 1, 1],
            [7, 7, 0, 0, 0],
            [3, 2, 6, 3, 0],
            [2, 5, 3, 2, 2],
            [6, 5, 2, 1, 0],
            [0, 2, 2, 3, 7],
        ]
    )
    subject, category = np.nonzero(table)
    counts = table[subject, category]
    task = np.repeat(subject, counts)
    label = np.repeat(category, counts)
    worker = np.concatenate([np.arange(14)] * 10)  # raters 0..13 on every subject
    answers = Answers(task, worker, label)
    assert fleiss_kappa(answers) == pytest.approx(0.20993, abs=5e-5)
    assert percent_agreement(answers) == pytest.approx(0.37802, abs=5e-5)


def test_cohen_kappa_matrix_matches_scikit_learn() -> None:
    metrics = pytest.importorskip("sklearn.metrics")
    rng = np.random.default_rng(4)
    n_tasks, n_workers = 60, 4
    present = rng.random((n_workers, n_tasks)) < 0.8
    codes = rng.integers(0, 3, (n_workers, n_tasks))
    codes[1] = np.where(rng.random(n_tasks) < 0.7, codes[0], codes[1])
    worker, task = np.nonzero(present)
    pairwise = cohen_kappa_matrix(Answers(task, worker, codes[worker, task], n_tasks, n_workers))
    for a in range(n_workers):
        for b in range(n_workers):
            if a == b:
                assert np.isnan(pairwise.kappa[a, b])
                continue
            both = present[a] & present[b]
            expected = metrics.cohen_kappa_score(codes[a, both], codes[b, both])
            assert pairwise.kappa[a, b] == pytest.approx(expected, abs=1e-12)
            assert pairwise.overlap[a, b] == both.sum()


def test_perfect_agreement_and_no_pairable_tasks() -> None:
    perfect = Answers([0, 0, 1, 1], [0, 1, 0, 1], [0, 0, 1, 1])
    assert percent_agreement(perfect) == 1.0
    assert fleiss_kappa(perfect) == pytest.approx(1.0)
    assert krippendorff_alpha(perfect) == pytest.approx(1.0)
    lonely = Answers([0, 1], [0, 1], [0, 1])
    assert np.isnan(percent_agreement(lonely))
    assert np.isnan(krippendorff_alpha(lonely))


def test_annotator_agreement_singles_out_the_random_annotator() -> None:
    rng = np.random.default_rng(2)
    truth = rng.integers(0, 4, 300)
    task = np.repeat(np.arange(300), 4)
    worker = np.tile(np.arange(4), 300)
    label = truth[task]
    label[worker == 3] = rng.integers(0, 4, 300)
    per = annotator_agreement(Answers(task, worker, label))
    assert per.percent.argmin() == 3 and per.cohen_kappa.argmin() == 3
    assert per.chance_corrected[3] == pytest.approx(0.0, abs=0.1)
    np.testing.assert_allclose(per.chance_corrected[:3], per.chance_corrected[0], atol=0.1)
