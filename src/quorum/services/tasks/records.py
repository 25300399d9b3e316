"""Turning incoming task records into rows: the validation half of task creation.

A record is a task's params plus the optional envelope keys below (the shape of Scale's
create-task body and of every import file). Params are merged over the project's newest
default params (task-level values win) and validated by the task type; `gold` carries the
expected response of a gold task and the param `hypothesis` a pre-label, both validated as
responses.
"""

from __future__ import annotations

import difflib
import functools
from dataclasses import dataclass
from typing import Any

import orjson

from quorum.config import get_settings
from quorum.services.callbacks.urls import url_problem
from quorum.services.errors import InvalidRequest
from quorum.tasktypes.base import FieldError, TaskType, TaskValidationError

MAX_METADATA_BYTES = 10_000
MAX_TAGS = 100
# How alike (difflib's ratio) an unknown key and a field must be to call the key a typo:
# 'lables' for 'labels' is 0.83, while 'category' (a plausible extra param) is 0.80 from
# 'category_ids'.
TYPO_SIMILARITY = 0.82


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


def check_unique_id(value: Any) -> str | None:
    if isinstance(value, str) and 0 < len(value) <= 400:
        return None
    return "must be a non-empty string of at most 400 chars"


def _check_metadata(value: Any) -> str | None:
    if not isinstance(value, dict):
        return "must be a JSON object"
    if len(orjson.dumps(value)) > MAX_METADATA_BYTES:
        return f"is larger than {MAX_METADATA_BYTES} bytes"
    return None


def check_metadata(value: Any) -> dict[str, Any]:
    """The metadata of a task or a batch (one rule for both, as Scale's 10 kB cap); 400 else."""
    problem = _check_metadata(value)
    if problem is not None:
        raise InvalidRequest(f"metadata {problem}")
    return value


def _check_tags(value: Any) -> str | None:
    if (
        isinstance(value, list)
        and len(value) <= MAX_TAGS
        and all(isinstance(t, str) and 0 < len(t) <= 200 for t in value)
    ):
        return None
    return f"must be a list of at most {MAX_TAGS} strings of 1 to 200 chars"


def _check_priority(value: Any) -> str | None:
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) <= 1_000_000:
        return None
    return "must be an integer in -1000000..1000000"


def _check_string(value: Any) -> str | None:
    return None if isinstance(value, str) else "must be a string"


def _check_gold(value: Any) -> str | None:
    return None if isinstance(value, dict) else "must be the expected response, a JSON object"


def oversized_texts(record: dict[str, Any], limit: int) -> list[tuple[str, int]]:
    """(location, UTF-8 size) of every string in `record` larger than `limit` bytes.

    A record whose whole JSON fits the limit holds no such string; that one serialisation
    is far cheaper than walking the record, and nearly every record is that small.
    """
    try:
        if len(orjson.dumps(record)) <= limit:
            return []
    except orjson.JSONEncodeError:
        pass  # not JSON-serialisable as it is (the walk still measures its strings)
    return _walk(record, limit, ())


def _walk(value: dict[str, Any] | list[Any], limit: int, path: tuple) -> list[tuple[str, int]]:
    found = []
    items = value.items() if isinstance(value, dict) else enumerate(value)
    for key, item in items:
        if isinstance(item, str):
            # A code point is at most 4 bytes: only a string that might be too large is encoded.
            if (
                len(item) * 4 > limit
                and (size := len(item.encode("utf-8", "surrogatepass"))) > limit
            ):
                found.append((".".join(map(str, (*path, key))), size))
        elif isinstance(item, dict | list):
            found += _walk(item, limit, (*path, key))
    return found


# Envelope key -> check returning a problem or None; every other key of a record is a param.
ENVELOPE = {
    "unique_id": check_unique_id,
    "metadata": _check_metadata,
    "tags": _check_tags,
    "priority": _check_priority,
    "callback_url": url_problem,
    "instruction": _check_string,
    "batch": _check_string,
    "gold": _check_gold,
}


