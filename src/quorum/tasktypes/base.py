"""What every task type provides, and the errors validation raises.

A task type is one module under `quorum.tasktypes` that builds a `TaskType` and registers it.
It knows its params and response schemas (pydantic v2), the checks that need both (a category
that is not in the task's categories, a span outside the text), which aggregator combines its
answers and scores its gold, and which export formats serve it. It never touches the database.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, TypeAdapter, ValidationError


@dataclass(frozen=True, slots=True)
class FieldError:
    """One problem with one field; `loc` is a dotted path such as `params.categories.2`."""

    loc: str
    msg: str

    def __str__(self) -> str:
        return f"{self.loc}: {self.msg}" if self.loc else self.msg


class TaskValidationError(ValueError):
    """Params or a response do not fit the task type; carries every field error found."""

    def __init__(self, errors: Iterable[FieldError]) -> None:
        self.errors = list(errors)
        super().__init__("; ".join(str(e) for e in self.errors))

    def prefixed(self, prefix: str) -> TaskValidationError:
        """The same errors with `prefix` put before every location (e.g. `params`)."""
        return TaskValidationError(
            FieldError(f"{prefix}.{e.loc}" if e.loc else prefix, e.msg) for e in self.errors
        )


def errors_from_pydantic(exc: ValidationError) -> TaskValidationError:
    return TaskValidationError(
        FieldError(".".join(str(p) for p in err["loc"]), err["msg"]) for err in exc.errors()
    )


class Aggregator(StrEnum):
    """How a type's answers become a verdict and how an answer to its gold is scored.

    The consensus service holds one verdict and one gold measure per member and refuses to load
    without all of them; task types, which may not import services, name one of these, so a
    type cannot name an aggregator that does not exist.
    """

    categorical = "categorical"
    preference = "preference"
    text = "text"
    spans = "spans"
    geometry = "geometry"
    form = "form"


@dataclass(frozen=True)
class LabelSet:
    """Where a type keeps the labels its project must define, so the project form, the labels
    editor and the "no project without labels" rule all read one declaration.

    `field` is the params key; `title` names it on forms; `noun` is one label, for messages.
    `read(value)` lists the labels held in the field's value, one string each; `write(labels,
    value)` puts such a list back, keeping what else the value held (a label's description).
    `structure(value)` says why a value holds more than such a list keeps (nested choices,
    labels that differ per shape), or None: the flat editor refuses such a value, rather than
    `write` flattening it.
    """

    field: str
    title: str
    noun: str
    read: Callable[[Any], list[str]]
    write: Callable[[list[str], Any], Any]
    structure: Callable[[Any], str | None] = lambda _: None

    @property
    def missing(self) -> str:
        return f"give at least one {self.noun}"


@dataclass(frozen=True, slots=True)
class Content:
    """One thing a task shows, at `path` in its params: a text (`kind` "text") or a link to
    media ("image", "audio", ...). An import normalises the texts, checks the media and finds
    duplicates by them. `anchored`: labels point into the text by offset (a span's start), so
    it is left as it is when the record carries labels."""

    path: tuple[str | int, ...]
    kind: str
    value: str
    anchored: bool = False


def no_content(params: dict[str, Any]) -> list[Content]:
    return []


def attachment_of(kind: str) -> Callable[[dict[str, Any]], list[Content]]:
    """The content of a type whose params hold one `attachment` of `kind`."""

    def content(params: dict[str, Any]) -> list[Content]:
        value = params.get("attachment")
        return [Content(("attachment",), kind, value)] if isinstance(value, str) else []

    return content


class FileKind(StrEnum):
    """What a file of a folder import holds, as far as a task type cares."""

    image = "image"
    audio = "audio"
    text = "text"


@dataclass(frozen=True)
class FileTasks:
    """How one file of a folder (or object-storage prefix) import becomes a task of a type.

    `kinds` are the kinds of file the type takes; `params(kind, value)` builds the task's
    params, `value` being the file's text for a text file and the stored file's path
    (`/api/files/<id>`) for an image or audio file.
    """

    kinds: frozenset[FileKind]
    params: Callable[[FileKind, str], dict[str, Any]]


@dataclass(frozen=True)
class TaskType:
    """A registered task type.

    `check_response(params, response, parsed)` runs after the response schema validated and
    raises `TaskValidationError` for problems that need the params (`parsed`: their model, when
    the caller has already validated them, else None). `machine_response(params)` builds a
    response of the right shape (test-mode keys and demos use it). `exporters` names the export
    formats (`quorum.formats.exporters`) that serve the type; an export in another is refused.
    `labels` says where the type keeps its label set, if it has one (`LabelSet`).
    `content(params)` lists what a task shows (`Content`); it reads params not yet validated,
    so it skips values of the wrong type. `files` says how a file of a folder import becomes a
    task (`FileTasks`); None: the type takes none.
    """

    name: str
    params_model: type[BaseModel]
    response_model: type[Any]
    aggregator: Aggregator
    exporters: tuple[str, ...] = ("jsonl",)
    check_response: Callable[[dict[str, Any], dict[str, Any], BaseModel | None], None] | None = None
    machine_response: Callable[[dict[str, Any]], dict[str, Any]] | None = None
    labels: LabelSet | None = None
    content: Callable[[dict[str, Any]], list[Content]] = no_content
    files: FileTasks | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.aggregator, Aggregator):
            raise ValueError(
                f"task type {self.name!r}: aggregator must be an Aggregator "
                f"({', '.join(Aggregator)}), not {self.aggregator!r}"
            )

    @functools.cached_property
    def _responses(self) -> TypeAdapter[Any]:
        # One adapter for a model or a TypedDict (faster: no instance is built to dump again).
        return TypeAdapter(self.response_model)

    def validate_params(self, params: dict[str, Any]) -> dict[str, Any]:
        """Validate merged params; return the normalised dict to store."""
        return self.parse_params(params)[0]

    def parse_params(self, params: dict[str, Any]) -> tuple[dict[str, Any], BaseModel]:
        """Validate merged params: the normalised dict to store, and the model, which
        `validate_response` takes so a pre-label is checked without validating them again."""
        try:
            model = self.params_model.model_validate(params)
        except ValidationError as exc:
            raise errors_from_pydantic(exc) from None
        return model.model_dump(mode="json", exclude_none=True), model

    def validate_defaults(self, params: dict[str, Any]) -> None:
        """Check a project's default params field by field (they may leave fields for tasks)."""
        blank = self.params_model.model_construct()
        problems: list[FieldError] = []
        for key, value in params.items():
            if key not in self.params_model.model_fields:
                continue
            try:
                self.params_model.__pydantic_validator__.validate_assignment(blank, key, value)
            except ValidationError as exc:
                problems.extend(errors_from_pydantic(exc).errors)
            except (AttributeError, KeyError, TypeError):
                # A whole-model check needs fields a task supplies later; it runs per task.
                continue
        if problems:
            raise TaskValidationError(problems)

    def validate_response(
        self, params: dict[str, Any], response: Any, parsed: BaseModel | None = None
    ) -> dict[str, Any]:
        """Validate an answer (or a gold expected response) against these params; `parsed`
        is their model from `parse_params`, if the caller has it."""
        try:
            value = self._responses.validate_python(response)
        except ValidationError as exc:
            raise errors_from_pydantic(exc) from None
        data: dict[str, Any] = self._responses.dump_python(value, mode="json", exclude_none=True)
        if self.check_response is not None:
            self.check_response(params, data, parsed)
        return data
