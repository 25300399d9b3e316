"""Named-entity recognition: label character spans of a text, optionally relate them.

Scale's shape: params `text` and `labels: [{name, description?}]` (plus, in Quorum, the
`relationships: [{name, description?}]` a response may use); response
`{"annotations": [{start, end, label, text?, id?}], "relationships": [{id?, source_ref,
target_ref, name}]?}`, where the refs are annotation ids.

Offsets count Unicode code points of `text` (Python string indices) and `end` is exclusive, so
`text[start:end]` is the span; a browser counts UTF-16 units and must convert. Spans may overlap
(nested entities such as an organisation inside a location are legitimate).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Annotated, Any, NotRequired

from pydantic import BaseModel, Field
from typing_extensions import TypedDict

from quorum.tasktypes.base import (
    Aggregator,
    Content,
    FieldError,
    FileKind,
    FileTasks,
    LabelSet,
    TaskType,
)
from quorum.tasktypes.checks import (
    CLOSED,
    OPEN,
    NonEmpty,
    closed,
    duplicates,
    response_check,
    unique,
)


@closed
class Definition(TypedDict):
    name: NonEmpty
    description: NotRequired[str | None]


class NerParams(BaseModel):
    model_config = OPEN

    text: NonEmpty
    labels: Annotated[list[Definition], Field(min_length=1), unique("name")]
    relationships: Annotated[list[Definition], unique("name")] = []


@closed
class Span(TypedDict):
    start: Annotated[int, Field(ge=0)]
    end: Annotated[int, Field(ge=1)]
    label: NonEmpty
    text: NotRequired[str | None]
    id: NotRequired[str | None]


@closed
class Relationship(TypedDict):
    id: NotRequired[str | None]
    source_ref: NonEmpty
    target_ref: NonEmpty
    name: NonEmpty


class NerResponse(BaseModel):
    model_config = CLOSED

    annotations: list[Span]
    relationships: list[Relationship] | None = None


def _check(params: NerParams, response: dict[str, Any]) -> Iterator[FieldError]:
    text, labels = params.text, {label["name"] for label in params.labels}
    spans = response["annotations"]
    for i, span in enumerate(spans):
        start, end = span["start"], span["end"]
        if end > len(text):
            yield FieldError(f"annotations.{i}.end", f"past the end of the text ({len(text)})")
        elif end <= start:
            yield FieldError(f"annotations.{i}.end", "must be greater than start")
        elif "text" in span and span["text"] != text[start:end]:
            yield FieldError(f"annotations.{i}.text", f"text[{start}:{end}] is {text[start:end]!r}")
        if span["label"] not in labels:
            yield FieldError(f"annotations.{i}.label", f"{span['label']!r} is not a label")
    ids = [span.get("id") for span in spans]
    for i in duplicates(ids):
        if ids[i] is not None:
            yield FieldError(f"annotations.{i}.id", "id repeated")
    names = {rel["name"] for rel in params.relationships}
    for i, rel in enumerate(response.get("relationships", ())):
        if rel["name"] not in names:
            yield FieldError(f"relationships.{i}.name", f"{rel['name']!r} is not a relationship")
        for ref in ("source_ref", "target_ref"):
            if rel[ref] not in ids:
                yield FieldError(f"relationships.{i}.{ref}", "no annotation has this id")


_WORD = re.compile(r"\w+")


def _machine(params: dict[str, Any]) -> dict[str, Any]:
    """Tag the first capitalised word (else the first word) with the first label."""
    p = NerParams.model_validate(params)
    words = list(_WORD.finditer(p.text))
    word = next((w for w in words if w.group()[0].isupper()), words[0] if words else None)
    if word is None:
        return {"annotations": []}
    label = p.labels[0]["name"]
    span = {"start": word.start(), "end": word.end(), "label": label, "text": word.group()}
    return {"annotations": [span]}


def _write_labels(names: list[str], value: Any) -> list[dict[str, Any]]:
    """Entity definitions named `names`, each keeping the description it had."""
    known = {d.get("name"): d for d in value or () if isinstance(d, dict)}
    return [{**known.get(name, {}), "name": name} for name in names]


def _content(params: dict[str, Any]) -> list[Content]:
    text = params.get("text")
    return [Content(("text",), "text", text, anchored=True)] if isinstance(text, str) else []


TYPE = TaskType(
    name="namedentityrecognition",
    content=_content,
    params_model=NerParams,
    response_model=NerResponse,
    aggregator=Aggregator.spans,
    exporters=("jsonl", "hf", "conll", "spacy"),
    check_response=response_check(NerParams, _check),
    machine_response=_machine,
    labels=LabelSet(
        "labels",
        "Entity labels",
        "entity label",
        read=lambda value: [d["name"] for d in value],
        write=_write_labels,
    ),
    files=FileTasks(frozenset({FileKind.text}), lambda _, text: {"text": text}),
)
