"""Turning incoming task records into rows: the validation half of task creation.

A record is a task's params plus the optional envelope keys below (the shape of Scale's
create-task body and of every import file). Params are merged over the project's newest
default params (task-level values win) and validated by the task type; `gold` carries the
expected response of a gold task and is validated as a response.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import orjson

from quorum.tasktypes.base import FieldError, TaskType, TaskValidationError

ENVELOPE = frozenset(
    {"unique_id", "metadata", "tags", "priority", "callback_url", "instruction", "batch", "gold"}
)
MAX_METADATA_BYTES = 10_000
MAX_TAGS = 100


@dataclass(frozen=True, slots=True)
class RecordError:
    """A problem with record number `index` (0-based) at `field`."""

    index: int
    field: str
    msg: str


@dataclass(slots=True)
class ParsedRecord:
    params: dict[str, Any]
    unique_id: str | None
    metadata: dict[str, Any]
    tags: list[str]
    priority: int
    callback_url: str | None
    instruction: str | None
    batch: str | None
    expected_response: dict[str, Any] | None


def _check_envelope(record: dict[str, Any]) -> list[FieldError]:
    problems: list[FieldError] = []
    uid = record.get("unique_id")
    if uid is not None and (not isinstance(uid, str) or not uid or len(uid) > 400):
        problems.append(FieldError("unique_id", "must be a non-empty string of at most 400 chars"))
    metadata = record.get("metadata")
    if metadata is not None:
        if not isinstance(metadata, dict):
            problems.append(FieldError("metadata", "must be a JSON object"))
        elif len(orjson.dumps(metadata)) > MAX_METADATA_BYTES:
            problems.append(FieldError("metadata", f"larger than {MAX_METADATA_BYTES} bytes"))
    tags = record.get("tags")
    if tags is not None and (
        not isinstance(tags, list)
        or len(tags) > MAX_TAGS
        or not all(isinstance(t, str) and 0 < len(t) <= 200 for t in tags)
    ):
        problems.append(FieldError("tags", f"must be a list of at most {MAX_TAGS} short strings"))
    priority = record.get("priority")
    if priority is not None and (
        not isinstance(priority, int) or isinstance(priority, bool) or abs(priority) > 1_000_000
    ):
        problems.append(FieldError("priority", "must be an integer in -1000000..1000000"))
    url = record.get("callback_url")
    if url is not None and (
        not isinstance(url, str) or not url.startswith(("http://", "https://"))
    ):
        problems.append(FieldError("callback_url", "must be an http:// or https:// URL"))
    for key in ("instruction", "batch"):
        value = record.get(key)
        if value is not None and not isinstance(value, str):
            problems.append(FieldError(key, "must be a string"))
    gold = record.get("gold")
    if gold is not None and not isinstance(gold, dict):
        problems.append(FieldError("gold", "must be the expected response, a JSON object"))
    return problems


def parse_record(task_type: TaskType, defaults: dict[str, Any], record: Any) -> ParsedRecord:
    """Validate one record; raises TaskValidationError naming every bad field."""
    if not isinstance(record, dict):
        raise TaskValidationError([FieldError("", "a task record must be a JSON object")])
    problems = _check_envelope(record)
    params = dict(defaults)
    for key, value in record.items():
        if key not in ENVELOPE:
            params[key] = value
    try:
        params = task_type.validate_params(params)
    except TaskValidationError as exc:
        problems.extend(exc.errors)
    expected = record.get("gold")
    if not problems and expected is not None:
        try:
            expected = task_type.validate_response(params, expected)
        except TaskValidationError as exc:
            problems.extend(exc.prefixed("gold").errors)
    if problems:
        raise TaskValidationError(problems)
    tags = record.get("tags")
    return ParsedRecord(
        params=params,
        unique_id=record.get("unique_id"),
        metadata=record.get("metadata") or {},
        tags=list(dict.fromkeys(tags)) if tags else [],
        priority=record.get("priority") or 0,
        callback_url=record.get("callback_url"),
        instruction=record.get("instruction"),
        batch=record.get("batch"),
        expected_response=expected,
    )


def parse_records(
    task_type: TaskType, defaults: dict[str, Any], records: list[Any], *, max_errors: int = 100
) -> tuple[list[ParsedRecord], list[RecordError]]:
    """Validate every record; also catches a `unique_id` repeated inside the same input."""
    parsed: list[ParsedRecord] = []
    errors: list[RecordError] = []
    seen: dict[str, int] = {}
    for index, record in enumerate(records):
        try:
            item = parse_record(task_type, defaults, record)
        except TaskValidationError as exc:
            errors.extend(RecordError(index, e.loc, e.msg) for e in exc.errors)
            if len(errors) >= max_errors:
                break
            continue
        if item.unique_id is not None:
            first = seen.setdefault(item.unique_id, index)
            if first != index:
                errors.append(
                    RecordError(index, "unique_id", f"repeats the unique_id of record {first + 1}")
                )
        parsed.append(item)
    return parsed, errors[:max_errors]
