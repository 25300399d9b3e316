"""Quorum's quality engine: truth inference, agreement and annotator skill.

Pure NumPy/SciPy, arrays in and arrays out, importing nothing else of quorum, so it can be
used on its own: code answers with `encode_records` (or build `Answers` from integer arrays),
then call a method from `METHODS`, an agreement measure, or a shape-specific aggregator. The
synthetic crowd is `quorum.quality.simulate.simulate`.

Each name below is imported from its module on first use (PEP 562), so `import quorum.quality`
loads no NumPy: the command line's help lists `METHOD_NAMES` and starts fast.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from quorum.quality.method_names import METHOD_NAMES

# Where each name of `__all__` lives (a module of this package).
_HOMES = {
    "agreement": (
        "annotator_agreement", "cohen_kappa_matrix", "fleiss_kappa", "krippendorff_alpha",
        "percent_agreement",
    ),
    "categorical": (
        "METHODS", "CategoricalResult", "aggregate", "dawid_skene", "glad", "ibcc", "mace",
        "majority_vote", "one_coin_dawid_skene", "weighted_majority_vote",
    ),
    "encode": ("NO_GOLD", "Answers", "Encoded", "encode_records"),
    "geometry": ("fuse", "polygon_boxes"),
    "multilabel": ("aggregate_multilabel",),
    "overlap": ("decide", "decide_all"),
    "preference": ("bradley_terry", "rankings_to_comparisons"),
    "ratings": ("aggregate_ratings",),
    "skill": ("beta_skill", "gold_accuracy", "one_coin_confusion", "spammer_score"),
    "spans": ("vote_exact_spans", "vote_segments"),
    "text": ("most_central", "rover"),
}  # fmt: skip
_HOME_OF = {name: module for module, names in _HOMES.items() for name in names}
__all__ = [
    "METHODS",
    "METHOD_NAMES",
    "NO_GOLD",
    "Answers",
    "CategoricalResult",
    "Encoded",
    "aggregate",
    "aggregate_multilabel",
    "aggregate_ratings",
    "annotator_agreement",
    "beta_skill",
    "bradley_terry",
    "cohen_kappa_matrix",
    "dawid_skene",
    "decide",
    "decide_all",
    "encode_records",
    "fleiss_kappa",
    "fuse",
    "glad",
    "gold_accuracy",
    "ibcc",
    "krippendorff_alpha",
    "mace",
    "majority_vote",
    "most_central",
    "one_coin_confusion",
    "one_coin_dawid_skene",
    "percent_agreement",
    "polygon_boxes",
    "rankings_to_comparisons",
    "rover",
    "spammer_score",
    "vote_exact_spans",
    "vote_segments",
    "weighted_majority_vote",
]


def __getattr__(name: str) -> Any:
    """Import `name` from its module the first time it is asked for, then keep it here."""
    if name not in _HOME_OF:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f"{__name__}.{_HOME_OF[name]}"), name)
    globals()[name] = value
    return value


if TYPE_CHECKING:  # the same names, for type checkers
    from quorum.quality.agreement import (
        annotator_agreement,
        cohen_kappa_matrix,
        fleiss_kappa,
        krippendorff_alpha,
        percent_agreement,
    )
    from quorum.quality.categorical import (
        METHODS,
        CategoricalResult,
        aggregate,
        dawid_skene,
        glad,
        ibcc,
        mace,
        majority_vote,
        one_coin_dawid_skene,
        weighted_majority_vote,
    )
    from quorum.quality.encode import NO_GOLD, Answers, Encoded, encode_records
    from quorum.quality.geometry import fuse, polygon_boxes
    from quorum.quality.multilabel import aggregate_multilabel
    from quorum.quality.overlap import decide, decide_all
    from quorum.quality.preference import bradley_terry, rankings_to_comparisons
    from quorum.quality.ratings import aggregate_ratings
    from quorum.quality.skill import beta_skill, gold_accuracy, one_coin_confusion, spammer_score
    from quorum.quality.spans import vote_exact_spans, vote_segments
    from quorum.quality.text import most_central, rover
