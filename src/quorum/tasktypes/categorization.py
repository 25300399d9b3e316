"""Categorization: pick one (or, with `allow_multiple`, several) categories for a text or image.

Scale's shape: params `attachment_type`, `attachment`, `categories`, optional `category_ids`
and `allow_multiple`; response `{"category": "x"}` or `{"category": ["x", "y"]}`.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from quorum.tasktypes.base import (
    Aggregator,
    Content,
    FieldError,
    FileKind,
    FileTasks,
    LabelSet,
    TaskType,
    TaskValidationError,
)
from quorum.tasktypes.checks import LINKED_ATTACHMENTS, NonEmpty, link_problem, reject, unique

AttachmentType = Literal["text", "image", "video", "audio", "website", "pdf"]


class CategorizationParams(BaseModel):
    model_config = ConfigDict(extra="allow")

    attachment_type: AttachmentType = "text"
    attachment: str = Field(min_length=1)
    categories: Annotated[list[NonEmpty], Field(min_length=2), unique()]
    category_ids: dict[str, str] | None = None
    allow_multiple: bool = False

    @model_validator(mode="after")
    def _linkable(self) -> Self:
        if self.attachment_type in LINKED_ATTACHMENTS:
            problem = link_problem(self.attachment)
            reject([(("attachment",), problem)] if problem else [])
        return self


class CategorizationResponse(BaseModel):
    model_config = ConfigDict(extra="forbid")

    category: str | list[str]
    category_id: str | list[str] | None = None


def _check(params: dict[str, Any], response: dict[str, Any], _parsed: Any = None) -> None:
    chosen = response["category"]
    if isinstance(chosen, list):
        if not params.get("allow_multiple"):
            raise TaskValidationError([FieldError("category", "this task allows one category")])
        if not chosen:
            raise TaskValidationError([FieldError("category", "choose at least one category")])
        if len(set(chosen)) != len(chosen):
            raise TaskValidationError([FieldError("category", "categories repeated")])
    allowed = set(params["categories"])
    for value in chosen if isinstance(chosen, list) else [chosen]:
        if value not in allowed:
            raise TaskValidationError(
                [FieldError("category", f"{value!r} is not one of {params['categories']}")]
            )


def _machine(params: dict[str, Any]) -> dict[str, Any]:
    first = params["categories"][0]
    return {"category": [first] if params.get("allow_multiple") else first}


def _content(params: dict[str, Any]) -> list[Content]:
    kind, value = params.get("attachment_type", "text"), params.get("attachment")
    if isinstance(kind, str) and isinstance(value, str):
        return [Content(("attachment",), kind, value)]
    return []


TYPE = TaskType(
    name="categorization",
    content=_content,
    params_model=CategorizationParams,
    response_model=CategorizationResponse,
    aggregator=Aggregator.categorical,
    exporters=("jsonl", "hf", "csv"),
    check_response=_check,
    machine_response=_machine,
    labels=LabelSet(
        "categories",
        "Categories",
        "category",
        read=lambda value: list(value),
        write=lambda labels, _: labels,
    ),
    files=FileTasks(
        frozenset(FileKind),
        lambda kind, value: {"attachment_type": str(kind), "attachment": value},
    ),
)
