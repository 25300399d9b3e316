"""Text collection: a form of fields — SFT writing, rubric scoring, surveys.

Params follow Scale: `fields: [{type, field_id, title, description?, required (true),
min_responses_required (1), max_responses_required (1), …}]` with unique `field_id`s, optional
`attachments: [{type, content, forms?}]` shown beside the form (`forms`: the field ids it belongs
to), `title`, `description`.

Response, Scale's shape: `{"annotations": {field_id: {"type", "field_id", "response": [...]}}}`.
`response` is a list with one entry per answer given — exactly one unless the field allows more
(`max_responses_required`, e.g. "write three prompts"); that is why Scale's category example reads
`[["no"]]`. One entry is, by field type:

    text      a string                     min_characters (1, stripped), max_characters
    number    a number                     min, max, integer (false)
    boolean   true or false
    category  a list of chosen `value`s    choices [{label, value}], min_choice (1), max_choice (1)

A field with `required: false` may be left out of `annotations`.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Annotated, Any, ClassVar, Literal, NotRequired, Self

from pydantic import (
    BaseModel,
    Field,
    StrictBool,
    StrictStr,
    model_validator,
)
from typing_extensions import TypedDict

from quorum.tasktypes.base import Aggregator, Content, FieldError, FileKind, FileTasks, TaskType
from quorum.tasktypes.checks import (
    CLOSED,
    LINKED_ATTACHMENTS,
    OPEN,
    Bounded,
    NonEmpty,
    Number,
    UntaggedItems,
    closed,
    in_range,
    link_problem,
    range_problem,
    reject,
    response_check,
    unique,
)


class _Field(Bounded):
    model_config = CLOSED
    BOUNDS: ClassVar[tuple[tuple[str, str], ...]] = (
        ("min_responses_required", "max_responses_required"),
    )

    field_id: NonEmpty
    title: NonEmpty
    description: str | None = None
    required: bool = True
    min_responses_required: int = Field(1, ge=1)
    max_responses_required: int = Field(1, ge=1)

    def entry_problem(self, entry: Any) -> str | None:
        """Why one response entry, already of the right JSON type, is not acceptable."""
        return None

    def example(self) -> Any:
        raise NotImplementedError


class TextField(_Field):
    BOUNDS = (*_Field.BOUNDS, ("min_characters", "max_characters"))

    type: Literal["text"]
    min_characters: int = Field(1, ge=0)
    max_characters: int | None = Field(None, ge=1)

    def entry_problem(self, entry: str) -> str | None:
        if len(entry.strip()) < self.min_characters:
            return f"write at least {self.min_characters} characters"
        if self.max_characters is not None and len(entry) > self.max_characters:
            return f"write at most {self.max_characters} characters"
        return None

    def example(self) -> str:
        return "Sample answer.".ljust(self.min_characters, ".")[: self.max_characters]


class NumberField(_Field):
    BOUNDS = (*_Field.BOUNDS, ("min", "max"))

    type: Literal["number"]
    min: float | None = None
    max: float | None = None
    integer: bool = False

    def entry_problem(self, entry: float) -> str | None:
        if self.integer and not float(entry).is_integer():
            return "must be a whole number"
        return range_problem(entry, self.min, self.max)

    def example(self) -> float:
        value = in_range(self.min, self.max)
        return math.ceil(value) if self.integer else value


class BooleanField(_Field):
    type: Literal["boolean"]

    def example(self) -> bool:
        return True


@closed
class Choice(TypedDict):
    label: NonEmpty
    value: NonEmpty


class CategoryField(_Field):
    BOUNDS = (*_Field.BOUNDS, ("min_choice", "max_choice"))

    type: Literal["category"]
    choices: Annotated[list[Choice], Field(min_length=1), unique("value")]
    min_choice: int = Field(1, ge=0)
    max_choice: int = Field(1, ge=1)

    @model_validator(mode="after")
    def _answerable(self) -> Self:
        if self.min_choice > len(self.choices):
            reject([(("min_choice",), "more than the number of choices")])
        return self

    def entry_problem(self, entry: list[str]) -> str | None:
        if not self.min_choice <= len(entry) <= self.max_choice:
            return f"choose between {self.min_choice} and {self.max_choice} of the choices"
        if len(set(entry)) != len(entry):
            return "a choice is repeated"
        allowed = {c["value"] for c in self.choices}
        unknown = [value for value in entry if value not in allowed]
        return f"{unknown[0]!r} is not one of {sorted(allowed)}" if unknown else None

    def example(self) -> list[str]:
        return [c["value"] for c in self.choices[: max(self.min_choice, 1)]]


FormField = Annotated[
    TextField | NumberField | BooleanField | CategoryField, Field(discriminator="type")
]


@closed
class Attachment(TypedDict):
    type: Literal["text", "image", "audio", "video", "website", "pdf"]
    content: NonEmpty
    forms: NotRequired[list[str] | None]


class TextCollectionParams(BaseModel):
    model_config = OPEN

    title: str | None = None
    description: str | None = None
    attachments: list[Attachment] = []
    fields: Annotated[list[FormField], UntaggedItems, Field(min_length=1), unique("field_id")]

    @model_validator(mode="after")
    def _forms_exist(self) -> Self:
        ids = {f.field_id for f in self.fields}
        reject(
            (("attachments", i, "forms", j), f"no field {form!r}")
            for i, attachment in enumerate(self.attachments)
            for j, form in enumerate(attachment.get("forms") or ())
            if form not in ids
        )
        reject(
            (("attachments", i, "content"), problem)
            for i, attachment in enumerate(self.attachments)
            if attachment["type"] in LINKED_ATTACHMENTS
            and (problem := link_problem(attachment["content"]))
        )
        return self


class _Answer(BaseModel):
    model_config = CLOSED

    field_id: str


class TextAnswer(_Answer):
    type: Literal["text"]
    response: list[StrictStr]


class NumberAnswer(_Answer):
    type: Literal["number"]
    response: list[Number]


class BooleanAnswer(_Answer):
    type: Literal["boolean"]
    response: list[StrictBool]


class CategoryAnswer(_Answer):
    type: Literal["category"]
    response: list[list[StrictStr]]


Answer = Annotated[
    TextAnswer | NumberAnswer | BooleanAnswer | CategoryAnswer, Field(discriminator="type")
]


class TextCollectionResponse(BaseModel):
    model_config = CLOSED

    annotations: Annotated[dict[str, Answer], UntaggedItems]


def _check(params: TextCollectionParams, response: dict[str, Any]) -> Iterator[FieldError]:
    answers = response["annotations"]
    fields = {f.field_id: f for f in params.fields}
    for key in answers.keys() - fields.keys():
        yield FieldError(f"annotations.{key}", "not a field of this task")
    for field_id, spec in fields.items():
        loc = f"annotations.{field_id}"
        answer = answers.get(field_id)
        if answer is None:
            if spec.required:
                yield FieldError(loc, "required field not answered")
            continue
        if answer["type"] != spec.type:
            yield FieldError(f"{loc}.type", f"field {field_id!r} is a {spec.type} field")
            continue
        if answer["field_id"] != field_id:
            yield FieldError(f"{loc}.field_id", f"must be {field_id!r}")
        entries = answer["response"]
        low, high = spec.min_responses_required, spec.max_responses_required
        if not low <= len(entries) <= high:
            yield FieldError(f"{loc}.response", f"give between {low} and {high} responses")
        for i, entry in enumerate(entries):
            problem = spec.entry_problem(entry)
            if problem:
                yield FieldError(f"{loc}.response.{i}", problem)


def _machine(params: dict[str, Any]) -> dict[str, Any]:
    """The first acceptable value of every field, as many times as the field requires."""
    p = TextCollectionParams.model_validate(params)
    return {
        "annotations": {
            f.field_id: {
                "type": f.type,
                "field_id": f.field_id,
                "response": [f.example()] * f.min_responses_required,
            }
            for f in p.fields
        }
    }


def _content(params: dict[str, Any]) -> list[Content]:
    attachments = params.get("attachments")
    return [
        Content(("attachments", i, "content"), a["type"], a["content"])
        for i, a in enumerate(attachments if isinstance(attachments, list) else [])
        if isinstance(a, dict)
        and isinstance(a.get("type"), str)
        and isinstance(a.get("content"), str)
    ]


TYPE = TaskType(
    name="textcollection",
    content=_content,
    params_model=TextCollectionParams,
    response_model=TextCollectionResponse,
    aggregator=Aggregator.form,
    exporters=("jsonl", "hf", "sft", "csv"),
    check_response=response_check(TextCollectionParams, _check),
    machine_response=_machine,
    files=FileTasks(
        frozenset(FileKind),
        lambda kind, value: {"attachments": [{"type": str(kind), "content": value}]},
    ),
)