@functools.cache
def _known_keys(task_type: TaskType) -> frozenset[str]:
    fields = task_type.params_model.model_fields
    aliases = {f.alias for f in fields.values() if f.alias}
    return frozenset({*fields, *aliases, *ENVELOPE, "hypothesis"})


def _misspelt_keys(task_type: TaskType, record: dict[str, Any]) -> dict[str, str]:
    """Keys of `record` that look like a typo of a field it lacks ('atachment' for
    'attachment'), each with the field meant. Other unknown keys are params passed through
    (Scale's extra params), so without this a typo would be stored silently."""
    known = _known_keys(task_type)
    misspelt = {}
    for key in [k for k in record if k not in known]:
        close = difflib.get_close_matches(key, known - record.keys(), n=1, cutoff=TYPO_SIMILARITY)
        if close:
            misspelt[key] = close[0]
    return misspelt


def parse_record(
    task_type: TaskType,
    defaults: dict[str, Any],
    record: Any,
    *,
    max_text_bytes: int | None = None,
) -> ParsedRecord:
    """Validate one record; raises TaskValidationError naming every bad field. A string larger
    than `max_text_bytes` (default: the `QUORUM_MAX_TEXT_BYTES` setting) is a bad field."""
    if not isinstance(record, dict):
        raise TaskValidationError([FieldError("", "a task record must be a JSON object")])
    limit = get_settings().max_text_bytes if max_text_bytes is None else max_text_bytes
    params = dict(defaults)
    envelope: dict[str, Any] = {}
    problems = [
        FieldError(
            loc, f"is {size:,} bytes; a text may be at most {limit:,} (QUORUM_MAX_TEXT_BYTES)"
        )
        for loc, size in oversized_texts(record, limit)
    ]
    for key, value in record.items():
        check = ENVELOPE.get(key)
        if check is None:
            params[key] = value
        elif value is not None:
            problem = check(value)
            if problem is not None:
                problems.append(FieldError(key, problem))
            envelope[key] = value
    misspelt = _misspelt_keys(task_type, record)
    problems.extend(
        FieldError(key, f"unknown field; did you mean {meant}?") for key, meant in misspelt.items()
    )
    # A pre-label is validated as a response, not carried through the params' validation.
    hypothesis = params.pop("hypothesis", None)
    model = None
    try:
        params, model = task_type.parse_params(params)
    except TaskValidationError as exc:
        # A field missing because its name was misspelt is reported once: as the typo.
        problems.extend(e for e in exc.errors if e.loc not in misspelt.values())
    if not problems and hypothesis is not None:
        # A pre-label shown to annotators: it must be a valid answer to this very task.
        try:
            params["hypothesis"] = task_type.validate_response(params, hypothesis, model)
        except TaskValidationError as exc:
            problems.extend(exc.prefixed("hypothesis").errors)
    expected = envelope.get("gold")
    if not problems and expected is not None:
        try:
            expected = task_type.validate_response(params, expected, model)
        except TaskValidationError as exc:
            problems.extend(exc.prefixed("gold").errors)
    if problems:
        raise TaskValidationError(problems)
    tags = envelope.get("tags")
    return ParsedRecord(
        params=params,
        unique_id=envelope.get("unique_id"),
        metadata=envelope.get("metadata") or {},
        tags=list(dict.fromkeys(tags)) if tags else [],
        priority=envelope.get("priority") or 0,
        callback_url=envelope.get("callback_url"),
        instruction=envelope.get("instruction"),
        batch=envelope.get("batch"),
        expected_response=expected,
    )


def parse_records(
    task_type: TaskType, defaults: dict[str, Any], records: list[Any], *, max_errors: int = 100
) -> tuple[list[ParsedRecord], list[RecordError]]:
    """Validate every record; also catches a `unique_id` repeated inside the same input."""
    parsed: list[ParsedRecord] = []
    errors: list[RecordError] = []
    seen: dict[str, int] = {}
    limit = get_settings().max_text_bytes
    for index, record in enumerate(records):
        try:
            item = parse_record(task_type, defaults, record, max_text_bytes=limit)
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
