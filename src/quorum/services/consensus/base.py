"""What every adapter returns and takes: a verdict, the adapter's signature, the accuracy assumed
for an annotator not measured yet. Adapters import it from here, and the package imports them
only when asked for a verdict, so no module imports back into the package."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

DEFAULT_ACCURACY = 0.7


@dataclass(frozen=True, slots=True)
class Verdict:
    response: dict[str, Any]
    confidence: float


Adapter = Callable[[dict[str, Any], Sequence[dict[str, Any]], Sequence[float]], Verdict]


Answered = Sequence[tuple[int, dict[str, Any]]]
"""One task's answers as (annotator code, response), the input of every agreement measure."""


PairScore = Callable[[dict[str, Any], dict[str, Any]], float]
"""How alike two answers to one task are (NaN: undefined for that pair)."""


@dataclass(frozen=True, slots=True)
class ParsedScore:
    """A pair score that first turns each answer into something it compares (shapes into
    coordinate arrays, say). Called on two answers it parses both; the dashboard's measures
    (quorum.services.consensus.measures) parse each answer once for every score sharing the
    same `parse`, then `compare` the parsed pairs."""

    parse: Callable[[dict[str, Any]], Any]
    compare: Callable[[Any, Any], float]

    def __call__(self, a: dict[str, Any], b: dict[str, Any]) -> float:
        return self.compare(self.parse(a), self.parse(b))


@dataclass(frozen=True, slots=True)
class Measure:
    """One agreement measure a task type's dashboard shows: what it is called, what it means in
    plain words, and how it is computed over a sample of tasks with several answers: either the
    mean of a `pair` score (computed once however many measures and the per-annotator figures
    share it), or a `whole` computation giving its value (NaN where undefined) and the number
    of tasks it used."""

    name: str
    explanation: str
    pair: PairScore | None = None
    whole: Callable[[Sequence[Answered]], tuple[float, int]] | None = None
    higher_is_better: bool = True

    def __post_init__(self) -> None:
        if (self.pair is None) == (self.whole is None):
            raise ValueError(f"measure {self.name!r} needs either a pair score or a whole one")
