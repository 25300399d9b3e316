"""Free text (transcripts, form text fields): the answer closest to all the others wins whole;
each annotator then supports it with the share of its words they wrote too."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from quorum.quality import most_central
from quorum.quality.text import normalised_edit_distance, pairwise_wer
from quorum.services.consensus.base import Measure, Verdict
from quorum.services.consensus.measures import pairwise
from quorum.services.consensus.votes import support, weights


def text_agreement(a: str, b: str) -> float:
    """One minus the normalised word edit distance (one minus the word error rate against the
    longer text). Words, not characters: answers to different sentences of crowdwsa2019-t1
    agree 0.03 by words but 0.25 by characters (common letters line up), and `support` reads
    agreement as a share of a vote for, so by characters an unrelated answer would count
    partly for the verdict and an even split would look like a lead."""
    return 1.0 - normalised_edit_distance(a.split(), b.split())


def central(texts: Sequence[str], accuracies: Sequence[float]) -> tuple[int, float]:
    """Index of the text with the least skill-weighted normalised edit distance to the others,
    kept whole rather than rebuilt word by word so it stays a text someone wrote; and the
    posterior that it is right, every annotator voting for it by their agreement with it, as
    for spans and shapes. Its own author agrees fully, so one answer gives that annotator's
    accuracy and agreeing answers raise it."""
    result = most_central(
        [0] * len(texts), list(range(len(texts))), list(texts), skill=weights(accuracies)
    )
    winner = int(result.choice[0])
    return winner, support([text_agreement(texts[winner], t) for t in texts], accuracies)


def transcript(
    _params: dict[str, Any], responses: Sequence[dict[str, Any]], accuracies: Sequence[float]
) -> Verdict:
    """The most central transcript wins whole, segments included."""
    winner, confidence = central([r["transcript"] for r in responses], accuracies)
    return Verdict(responses[winner], confidence)


def transcript_agreement(expected: dict[str, Any], response: dict[str, Any]) -> float:
    return text_agreement(expected["transcript"], response["transcript"])


def transcript_measures(_params: dict[str, Any]) -> list[Measure]:
    return [
        pairwise(
            "Word error rate between annotators",
            "For two transcripts of one recording: the words to change, add or delete to turn "
            "one into the other, per word, averaged both ways. 0 is the same text; 0.1 is one "
            "word in ten different; lower is better.",
            lambda a, b: pairwise_wer(a["transcript"].split(), b["transcript"].split()),
            higher_is_better=False,
        )
    ]
