"""Comparisons: a pick-the-best choice is a one-coin vote on the choice; a ranking comes from
Bradley–Terry over every pair the rankings order; ratings are the skill-weighted mean per
candidate and dimension. The verdict keeps the justification of the answer that agrees most."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from quorum.quality import bradley_terry, rankings_to_comparisons
from quorum.quality.preference import kendall_tau
from quorum.services.consensus.base import Measure, Verdict
from quorum.services.consensus.measures import SAME_ANSWER, alpha, pairwise
from quorum.services.consensus.votes import IntArray, posterior, support, weights

TIE = "tie"

Decision = tuple[int, dict[str, Any], float]
"""(index of the answer the verdict is built on, the decided part of the response, confidence)"""


def _pairs_in_order(a: IntArray, b: IntArray) -> float:
    """Share of candidate pairs two rankings (positions per candidate) put in the same order:
    Kendall's tau rescaled to [0, 1]."""
    i, j = np.triu_indices(a.size, 1)
    return float(np.mean(np.sign(a[i] - a[j]) == np.sign(b[i] - b[j])))


def _choice(
    params: dict[str, Any], responses: Sequence[dict[str, Any]], accuracies: Sequence[float]
) -> Decision:
    options = [c["id"] for c in params["candidates"]] + ([TIE] if params.get("allow_tie") else [])
    index = {option: i for i, option in enumerate(options)}
    label, confidence = posterior([index[r["choice"]] for r in responses], len(options), accuracies)
    winner = next(i for i, r in enumerate(responses) if r["choice"] == options[label])
    return winner, {"choice": options[label]}, confidence


def _ranking(
    params: dict[str, Any], responses: Sequence[dict[str, Any]], accuracies: Sequence[float]
) -> Decision:
    """Bradley–Terry cannot weigh annotators by skill, so its order competes with each answer's
    own: the one whose pairs agree with the most skill-weighted answers wins (Kemeny's rule over
    these few), Bradley–Terry on a tie. Confidence: every answer supports it by its pairs in
    the same order."""
    ids = [c["id"] for c in params["candidates"]]
    n, k = len(responses), len(ids)
    positions = np.array([[r["ranking"].index(c) for c in ids] for r in responses])
    first, second, outcome, _ = rankings_to_comparisons(
        np.repeat(np.arange(n), k), np.tile(np.arange(k), n), positions.ravel()
    )
    fitted = np.argsort(bradley_terry(first, second, outcome, n_items=k).order)
    weight = weights(accuracies)
    candidates = [fitted, *positions]
    score = [weight @ [_pairs_in_order(c, p) for p in positions] for c in candidates]
    best = candidates[int(np.argmax(score))]
    agreement = [_pairs_in_order(best, p) for p in positions]
    ranking = [ids[i] for i in np.argsort(best)]
    return int(np.argmax(agreement)), {"ranking": ranking}, support(agreement, accuracies)


_MODES = {"choice": _choice, "ranking": _ranking}


def _ratings(
    params: dict[str, Any], responses: Sequence[dict[str, Any]], accuracies: Sequence[float]
) -> dict[str, dict[str, int]]:
    """The skill-weighted mean rating, rounded half up (still within the scale). The engine's
    bias-corrected `aggregate_ratings` needs the same annotators across tasks: within one task,
    where everyone rates everything, it reduces to the plain mean."""
    ids = [c["id"] for c in params["candidates"]]
    names = [d["name"] for d in params["rating_dimensions"]]
    given = np.array([[[r["ratings"][c][n] for n in names] for c in ids] for r in responses])
    mean = np.average(given, axis=0, weights=weights(accuracies))
    rounded = np.floor(mean + 0.5).astype(int).tolist()
    return {c: dict(zip(names, row, strict=True)) for c, row in zip(ids, rounded, strict=True)}


def comparison(
    params: dict[str, Any], responses: Sequence[dict[str, Any]], accuracies: Sequence[float]
) -> Verdict:
    base, decided, confidence = _MODES[params.get("mode", "choice")](params, responses, accuracies)
    response = {**responses[base], **decided}
    if params.get("rating_dimensions"):
        response["ratings"] = _ratings(params, responses, accuracies)
    return Verdict(response, confidence)


def comparison_agreement(expected: dict[str, Any], response: dict[str, Any]) -> float:
    """The choice made, or the share of pairs ranked in the same order; ratings and the
    justification are not scored."""
    if "ranking" not in expected:
        return float(expected["choice"] == response["choice"])
    order = expected["ranking"]
    return _pairs_in_order(
        np.arange(len(order)), np.array([response["ranking"].index(c) for c in order])
    )


def _tau(a: dict[str, Any], b: dict[str, Any]) -> float:
    order = a["ranking"]
    return kendall_tau(np.arange(len(order)), [b["ranking"].index(c) for c in order])


def comparison_measures(params: dict[str, Any]) -> list[Measure]:
    """Rankings by how alike their orders are; choices as categories."""
    if params.get("mode", "choice") == "ranking":
        return [
            pairwise(
                "Kendall's tau between annotators",
                "For two rankings of the same candidates: pairs of candidates put in the same "
                "order minus pairs put in the opposite order, over all pairs. 1 is the same "
                "ranking, 0 no relation, -1 the reverse.",
                _tau,
            ),
            pairwise(
                "Pairs in the same order",
                "The share of candidate pairs two annotators rank the same way (Kendall's tau "
                "rescaled to 0-1): 0.5 is what two random rankings give.",
                comparison_agreement,
            ),
        ]
    return [
        alpha("Krippendorff's alpha", lambda r: r["choice"]),
        pairwise("Percent agreement", SAME_ANSWER, comparison_agreement),
    ]
