"""From one task's answers so far to a verdict: the consensus response, its confidence, and
whether one more answer is worth buying.

Each task type names an aggregator; an adapter here turns that type's responses into what the
quality engine takes. Categorical tasks use the engine's one-coin posterior with the
annotators' skills; a type without its own adapter yet votes on whole responses (identical
JSON counts as the same answer), weighted the same way.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import orjson

from quorum.tasktypes.base import TaskType

DEFAULT_ACCURACY = 0.7


@dataclass(frozen=True, slots=True)
class Verdict:
    response: dict[str, Any]
    confidence: float


Adapter = Callable[[dict[str, Any], Sequence[dict[str, Any]], Sequence[float]], Verdict]


def _posterior(labels: list[int], n_classes: int, accuracies: Sequence[float]) -> tuple[int, float]:
    from quorum.quality import decide

    # Below chance is treated as no information, never as a vote for the other labels: an
    # estimate that low comes from too few answers far more often than from a saboteur.
    chance = 1.0 / n_classes
    floored = [a if math.isnan(a) else max(a, chance) for a in accuracies]
    decision = decide(
        labels,
        n_classes,
        accuracy=floored,
        default_accuracy=DEFAULT_ACCURACY,
        target=1.0,
        max_overlap=len(labels) + 1,
    )
    return decision.label, decision.confidence


def _categorical(
    params: dict[str, Any], responses: Sequence[dict[str, Any]], accuracies: Sequence[float]
) -> Verdict:
    categories: list[str] = params["categories"]
    if not params.get("allow_multiple"):
        index = {c: i for i, c in enumerate(categories)}
        label, confidence = _posterior(
            [index[r["category"]] for r in responses], len(categories), accuracies
        )
        return Verdict({"category": categories[label]}, confidence)
    # Several categories allowed: each category is a yes/no question answered by everyone.
    chosen, confidence = [], 1.0
    for category in categories:
        votes = [int(category in r["category"]) for r in responses]
        label, p = _posterior(votes, 2, accuracies)
        if label:
            chosen.append(category)
        confidence = min(confidence, p)
    return Verdict({"category": chosen}, confidence)


def _whole_response_vote(
    _params: dict[str, Any], responses: Sequence[dict[str, Any]], accuracies: Sequence[float]
) -> Verdict:
    keys = [orjson.dumps(r, option=orjson.OPT_SORT_KEYS) for r in responses]
    distinct = list(dict.fromkeys(keys))
    label, confidence = _posterior(
        [distinct.index(k) for k in keys], max(2, len(distinct)), accuracies
    )
    return Verdict(responses[keys.index(distinct[label])], confidence)


def _preference(
    params: dict[str, Any], responses: Sequence[dict[str, Any]], accuracies: Sequence[float]
) -> Verdict:
    """Pick-the-best comparisons vote on the choice; the verdict is the first answer that made
    the winning choice (so its ratings and justification come along). Rankings, until a
    ranking aggregator is wired in, vote on whole orderings."""
    if any("choice" not in r for r in responses):
        return _whole_response_vote(params, responses, accuracies)
    options = [c["id"] for c in params["candidates"]] + (["tie"] if params.get("allow_tie") else [])
    index = {option: i for i, option in enumerate(options)}
    label, confidence = _posterior(
        [index[r["choice"]] for r in responses], len(options), accuracies
    )
    winner = next(r for r in responses if r["choice"] == options[label])
    return Verdict(winner, confidence)


def _text(
    _params: dict[str, Any], responses: Sequence[dict[str, Any]], accuracies: Sequence[float]
) -> Verdict:
    """Transcripts: the answer closest to all the others (normalised edit distance, weighted
    by skill) wins whole, segments included; its confidence is one minus its mean distance."""
    from quorum.quality import most_central

    skill = [DEFAULT_ACCURACY if math.isnan(a) else a for a in accuracies]
    result = most_central(
        [0] * len(responses), list(range(len(responses))),
        [r["transcript"] for r in responses], skill=skill,
    )  # fmt: skip
    return Verdict(responses[int(result.choice[0])], float(result.confidence[0]))


ADAPTERS: dict[str, Adapter] = {
    "categorical": _categorical,
    "preference": _preference,
    "text": _text,
}


def verdict(
    task_type: TaskType,
    params: dict[str, Any],
    responses: Sequence[dict[str, Any]],
    accuracies: Sequence[float],
) -> Verdict:
    """The consensus of `responses` given each answering annotator's accuracy (NaN: unknown)."""
    adapter = ADAPTERS.get(task_type.aggregator, _whole_response_vote)
    return adapter(params, responses, accuracies)


def gold_score(expected: dict[str, Any], response: dict[str, Any]) -> float:
    """1.0 when an answer to a gold task matches the expected response, else 0.0.

    Both were validated and normalised by the task type, so equal JSON is an equal answer;
    categories chosen in a different order are the same answer.
    """

    def canonical(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: canonical(v) for k, v in value.items()}
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            return sorted(value)
        if isinstance(value, list):
            return [canonical(v) for v in value]
        return value

    return float(canonical(expected) == canonical(response))
