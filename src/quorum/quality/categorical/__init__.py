"""Categorical truth inference: one label per task from several workers' answers.

Every method takes `Answers` (and optionally a gold array) and returns a `CategoricalResult`;
`METHODS` is the registry the CLI and the services pick from by name (its names, without
NumPy, in `quorum.quality.method_names`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from numpy.typing import ArrayLike

from quorum.quality.categorical.dawid_skene import dawid_skene, one_coin_dawid_skene
from quorum.quality.categorical.glad import glad
from quorum.quality.categorical.ibcc import ibcc
from quorum.quality.categorical.mace import mace
from quorum.quality.categorical.majority import (
    estimate_skills,
    majority_vote,
    vote_shares,
    weighted_majority_vote,
)
from quorum.quality.categorical.result import CategoricalResult, argmax_labels
from quorum.quality.encode import Answers
from quorum.quality.method_names import METHOD_NAMES

Method = Callable[..., CategoricalResult]

METHODS: dict[str, Method] = {
    "mv": majority_vote,
    "wmv": weighted_majority_vote,
    "ds": dawid_skene,
    "one-coin": one_coin_dawid_skene,
    "glad": glad,
    "mace": mace,
    "ibcc": ibcc,
}
if tuple(METHODS) != METHOD_NAMES:
    raise RuntimeError("categorical.METHODS and method_names.METHOD_NAMES list different methods")


def aggregate(
    answers: Answers, method: str = "ds", gold: ArrayLike | None = None, **options: Any
) -> CategoricalResult:
    """Run a registered method by name."""
    try:
        run = METHODS[method]
    except KeyError:
        raise ValueError(f"unknown method {method!r}; choose from {', '.join(METHODS)}") from None
    return run(answers, gold, **options)


__all__ = [
    "METHODS",
    "CategoricalResult",
    "aggregate",
    "argmax_labels",
    "dawid_skene",
    "estimate_skills",
    "glad",
    "ibcc",
    "mace",
    "majority_vote",
    "one_coin_dawid_skene",
    "vote_shares",
    "weighted_majority_vote",
]
