"""Each aggregator's verdict and gold measure, in one table keyed by `Aggregator`.

A task type names its aggregator (`TaskType.aggregator`); this module refuses to load unless
the table covers every one, so no type falls back to a vote or a measure not meant for it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

from quorum.services.consensus.base import Adapter, Measure
from quorum.services.consensus.choice import categorical, categorical_measures, exact_agreement
from quorum.services.consensus.form import form, form_agreement, form_measures
from quorum.services.consensus.geometry import shape_agreement, shape_measures, shapes
from quorum.services.consensus.preference import (
    comparison,
    comparison_agreement,
    comparison_measures,
)
from quorum.services.consensus.spans import entities, span_agreement, span_measures
from quorum.services.consensus.text import transcript, transcript_agreement, transcript_measures
from quorum.tasktypes.base import Aggregator

Agreement = Callable[[dict[str, Any], dict[str, Any]], float]


class Consensus(NamedTuple):
    verdict: Adapter
    gold: Agreement
    """Credit in [0, 1] for an answer (second) to a gold task expecting the first; also each
    annotator's agreement with the others on the dashboard (it is symmetric)."""
    measures: Callable[[dict[str, Any]], list[Measure]]
    """The dashboard's agreement measures for a project of these params."""


def covering(table: dict[Aggregator, Consensus]) -> dict[Aggregator, Consensus]:
    """`table`, if it has an entry for every aggregator."""
    missing = [a.value for a in Aggregator if a not in table]
    if missing:
        raise LookupError(f"no consensus for aggregator(s) {', '.join(missing)}")
    return table


BY_AGGREGATOR = covering(
    {
        Aggregator.categorical: Consensus(categorical, exact_agreement, categorical_measures),
        Aggregator.preference: Consensus(comparison, comparison_agreement, comparison_measures),
        Aggregator.text: Consensus(transcript, transcript_agreement, transcript_measures),
        Aggregator.spans: Consensus(entities, span_agreement, span_measures),
        Aggregator.geometry: Consensus(shapes, shape_agreement, shape_measures),
        Aggregator.form: Consensus(form, form_agreement, form_measures),
    }
)
