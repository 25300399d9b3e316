"""Free text (transcripts, form text fields): the answer closest to all the others."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from quorum.quality import most_central
from quorum.quality.text import normalised_edit_distance
from quorum.services.consensus import Verdict
from quorum.services.consensus.votes import weights


def central(texts: Sequence[str], accuracies: Sequence[float]) -> tuple[int, float]:
    """Index of the text with the least skill-weighted normalised edit distance to the others,
    and one minus that mean distance (clipped: float error can take it just below 0). An
    answer is kept whole rather than rebuilt word by word, so it stays a text someone wrote."""
    result = most_central(
        [0] * len(texts), list(range(len(texts))), list(texts), skill=weights(accuracies)
    )
    return int(result.choice[0]), float(np.clip(result.confidence[0], 0.0, 1.0))


def text_agreement(a: str, b: str) -> float:
    """One minus the normalised word edit distance."""
    return 1.0 - normalised_edit_distance(a.split(), b.split())


def transcript(
    _params: dict[str, Any], responses: Sequence[dict[str, Any]], accuracies: Sequence[float]
) -> Verdict:
    """The most central transcript wins whole, segments included."""
    winner, confidence = central([r["transcript"] for r in responses], accuracies)
    return Verdict(responses[winner], confidence)


def transcript_agreement(expected: dict[str, Any], response: dict[str, Any]) -> float:
    return text_agreement(expected["transcript"], response["transcript"])
