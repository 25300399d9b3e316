"""Categories: the engine's one-coin posterior with the annotators' skills."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

import numpy as np

from quorum.services.consensus.base import Measure, Verdict
from quorum.services.consensus.measures import SAME_ANSWER, alpha, pairwise
from quorum.services.consensus.votes import canonical, posterior, same_answer_key


def choose_several(
    choices: Sequence[str],
    chosen: Sequence[Collection[str]],
    accuracies: Sequence[float],
    at_least: int = 0,
    at_most: int | None = None,
) -> tuple[list[str], float]:
    """Several choices allowed: each is a yes/no question answered by everyone. The likely
    ones are kept, moved to within the allowed count most likely first, in choice order; the
    confidence is that of the least sure of the decisions."""
    p = np.zeros(len(choices))
    for i, choice in enumerate(choices):
        label, confidence = posterior([int(choice in c) for c in chosen], 2, accuracies)
        p[i] = confidence if label else 1.0 - confidence
    count = min(max(int((p > 0.5).sum()), at_least), len(choices) if at_most is None else at_most)
    keep = np.zeros(len(choices), dtype=bool)
    keep[np.argsort(-p, kind="stable")[:count]] = True
    return [c for c, k in zip(choices, keep, strict=True) if k], float(
        np.where(keep, p, 1.0 - p).min(initial=1.0)
    )


def categorical(
    params: dict[str, Any], responses: Sequence[dict[str, Any]], accuracies: Sequence[float]
) -> Verdict:
    categories: list[str] = params["categories"]
    if params.get("allow_multiple"):
        chosen, confidence = choose_several(
            categories, [r["category"] for r in responses], accuracies
        )
        return Verdict({"category": chosen}, confidence)
    index = {c: i for i, c in enumerate(categories)}
    label, confidence = posterior(
        [index[r["category"]] for r in responses], len(categories), accuracies
    )
    return Verdict({"category": categories[label]}, confidence)


def exact_agreement(expected: dict[str, Any], response: dict[str, Any]) -> float:
    """1 for the same answer (categories in any order), else 0."""
    return float(canonical(expected) == canonical(response))


def categorical_measures(_params: dict[str, Any]) -> list[Measure]:
    """Alpha over the categories chosen (a set of several counts as one answer), and the raw
    share of agreeing pairs, which stays defined when everyone gives the same label."""
    return [
        alpha("Krippendorff's alpha", lambda r: same_answer_key(r["category"])),
        pairwise("Percent agreement", SAME_ANSWER, exact_agreement),
    ]
