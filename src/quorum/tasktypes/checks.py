"""Validation helpers shared by the task-type modules.

Every error must name the exact field (`fields.2.field_id`, `annotations.3.end`), and params
validation must stay one pydantic pass (bulk import validates tens of thousands of tasks per
second). So cross-field rules run inside that pass as validators raising errors located relative
to what they check (`reject`, `unique`); tagged unions keep pydantic's fast path but lose the tag
pydantic puts into error locations (`untagged`); response checks that need the params are
generators of `FieldError`s (`response_check`).

Conventions of the modules: top-level params are `OPEN` (Scale clients send params Quorum does
not read, and they are kept); nested objects are `CLOSED`, so an option Quorum does not implement
is rejected at its location instead of silently ignored. Nested records without defaults or
behaviour are TypedDicts, which validate and dump faster than models on the import path.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable, Iterable
from typing import Annotated, Any, ClassVar, Self, TypeVar
from urllib.parse import urlsplit

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    StringConstraints,
    ValidationError,
    ValidatorFunctionWrapHandler,
    WrapValidator,
    model_validator,
    with_config,
)
from pydantic_core import InitErrorDetails, PydanticCustomError

from quorum.tasktypes.base import FieldError, TaskValidationError, errors_from_pydantic

OPEN = ConfigDict(extra="allow")
CLOSED = ConfigDict(extra="forbid")
closed = with_config(CLOSED)
"""Decorator for nested TypedDict records."""

NonEmpty = Annotated[str, StringConstraints(min_length=1)]


def _json_number(value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise PydanticCustomError("number_type", "Input should be a number")
    return value


Number = Annotated[int | float, BeforeValidator(_json_number)]
"""A JSON number, kept as int or float; never a bool or a numeric string."""
Loc = tuple[str | int, ...]
Problem = tuple[Loc, str]
P = TypeVar("P", bound=BaseModel)


def _error(loc: Loc, msg: str, value: Any = None) -> InitErrorDetails:
    # The message goes through the context so braces in user text are never read as a template.
    return InitErrorDetails(
        type=PydanticCustomError("invalid", "{msg}", {"msg": msg}), loc=loc, input=value
    )


# Attachments shown as a link to open (not embedded), and Quorum's own stored-file paths.
LINKED_ATTACHMENTS = frozenset({"website", "pdf"})
_OWN_FILE = re.compile(r"/api/files/[0-9a-f]{24}")
_LINK_RULE = "must be an http:// or https:// URL, or a Quorum file path (/api/files/ID)"


def link_problem(url: str) -> str | None:
    """Why `url` may not be an attachment link (None if it may): a `javascript:` or `data:`
    URL would run in, or be opened from, Quorum's origin, where annotators' sessions live."""
    if _OWN_FILE.fullmatch(url):
        return None
    try:
        parts = urlsplit(url)  # drops the tabs and newlines a browser would drop too
    except ValueError:
        return _LINK_RULE
    return None if parts.scheme in ("http", "https") and parts.hostname else _LINK_RULE


def reject(problems: Iterable[Problem]) -> None:
    """Raise the problems (if any) from inside a validator, located relative to what it checks.

    pydantic nests a `ValidationError` raised by a validator under the validator's own location,
    so `reject([(("fields", 2, "field_id"), "repeated")])` in a params model validator surfaces
    as `fields.2.field_id`.
    """
    errors = [_error(loc, msg) for loc, msg in problems]
    if errors:
        raise ValidationError.from_exception_data("invalid", errors)


def duplicates(values: Iterable[Hashable]) -> list[int]:
    """Indices of values already seen earlier in `values` (fast when there are none)."""
    values = list(values)
    if len(set(values)) == len(values):
        return []
    seen: set[Hashable] = set()
    repeats = []
    for i, value in enumerate(values):
        if value in seen:
            repeats.append(i)
        seen.add(value)
    return repeats


def unique(key: str | None = None) -> AfterValidator:
    """A list validator: items (or their `key`) must differ; a repeat at `2` or `2.name`."""

    def check(items: list[Any]) -> list[Any]:
        values = (
            items
            if key is None
            else [i[key] if isinstance(i, dict) else getattr(i, key) for i in items]
        )
        if len(set(values)) != len(values):
            what, at = ("repeated", ()) if key is None else (f"{key} repeated", (key,))
            reject(((i, *at), what) for i in duplicates(values))
        return items

    return AfterValidator(check)


class Bounded(BaseModel):
    """A model with pairs of optional bounds, `BOUNDS = (("min", "max"), …)`, where low <= high."""

    BOUNDS: ClassVar[tuple[tuple[str, str], ...]] = ()

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        for low, high in self.BOUNDS:
            a, b = getattr(self, low), getattr(self, high)
            if a is not None and b is not None and b < a:
                reject([((high,), f"less than {low}")])
        return self


def _type_tag(value: Any) -> Any:
    return value.get("type") if isinstance(value, dict) else None


def untagged(tag_of: Callable[[Any], Any] = _type_tag, *, each: bool = False) -> WrapValidator:
    """Put after the discriminator of a tagged union so errors are located without the tag.

    pydantic locates errors in a tagged union under the tag (`annotations.0.box.left`); this lets
    pydantic validate natively and, only on failure, rewrites the locations to the wire paths
    (`annotations.0.left`; an unknown or missing `type` at `annotations.0.type`). `tag_of` is the
    union's discriminator (by default the `type` key). With `each=True` it goes on the list or
    dict holding such unions instead: one call per container rather than one per item.
    """

    def relocate(value: Any, loc: Loc, msg: str, kind: str) -> tuple[Loc, str]:
        head, rest = loc[:each], loc[each:]
        if each:
            try:
                value = value[head[0]]
            except (IndexError, KeyError, TypeError):
                return loc, msg
        tag = tag_of(value)
        if tag is not None and rest[:1] == (tag,):
            return (*head, *rest[1:]), msg
        if kind == "union_tag_invalid" and not rest:
            return (*loc, "type"), msg
        if kind == "union_tag_not_found" and not rest:
            if isinstance(value, dict):
                return (*loc, "type"), "Field required"
            return loc, "Input should be an object"
        return loc, msg

    def untag(value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
        try:
            return handler(value)
        except ValidationError as exc:
            errors = []
            for err in exc.errors():
                msg = err["msg"]
                if err["type"] == "union_tag_invalid":
                    msg = f"must be one of {err['ctx']['expected_tags']}"
                loc, msg = relocate(value, err["loc"], msg, err["type"])
                errors.append(_error(loc, msg, err.get("input")))
            raise ValidationError.from_exception_data(exc.title, errors) from None

    return WrapValidator(untag)


UntaggedItems = untagged(each=True)
"""For a list or dict of unions tagged by their `type` key."""


def text_or_structured(value: Any) -> str:
    """Discriminator for "a string or something structured" unions (tags `text`, `structured`).

    Use with `untagged(text_or_structured)`: a smart union would report every member's errors.
    """
    return "text" if isinstance(value, str) else "structured"


def in_range(low: float | None, high: float | None) -> float:
    """A plausible value within optional bounds: `low` if set, else 0 capped at `high`."""
    if low is not None:
        return low
    return 0.0 if high is None else min(0.0, high)


def range_problem(value: float, low: float | None, high: float | None) -> str | None:
    """Why `value` is outside the optional bounds [low, high], or None."""
    if low is not None and value < low:
        return f"must be at least {low:g}"
    if high is not None and value > high:
        return f"must be at most {high:g}"
    return None


def response_check(
    params_model: type[P], check: Callable[[P, dict[str, Any]], Iterable[FieldError]]
) -> Callable[[dict[str, Any], dict[str, Any], Any], None]:
    """Turn `check(params, response)`, a generator of errors, into a `TaskType.check_response`.

    Checks read typed attributes and defaults from one place, the params' model: `parsed`
    when the caller validated them already (an import checking its pre-labels), else parsed
    here (an answer, far rarer than an imported task).
    """

    def run(params: dict[str, Any], response: dict[str, Any], parsed: Any = None) -> None:
        try:
            model = parsed if parsed is not None else params_model.model_validate(params)
        except ValidationError as exc:
            raise errors_from_pydantic(exc).prefixed("params") from None
        errors = list(check(model, response))
        if errors:
            raise TaskValidationError(errors)

    return run
