"""A project's label set (categories, entity labels, objects to annotate): required when a
manager defines a project, readable and changeable afterwards.

Where each type keeps its labels is the type's own `LabelSet` declaration (`quorum.tasktypes`).
Projects that Scale's `/v1` face creates, possibly with no params, go to `catalog` directly:
Scale lets a task bring its own labels, and so does Quorum there.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from quorum import tasktypes
from quorum.services.errors import Conflict, InvalidRequest
from quorum.services.projects import catalog
from quorum.tasktypes.base import FieldError, LabelSet

EFFECT = (
    "Tasks created from now on get these labels. Tasks already created keep the labels they "
    "were created with, answered or not; a removed label stays in old answers and exports; a "
    "renamed label counts as one removed and one added."
)


def label_set(task_type: str, loc: str = "labels") -> LabelSet:
    """The type's label declaration; 400 naming `loc` for a type without labels."""
    labels = tasktypes.get(task_type).labels
    if labels is None:
        raise InvalidRequest(
            f"{loc}: {task_type} projects have no label set",
            errors=[FieldError(loc, f"{task_type} projects have no label set")],
        )
    return labels


def _holds_labels(declared: LabelSet, value: Any) -> bool:
    """Whether a value of the type's label field holds at least one label. A value that is no
    label set at all counts as holding some: the type's params check names what is wrong."""
    if not value:
        return False
    try:
        return bool(declared.read(value))
    except (ValueError, TypeError, KeyError, AttributeError):
        return True


def require_labels(declared: LabelSet, params: dict[str, Any]) -> None:
    """The label rule: a project's params hold at least one label, or a 400 names the field."""
    if not _holds_labels(declared, params.get(declared.field)):
        loc = f"params.{declared.field}"
        raise InvalidRequest(
            f"{loc}: {declared.missing}", errors=[FieldError(loc, declared.missing)]
        )


def create_project(
    session: Session,
    name: str,
    task_type: str,
    *,
    params: dict[str, Any] | None = None,
    labels: list[str] | None = None,
    **settings: Any,
) -> dict:
    """`catalog.create_project` for a project a manager defines: a type with a label set needs
    its labels, given in `params` or as `labels` (one string each, put where the type keeps
    them)."""
    try:
        declared = tasktypes.get(task_type).labels
    except tasktypes.UnknownTaskType as exc:
        raise InvalidRequest(str(exc)) from None
    params = dict(params or {})
    if labels is not None:
        declared = label_set(task_type)
        params[declared.field] = declared.write(labels, params.get(declared.field))
    if declared is not None:
        require_labels(declared, params)
    return catalog.create_project(session, name, task_type, params=params, **settings)


def set_params(
    session: Session,
    name: str,
    params: dict[str, Any] | None = None,
    *,
    instruction: str | None = None,
    patch: bool = False,
) -> dict:
    """`catalog.set_params` for a manager's change: the label rule holds for the new params
    when the project has labels or the change gives them. A project Scale's face made without
    labels (its tasks bring their own) keeps taking changes that leave labels alone."""
    project = catalog.get_project(session, name)
    declared = tasktypes.get(project.task_type).labels
    params = dict(params or {})
    if declared is not None:
        current = catalog.current_params(session, project.id).params
        if declared.field in params or _holds_labels(declared, current.get(declared.field)):
            require_labels(declared, catalog.next_params(current, params, patch))
    return catalog.set_params(session, name, params, instruction=instruction, patch=patch)


def _current(session: Session, project_id: int, declared: LabelSet) -> tuple[Any, list[str]]:
    value = catalog.current_params(session, project_id).params.get(declared.field)
    return value, declared.read(value) if value else []


def project_labels(session: Session, name: str) -> dict:
    """The project's current labels, where its type keeps them and what changing them does."""
    project = catalog.get_project(session, name)
    declared = label_set(project.task_type)
    value, labels = _current(session, project.id, declared)
    return _view(project.name, declared, labels, value)


def _view(project: str, declared: LabelSet, labels: list[str], value: Any) -> dict:
    return {
        "project": project,
        "field": declared.field,
        "title": declared.title,
        "labels": labels,
        "effect": EFFECT,
        "locked": declared.structure(value),
    }


def set_labels(session: Session, name: str, labels: list[str]) -> dict:
    """A new params version with `labels`; says what changed and what that means for the
    tasks and answers already there (`EFFECT`). Labels with more structure than one list
    (`LabelSet.structure`) are refused (409) rather than flattened."""
    project = catalog.get_project(session, name)
    declared = label_set(project.task_type)
    if not labels:
        raise InvalidRequest(
            f"labels: {declared.missing}", errors=[FieldError("labels", declared.missing)]
        )
    value, before = _current(session, project.id, declared)
    locked = declared.structure(value)
    if locked is not None:
        raise Conflict(f"labels: {locked}", errors=[FieldError("labels", locked)])
    prefix = f"params.{declared.field}"
    try:
        view = catalog.set_params(
            session, name, {declared.field: declared.write(labels, value)}, patch=True
        )
    except InvalidRequest as exc:  # name the labels as this request gave them
        errors = [FieldError(e.loc.replace(prefix, "labels", 1), e.msg) for e in exc.errors]
        raise InvalidRequest("; ".join(map(str, errors)) or exc.message, errors=errors) from None
    value, after = _current(session, project.id, declared)
    return {
        **_view(project.name, declared, after, value),
        "version": view["param_history"][-1]["version"],
        "added": [label for label in after if label not in before],
        "removed": [label for label in before if label not in after],
    }
