"""Scale's task JSON: Quorum's task types under Scale's names, and a task in Scale's v1 shape.

The `/v1` face reads Scale's create bodies through these translations and shows tasks with
`task_out`; callbacks of projects with a `scale_type` send the same `task_out` JSON, so a
requester sees one shape from the API and from callbacks. Pure data in and out (no database),
which is why it lives with the formats rather than with the API.

Most Scale types are Quorum's own under Scale's names. The legacy single-geometry types
(`annotation`, `polygonannotation`, `lineannotation`, `pointannotation`) become `imageannotation`
with one geometry; `transcription` becomes a `textcollection` form of text fields, and its
responses are shown back in Scale's `{"fields": …, "repeatable_fields": …}` shape. Types with
no Quorum counterpart, and params that do not translate, raise `TaskValidationError` naming
the field.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from quorum.tasktypes.base import FieldError, TaskValidationError

Params = dict[str, Any]
Response = dict[str, Any]


def _same(value: Any, _params: Params | None = None) -> Any:
    return value


def _invalid(loc: str, msg: str) -> TaskValidationError:
    return TaskValidationError([FieldError(loc, msg)])


@dataclass(frozen=True)
class ScaleType:
    """`params_in` turns Scale params into Quorum's; `response_out(response, params)` shows a
    stored response as Scale has it; `response_in(response, params)` reads a Scale response
    (an expected response, a hypothesis) into Quorum's shape."""

    name: str
    quorum_type: str
    params_in: Callable[[Params], Params] = _same
    response_out: Callable[[Any, Params], Any] = _same
    response_in: Callable[[Any, Params], Any] = _same

    @property
    def translates_responses(self) -> bool:
        return self.response_out is not _same


# Keys of a legacy single-geometry task that describe its one geometry.
_GEOMETRY_KEYS = {
    "box": ("objects_to_annotate", "min_width", "min_height"),
    "polygon": ("objects_to_annotate", "min_vertices", "max_vertices"),
    "line": ("objects_to_annotate", "min_vertices", "max_vertices"),
    "point": ("objects_to_annotate",),
}


def _one_geometry(geometry: str) -> tuple[Callable[[Params], Params], Callable[[Any, Params], Any]]:
    def params_in(params: Params) -> Params:
        params = dict(params)
        params.pop("with_labels", None)  # Quorum's geometries always carry labels
        spec = {k: params.pop(k) for k in _GEOMETRY_KEYS[geometry] if k in params}
        if spec and "geometries" not in params:
            params["geometries"] = {geometry: spec}
        return params

    def response_in(response: Any, _params: Params) -> Any:
        if not isinstance(response, dict) or not isinstance(response.get("annotations"), list):
            return response
        annotations = [
            {"type": geometry, **a} if isinstance(a, dict) else a for a in response["annotations"]
        ]
        return {**response, "annotations": annotations}

    return params_in, response_in


def _transcription_params(params: Params) -> Params:
    params = dict(params)
    fields, repeatable = params.pop("fields", None), params.pop("repeatable_fields", None)
    if isinstance(fields, list):  # already Quorum's form
        params["fields"] = fields
    elif fields is not None or repeatable is not None:
        for key, value in (("fields", fields), ("repeatable_fields", repeatable)):
            if value is not None and not isinstance(value, dict):
                raise _invalid(key, "must be an object {key: description}")
        form = [
            {"type": "text", "field_id": k, "title": str(v) or k} for k, v in (fields or {}).items()
        ]
        form += [
            {"type": "text", "field_id": k, "title": str(v) or k, "required": False,
             "max_responses_required": 100}
            for k, v in (repeatable or {}).items()
        ]  # fmt: skip
        params["fields"] = form
    if "attachment" in params and "attachments" not in params:
        kind = params.pop("attachment_type", "image")
        params["attachments"] = [{"type": kind, "content": params.pop("attachment")}]
    return params


def _repeatable(params: Params) -> set[str]:
    return {
        f["field_id"]
        for f in params.get("fields", [])
        if isinstance(f, dict) and f.get("max_responses_required", 1) > 1
    }


def _transcription_out(response: Any, params: Params) -> Any:
    if not isinstance(response, dict) or not isinstance(response.get("annotations"), dict):
        return response
    repeatable = _repeatable(params)
    fields, repeated = {}, {}
    for key, answer in response["annotations"].items():
        entries = answer.get("response", [])
        if key in repeatable:
            repeated[key] = entries
        else:
            fields[key] = entries[0] if entries else None
    return {"fields": fields, "repeatable_fields": repeated}


def _transcription_in(response: Any, params: Params) -> Any:
    if not isinstance(response, dict) or "annotations" in response:
        return response
    annotations = {}
    for key, value in (response.get("fields") or {}).items():
        annotations[key] = {"type": "text", "field_id": key, "response": [value]}
    for key, values in (response.get("repeatable_fields") or {}).items():
        entries = values if isinstance(values, list) else [values]
        annotations[key] = {"type": "text", "field_id": key, "response": entries}
    return {"annotations": annotations}


