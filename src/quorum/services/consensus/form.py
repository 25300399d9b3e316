"""Forms, field by field: categories and yes/no fields by the one-coin posterior as in
categorization, numbers by the skill-weighted median, free text by the most central answer.

A form is as sure as its least sure field. The product would be the chance that every field is
right only if fields erred independently, but one careless annotator errs across the form, and
it would keep a long form from ever reaching a target set for one answer; the minimum means
"every field at least this sure", as for several categories in categorization.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from quorum.services.consensus.base import Measure, Verdict
from quorum.services.consensus.choice import choose_several
from quorum.services.consensus.measures import pairwise
from quorum.services.consensus.text import central, text_agreement
from quorum.services.consensus.votes import (
    canonical,
    posterior,
    support,
    vote_distinct,
    weighted_median,
)

NUMBER_TOLERANCE = 0.05
"""Two numbers agree within this share of the larger one: counts of 100 and 104 do, ratings
of 3 and 4 do not."""


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= NUMBER_TOLERANCE * max(abs(a), abs(b))


def _number(
    _spec: dict[str, Any], values: list[float], accuracies: Sequence[float]
) -> tuple[float, float]:
    median = values[weighted_median(values, accuracies)]
    return median, support([_close(v, median) for v in values], accuracies)


def _boolean(
    _spec: dict[str, Any], values: list[bool], accuracies: Sequence[float]
) -> tuple[bool, float]:
    label, confidence = posterior([int(v) for v in values], 2, accuracies)
    return bool(label), confidence


def _category(
    spec: dict[str, Any], values: list[list[str]], accuracies: Sequence[float]
) -> tuple[list[str], float]:
    choices = [c["value"] for c in spec["choices"]]
    if spec["min_choice"] == spec["max_choice"] == 1:
        label, confidence = posterior(
            [choices.index(v[0]) for v in values], len(choices), accuracies
        )
        return [choices[label]], confidence
    return choose_several(choices, values, accuracies, spec["min_choice"], spec["max_choice"])


FieldVote = Callable[[dict[str, Any], list[Any], Sequence[float]], tuple[Any, float]]
"""(field spec, one entry per annotator, accuracies) -> (consensus entry, confidence)"""
_ONE_ENTRY: dict[str, FieldVote] = {"number": _number, "boolean": _boolean, "category": _category}


def _field(
    spec: dict[str, Any], entries: list[list[Any]], accuracies: Sequence[float]
) -> tuple[list[Any], float]:
    """The consensus entries of one field. Text, however many entries, is compared as a whole;
    other fields of several entries are voted on as whole lists, since annotators list entries
    in no common order to align them by."""
    if spec["type"] == "text":
        winner, confidence = central(["\n".join(e) for e in entries], accuracies)
    elif spec["max_responses_required"] > 1:
        winner, confidence = vote_distinct(entries, accuracies)
    else:
        value, confidence = _ONE_ENTRY[spec["type"]](spec, [e[0] for e in entries], accuracies)
        return [value], confidence
    return entries[winner], confidence


def form(
    params: dict[str, Any], responses: Sequence[dict[str, Any]], accuracies: Sequence[float]
) -> Verdict:
    fields: dict[str, Any] = {}
    confidences: list[float] = []
    for spec in params["fields"]:
        field_id = spec["field_id"]
        answered = [i for i, r in enumerate(responses) if field_id in r["annotations"]]
        if len(answered) < len(responses):  # an optional field some left out: answer it at all?
            present, confidence = posterior(
                [int(field_id in r["annotations"]) for r in responses], 2, accuracies
            )
            confidences.append(confidence)
            if not present:
                continue
        entries = [responses[i]["annotations"][field_id]["response"] for i in answered]
        value, confidence = _field(spec, entries, [accuracies[i] for i in answered])
        fields[field_id] = {"type": spec["type"], "field_id": field_id, "response": value}
        confidences.append(confidence)
    return Verdict({"annotations": fields}, min(confidences))


def _same(a: Any, b: Any) -> float:
    return float(canonical(a) == canonical(b))


_ENTRY_AGREEMENT: dict[str, Callable[[Any, Any], float]] = {
    "text": text_agreement,
    "number": lambda a, b: float(_close(a, b)),
    "boolean": _same,
    "category": _same,
}


def field_agreement(expected: dict[str, Any], response: dict[str, Any], field_id: str) -> float:
    """The share of one field's entries that agree (text by one minus its edit distance,
    numbers within the tolerance): 0 if only one of the two answered it, NaN if neither."""
    a, b = expected["annotations"], response["annotations"]
    if field_id not in a or field_id not in b:
        return float("nan") if field_id not in a and field_id not in b else 0.0
    agree = _ENTRY_AGREEMENT[a[field_id]["type"]]
    x, y = a[field_id]["response"], b[field_id]["response"]
    return sum(agree(p, q) for p, q in zip(x, y, strict=False)) / max(len(x), len(y))


def form_agreement(expected: dict[str, Any], response: dict[str, Any]) -> float:
    """The mean over the fields either answered of their `field_agreement`."""
    fields = expected["annotations"].keys() | response["annotations"].keys()
    scores = [field_agreement(expected, response, f) for f in fields]
    return sum(scores) / len(scores) if scores else 1.0


def _field_measure(spec: dict[str, Any]) -> Measure:
    field_id = spec["field_id"]
    return pairwise(
        f"Field “{spec.get('title') or field_id}”",
        f"How often two annotators fill in this {spec['type']} field alike"
        + (", by one minus the word error rate" if spec["type"] == "text" else "")
        + (", within 5%" if spec["type"] == "number" else "")
        + "; a field only one of them answered scores 0.",
        lambda a, b: field_agreement(a, b, field_id),
    )


def form_measures(params: dict[str, Any]) -> list[Measure]:
    """The whole form, then each field the project's params define."""
    whole = pairwise(
        "Whole form",
        "The mean over fields of how alike two annotators filled each one in (see each field "
        "below): 1 is the same form.",
        form_agreement,
    )
    return [whole, *(_field_measure(spec) for spec in params.get("fields", []))]
