"""Which adapter makes the verdict for an aggregator, and which agreement scores a gold answer."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from quorum.services.consensus import Adapter
from quorum.services.consensus.choice import categorical, exact_agreement, whole_response_vote
from quorum.services.consensus.form import form, form_agreement
from quorum.services.consensus.geometry import shape_agreement, shapes
from quorum.services.consensus.preference import comparison, comparison_agreement
from quorum.services.consensus.spans import entities, span_agreement
from quorum.services.consensus.text import transcript, transcript_agreement

ADAPTERS: dict[str, Adapter] = {
    "categorical": categorical,
    "preference": comparison,
    "text": transcript,
    "spans": entities,
    "geometry": shapes,
    "form": form,
}


def adapter(aggregator: str) -> Adapter:
    """A type without its own adapter votes on whole responses."""
    return ADAPTERS.get(aggregator, whole_response_vote)


Agreement = Callable[[dict[str, Any], dict[str, Any]], float]

# A gold answer is stored without its task type, but the response shapes the types validate
# never overlap, so the expected response tells which agreement applies (first match wins).
GOLD_AGREEMENTS: tuple[tuple[Callable[[dict[str, Any]], bool], Agreement], ...] = (
    (lambda r: isinstance(r.get("annotations"), dict), form_agreement),
    (lambda r: "links" in r, shape_agreement),
    (lambda r: "annotations" in r, span_agreement),
    (lambda r: "choice" in r or "ranking" in r, comparison_agreement),
    (lambda r: "transcript" in r, transcript_agreement),
)


def gold_agreement(expected: dict[str, Any]) -> Agreement:
    return next((score for fits, score in GOLD_AGREEMENTS if fits(expected)), exact_agreement)
