"""Comparison: which of two or more candidate responses to a prompt is better (RLHF preference).

Params: `prompt` (text, or chat messages `[{role, content}]`), `candidates: [{id, content,
model?}]` (at least two, distinct ids, `"tie"` reserved), `mode` `choice` (pick the best; with
`allow_tie` also `"tie"`) or `ranking` (order them all, best first, no ties — as Scale's
`ranked_choices`), optional `rating_dimensions: [{name, description?, min (1), max (7)}]`
(integer Likert scales) and `require_justification`.

Response: `{"choice": id | "tie"}` or `{"ranking": [id, …]}` (a permutation of the candidate ids),
plus `ratings: {candidate_id: {dimension: int}}` — every candidate on every dimension when the
task has dimensions — and `justification`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Any, Literal, NotRequired, Self

from pydantic import BaseModel, Discriminator, Field, StrictInt, Tag, model_validator
from typing_extensions import TypedDict

from quorum.tasktypes.base import Aggregator, Content, FieldError, TaskType
from quorum.tasktypes.checks import (
    CLOSED,
    OPEN,
    NonEmpty,
    Problem,
    closed,
    duplicates,
    range_problem,
    reject,
    response_check,
    text_or_structured,
    unique,
    untagged,
)

TIE = "tie"


@closed
class ChatMessage(TypedDict):
    role: Literal["system", "user", "assistant"]
    content: NonEmpty


Prompt = Annotated[
    Annotated[NonEmpty, Tag("text")]
    | Annotated[list[ChatMessage], Field(min_length=1), Tag("structured")],
    Discriminator(text_or_structured),
    untagged(text_or_structured),
]


@closed
class Candidate(TypedDict):
    id: NonEmpty
    content: NonEmpty
    model: NotRequired[str | None]


class RatingDimension(BaseModel):
    model_config = CLOSED

    name: NonEmpty
    description: str | None = None
    min: int = 1
    max: int = 7


class ComparisonParams(BaseModel):
    model_config = OPEN

    prompt: Prompt
    candidates: Annotated[list[Candidate], Field(min_length=2), unique("id")]
    mode: Literal["choice", "ranking"] = "choice"
    rating_dimensions: Annotated[list[RatingDimension], unique("name")] = []
    allow_tie: bool = False
    require_justification: bool = False

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        problems: list[Problem] = [
            (("candidates", i, "id"), f"{TIE!r} is reserved")
            for i, c in enumerate(self.candidates)
            if c["id"] == TIE
        ]
        problems += [
            (("rating_dimensions", i, "max"), "must be greater than min")
            for i, d in enumerate(self.rating_dimensions)
            if d.max <= d.min
        ]
        if self.allow_tie and self.mode == "ranking":
            problems.append((("allow_tie",), "a ranking has no ties; use mode 'choice'"))
        reject(problems)
        return self


class ComparisonResponse(BaseModel):
    model_config = CLOSED

    choice: NonEmpty | None = None
    ranking: list[NonEmpty] | None = None
    ratings: dict[str, dict[str, StrictInt]] | None = None
    justification: str | None = None


def _check(params: ComparisonParams, response: dict[str, Any]) -> Iterator[FieldError]:
    ids = [c["id"] for c in params.candidates]
    unused = "ranking" if params.mode == "choice" else "choice"
    if unused in response:
        yield FieldError(unused, f"not used in {params.mode} mode")
    if params.mode == "choice":
        choice = response.get("choice")
        allowed = ids + [TIE] if params.allow_tie else ids
        if choice is None:
            yield FieldError("choice", "choose one of the candidates")
        elif choice not in allowed:
            yield FieldError("choice", f"{choice!r} is not one of {allowed}")
    else:
        ranking = response.get("ranking")
        if ranking is None:
            yield FieldError("ranking", "rank the candidates")
        else:
            yield from _ranking_problems(ranking, ids)
    yield from _ratings_problems(params.rating_dimensions, response.get("ratings") or {}, ids)
    if params.require_justification and not response.get("justification", "").strip():
        yield FieldError("justification", "explain the preference")


def _ranking_problems(ranking: list[str], ids: list[str]) -> Iterator[FieldError]:
    for i, cid in enumerate(ranking):
        if cid not in ids:
            yield FieldError(f"ranking.{i}", f"{cid!r} is not a candidate")
    for i in duplicates(ranking):
        yield FieldError(f"ranking.{i}", "candidate ranked twice")
    missing = [cid for cid in ids if cid not in ranking]
    if missing:
        yield FieldError("ranking", f"rank every candidate; missing {missing}")


def _ratings_problems(
    dimensions: list[RatingDimension], ratings: dict[str, dict[str, int]], ids: list[str]
) -> Iterator[FieldError]:
    for cid in ratings.keys() - set(ids):
        yield FieldError(f"ratings.{cid}", "not a candidate")
    if not dimensions:
        if ratings:
            yield FieldError("ratings", "this task has no rating dimensions")
        return
    names = {d.name for d in dimensions}
    for cid in ids:
        given = ratings.get(cid)
        if given is None:
            yield FieldError(f"ratings.{cid}", "rate this candidate")
            continue
        for name in given.keys() - names:
            yield FieldError(f"ratings.{cid}.{name}", "not a rating dimension")
        for d in dimensions:
            if d.name not in given:
                yield FieldError(f"ratings.{cid}.{d.name}", "rating missing")
            elif problem := range_problem(given[d.name], d.min, d.max):
                yield FieldError(f"ratings.{cid}.{d.name}", problem)


def _machine(params: dict[str, Any]) -> dict[str, Any]:
    """Prefer the first candidate, rate everything mid-scale."""
    p = ComparisonParams.model_validate(params)
    ids = [c["id"] for c in p.candidates]
    response: dict[str, Any] = {"choice": ids[0]} if p.mode == "choice" else {"ranking": ids}
    if p.rating_dimensions:
        middle = {d.name: (d.min + d.max) // 2 for d in p.rating_dimensions}
        response["ratings"] = {cid: dict(middle) for cid in ids}
    if p.require_justification:
        response["justification"] = "Machine response: the first candidate, by default."
    return response


def _content(params: dict[str, Any]) -> list[Content]:
    """The prompt (a text or each chat message's content) and each candidate's content."""
    found: list[Content] = []
    prompt = params.get("prompt")
    if isinstance(prompt, str):
        found.append(Content(("prompt",), "text", prompt))
    elif isinstance(prompt, list):
        found += [
            Content(("prompt", i, "content"), "text", m["content"])
            for i, m in enumerate(prompt)
            if isinstance(m, dict) and isinstance(m.get("content"), str)
        ]
    candidates = params.get("candidates")
    found += [
        Content(("candidates", i, "content"), "text", c["content"])
        for i, c in enumerate(candidates if isinstance(candidates, list) else [])
        if isinstance(c, dict) and isinstance(c.get("content"), str)
    ]
    return found


TYPE = TaskType(
    name="comparison",
    content=_content,
    params_model=ComparisonParams,
    response_model=ComparisonResponse,
    aggregator=Aggregator.preference,
    exporters=("jsonl", "hf", "preference", "sft"),
    check_response=response_check(ComparisonParams, _check),
    machine_response=_machine,
)
