"""Which adapter makes the verdict for an aggregator, and which agreement scores a gold answer
to a task of that aggregator."""

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

GOLD_AGREEMENTS: dict[str, Agreement] = {
    "categorical": exact_agreement,
    "preference": comparison_agreement,
    "text": transcript_agreement,
    "spans": span_agreement,
    "geometry": shape_agreement,
    "form": form_agreement,
}


def gold_agreement(aggregator: str) -> Agreement:
    """A type without its own adapter is voted on whole responses, so its gold answers are
    right or wrong as a whole too."""
    return GOLD_AGREEMENTS.get(aggregator, exact_agreement)
