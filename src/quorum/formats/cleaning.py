"""Cleaning the texts of an incoming record: the one rule the dry run reports and the import
applies.

Which params are texts is the task type's to say (`TaskType.content`). Each text is repaired
(mojibake such as `cafÃ©` undone with ftfy), put in Unicode NFC, rid of control characters
(tabs and newlines stay) and of stray whitespace (ends trimmed, runs of spaces made one, at most
one blank line). What changed is returned per field, so the task can carry it to its export.
A text that labels point into by offset (`Content.anchored`) is left alone when the record
carries a label: moving its characters would move the spans.
"""

from __future__ import annotations

import copy
import re
import unicodedata
from typing import Any

import ftfy

from quorum.tasktypes.base import Content, TaskType

# Everything but the encoding repair is done below, so each change can be named.
_FTFY = ftfy.TextFixerConfig(
    unescape_html=False,
    remove_terminal_escapes=False,
    fix_latin_ligatures=False,
    fix_character_width=False,
    uncurl_quotes=False,
    fix_line_breaks=False,
    remove_control_chars=False,
    normalization=None,
    explain=False,
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\x80-\x9f\u200b\ufeff]")
_TRAILING = re.compile(r"[ \t\u00a0]+(?=\n)")
_RUNS = re.compile(r"[ \t\u00a0]{2,}")
_BLANK_LINES = re.compile(r"\n{3,}")
LABEL_KEYS = ("hypothesis", "gold")


def _clean_ascii(text: str) -> bool:
    """Whether an ASCII text surely needs no step below: most do not, and a few substring
    searches in C are far cheaper than running the steps (a tab takes the long way)."""
    return (
        text == text.strip()
        and "  " not in text
        and " \n" not in text
        and "\n\n\n" not in text
        and "\t" not in text
        and "\r" not in text
        and _CONTROL.search(text) is None
    )


def normalize_text(text: str) -> tuple[str, list[str]]:
    """The cleaned text and the names of the changes made (empty: it was clean)."""
    changes: list[str] = []
    if text.isascii():
        if _clean_ascii(text):
            return text, changes
    else:
        fixed = ftfy.fix_text(text, _FTFY)
        if fixed != text:
            changes.append("broken encoding repaired")
        text = fixed
        nfc = unicodedata.normalize("NFC", text)
        if nfc != text:
            changes.append("Unicode NFC")
        text = nfc
    cleared = _CONTROL.sub("", text)
    if cleared != text:
        changes.append("control characters removed")
    spaced = cleared.replace("\r\n", "\n").replace("\r", "\n")
    spaced = _BLANK_LINES.sub("\n\n", _RUNS.sub(" ", _TRAILING.sub("", spaced))).strip()
    if spaced != cleared:
        changes.append("whitespace")
    return spaced, changes


def _set(record: dict[str, Any], path: tuple[str | int, ...], value: str) -> None:
    target: Any = record
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value


def clean_record(
    task_type: TaskType, defaults: dict[str, Any], record: Any
) -> tuple[Any, list[dict[str, str]]]:
    """`record` with its texts cleaned (a new dict; the input is not changed) and the changes,
    one `{"field", "change"}` per change. A record that is not an object is returned as is: its
    validation reports it."""
    if not isinstance(record, dict):
        return record, []
    return clean_contents(record, task_type.content({**defaults, **record}))


def clean_contents(
    record: dict[str, Any], contents: list[Content]
) -> tuple[dict[str, Any], list[dict[str, str]]]:
    """`clean_record` given what the record shows (`TaskType.content` of its params merged
    over the defaults), for a caller that needs those contents anyway."""
    changes: list[dict[str, str]] = []
    out = record
    for content in contents:
        if content.kind != "text" or content.path[0] not in record:
            continue
        if content.anchored and any(record.get(k) is not None for k in LABEL_KEYS):
            continue
        text, made = normalize_text(content.value)
        if not made:
            continue
        if out is record:  # copied once, and only when something changes (rarely)
            out = copy.deepcopy(record)
        _set(out, content.path, text)
        field = ".".join(str(p) for p in content.path)
        changes.extend({"field": f"params.{field}", "change": c} for c in made)
    return out, changes