# Keys of Scale's legacy comparison: a question (`choices`, `fields`) about several attachments.
_LEGACY_COMPARISON = ("attachments", "attachment_type", "choices")


def _comparison_params(params: Params) -> Params:
    """Quorum's comparison picks the better of candidate responses (`{"choice": id}`); Scale's
    legacy form asks a question about attachments whose answer is one of free `choices` (e.g.
    "same"/"different") plus free-text `fields`. The two answers mean different things, so the
    legacy form is refused rather than guessed at."""
    legacy = [k for k in _LEGACY_COMPARISON if k in params]
    if legacy and "candidates" not in params:
        raise _invalid(
            legacy[0],
            "Scale's legacy comparison (attachments + choices) is not supported; a comparison "
            "takes prompt, candidates [{id, content}] and mode. For a question about several "
            "attachments use a textcollection task: attachments and a category field",
        )
    return params


def _legacy(name: str, geometry: str) -> ScaleType:
    params_in, response_in = _one_geometry(geometry)
    return ScaleType(name, "imageannotation", params_in=params_in, response_in=response_in)


SUPPORTED: dict[str, ScaleType] = {
    t.name: t
    for t in (
        ScaleType("categorization", "categorization"),
        ScaleType("textcollection", "textcollection"),
        ScaleType("namedentityrecognition", "namedentityrecognition"),
        ScaleType("imageannotation", "imageannotation"),
        _legacy("annotation", "box"),
        _legacy("polygonannotation", "polygon"),
        _legacy("lineannotation", "line"),
        _legacy("pointannotation", "point"),
        ScaleType("comparison", "comparison", params_in=_comparison_params),
        ScaleType("audiotranscription", "audiotranscription"),
        ScaleType(
            "transcription",
            "textcollection",
            params_in=_transcription_params,
            response_out=_transcription_out,
            response_in=_transcription_in,
        ),
    )
}
# Scale types the client knows that Quorum has no task type for, and why.
UNSUPPORTED = {
    "documenttranscription": "its document-layout response (pages, typed blocks, refs) has "
    "no Quorum task type",
}


def scale_type(name: Any) -> ScaleType:
    """The Scale type named in a path or body; an error naming the supported ones otherwise."""
    found = SUPPORTED.get(name) if isinstance(name, str) else None
    if found is not None:
        return found
    why = UNSUPPORTED.get(name, "Quorum has no task type for it")
    raise _invalid(
        "type",
        f"task type {name!r} is not supported ({why}); supported: {', '.join(sorted(SUPPORTED))}",
    )


def project_setting(quorum_type: str, name: Any) -> str | None:
    """A project's `scale_type` setting, checked: None (its callbacks carry Quorum's native task
    view) or a Scale type whose tasks are `quorum_type` tasks (they carry `task_out` of it)."""
    if name is None:
        return None
    fits = sorted(n for n, t in SUPPORTED.items() if t.quorum_type == quorum_type)
    if name not in fits:
        raise _invalid(
            "scale_type",
            f"scale_type of a {quorum_type} project must be null or one of {', '.join(fits)}, "
            f"not {name!r}",
        )
    return str(name)


def of_project(quorum_type: str, stored_scale_type: str | None) -> ScaleType:
    """How a project's tasks look on Scale's wire: the type it was created as, else its own."""
    if stored_scale_type in SUPPORTED:
        return SUPPORTED[stored_scale_type]
    return SUPPORTED.get(quorum_type) or ScaleType(quorum_type, quorum_type)


def task_out(view: dict, stype: ScaleType) -> dict:
    """A task view (`services.tasks.task_view`) as Scale's task object.

    `tags` and `unique_id` appear only when the task has them (the client's tests expect the
    keys absent otherwise); the response is in the Scale type's shape; annotators' individual
    answers and a gold task's expected response are never shown.
    """
    params = view["params"]
    response = view["response"]
    out = {
        "task_id": view["task_id"],
        "type": stype.name,
        "status": view["status"],
        "project": view["project"],
        "batch": view["batch"],
        "instruction": view["instruction"],
        "params": params,
        "response": None if response is None else stype.response_out(response, params),
        "metadata": view["metadata"],
        "callback_url": view["callback_url"],
        "callback_succeeded": view["callback_succeeded"],
        "priority": view["priority"],
        "confidence": view["confidence"],
        "created_at": view["created_at"],
        "updated_at": view["updated_at"],
        "completed_at": view["completed_at"],
        "audits": view["audits"],
    }
    if view["review_status"]:
        out["customer_review_status"] = view["review_status"]
        comments = [
            a["comment"] for a in view["audits"] if a["audit_source"] == "customer" and a["comment"]
        ]
        if comments:
            out["customer_review_comments"] = comments
    if view["tags"]:
        out["tags"] = view["tags"]
    if view["unique_id"] is not None:
        out["unique_id"] = view["unique_id"]
    return out


def limited(summary: dict) -> dict:
    """What Scale returns with `limited_response=true`."""
    return {k: summary[k] for k in ("task_id", "status", "metadata", "project")}
