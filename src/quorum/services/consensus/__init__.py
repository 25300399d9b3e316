"""From one task's answers so far to a verdict: the consensus response and its confidence.

Each task type names an aggregator (`quorum.tasktypes.Aggregator`); an adapter in this package
(`registry` has one per aggregator) turns that type's responses into what the quality engine
takes and its result back into a response of the type: one-coin posteriors for categories and
choices, Bradley–Terry for rankings, segment voting for entity spans, object fusion for image
annotations, the most central answer for free text, and forms field by field. Every adapter
weighs each annotator by their accuracy (NaN: unknown, taken as `DEFAULT_ACCURACY`), so the
confidence grows with agreement and skill and adaptive overlap can stop early or buy one more
answer.

The adapters load NumPy and SciPy on the first verdict, not when the server starts.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from quorum.services.consensus.base import DEFAULT_ACCURACY, Adapter, Answered, Verdict
from quorum.tasktypes.base import TaskType


def verdict(
    task_type: TaskType,
    params: dict[str, Any],
    responses: Sequence[dict[str, Any]],
    accuracies: Sequence[float],
) -> Verdict:
    """The consensus of `responses` given each answering annotator's accuracy (NaN: unknown)."""
    from quorum.services.consensus.registry import BY_AGGREGATOR

    return BY_AGGREGATOR[task_type.aggregator].verdict(params, responses, accuracies)


def gold_score(task_type: TaskType, expected: dict[str, Any], response: dict[str, Any]) -> float:
    """Credit in [0, 1] for an answer to a gold task: 1 for the expected response, partial
    credit for spans, shapes, form fields, rankings and transcripts that come close (matched
    F1, share of fields, pairs in order, one minus the edit distance). The task type decides
    the measure, as it decides the adapter: a response's shape alone could not tell a type
    added later from one of these."""
    from quorum.services.consensus.registry import BY_AGGREGATOR

    return BY_AGGREGATOR[task_type.aggregator].gold(expected, response)


def _figure(value: float) -> float | None:
    return None if math.isnan(value) else round(value, 4)


def agreement(
    task_type: TaskType, params: dict[str, Any], tasks: Sequence[Answered]
) -> dict[str, Any]:
    """The type's agreement measures over `tasks` (each its answers as (annotator code,
    response)), and each annotator's mean agreement with the others by the gold measure:
    {measures: [{name, value, n, explanation, higher_is_better}], per_annotator: {code:
    (value, pairs)}}. The adapter declares its measures, so no type is special-cased here."""
    from quorum.services.consensus.measures import evaluate
    from quorum.services.consensus.registry import BY_AGGREGATOR

    entry = BY_AGGREGATOR[task_type.aggregator]
    declared = entry.measures(params)
    values, per = evaluate(declared, entry.gold, tasks)
    measures = [
        {
            "name": measure.name,
            "value": _figure(value),
            "n": n,
            "explanation": measure.explanation,
            "higher_is_better": measure.higher_is_better,
        }
        for measure, (value, n) in zip(declared, values, strict=True)
    ]
    return {
        "measures": measures,
        "per_annotator": {who: (_figure(v), n) for who, (v, n) in per.items()},
    }


__all__ = [
    "DEFAULT_ACCURACY",
    "Adapter",
    "Answered",
    "Verdict",
    "agreement",
    "gold_score",
    "verdict",
]
