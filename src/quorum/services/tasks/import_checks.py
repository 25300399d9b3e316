"""What an import checks in its records before writing: the dry run reports it, the import
applies it, so the two cannot disagree.

Each record's texts are cleaned (`formats.cleaning`); its media, when Quorum stores them, are
opened and checked (`formats.media`); duplicates are grouped (`formats.duplicates`), among the
records and against the project's tasks: exactly (the same normalised text, the same media
bytes or URL) and nearly (MinHash over the texts, perceptual hashes of the images). Media
behind other URLs are not fetched: they are counted as not checked.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import IO, TYPE_CHECKING, Any, Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from quorum import tasktypes
from quorum.db.models import Project, Task
from quorum.services.tasks.creation import taken_unique_ids
from quorum.services.tasks.records import RecordError, parse_records
from quorum.tasktypes.base import Content, TaskType

if TYPE_CHECKING:
    from quorum.formats.media import AudioReport, ImageReport

# A report lists at most this many of each kind of finding; its counts cover them all.
LIMIT = 1000
_PREVIEW = 120


class SkipDuplicates(StrEnum):
    """Which duplicates an import leaves out: none, exact copies, or near copies too."""

    none = "none"
    exact = "exact"
    near = "near"


class MediaStore(Protocol):
    """Where an import reads the media its records link to (the face passes Quorum's store of
    files, which this domain may not import)."""

    def open(self, url: str) -> IO[bytes] | None:
        """The bytes behind `url` if Quorum stores them, else None (not checked)."""
        ...

    def sha256(self, urls: Sequence[str]) -> dict[str, str]:
        """The content hash of each of `urls` that is a stored file, without reading it."""
        ...

    def replace(self, url: str, data: bytes) -> None:
        """Store `data` in place of the file behind `url` (an image turned upright)."""
        ...


@dataclass(slots=True)
class MediaFinding:
    index: int
    field: str
    kind: str
    url: str
    report: ImageReport | AudioReport


@dataclass(slots=True)
class Checked:
    """The records as the import will write them, and what was found on the way."""

    records: list[Any]
    changes: list[list[dict[str, str]]]
    errors: list[RecordError]
    media: list[MediaFinding]
    unchecked_media: int
    # Groups of item keys: an int is a record's index, a str a stored task's id.
    exact: list[list[int | str]] = field(default_factory=list)
    near: list[list[int | str]] = field(default_factory=list)
    previews: dict[int | str, str] = field(default_factory=dict)

    def skipped(self, skip: SkipDuplicates) -> list[int]:
        """The records an import skipping `skip` leaves out: in each group every record but
        the first member (a stored task, when the group holds one)."""
        if skip is SkipDuplicates.none:
            return []
        groups = self.exact + (self.near if skip is SkipDuplicates.near else [])
        out = {m for g in groups for m in g[1:] if isinstance(m, int)}
        return sorted(out)


def _field(content: Content) -> str:
    return "params." + ".".join(str(p) for p in content.path)


def _key_text(contents: list[Content]) -> str | None:
    texts = [c.value for c in contents if c.kind == "text"]
    return "\n".join(texts) if texts else None


def _key_media(contents: list[Content], hashes: dict[str, str]) -> str | None:
    media = [c.value for c in contents if c.kind != "text"]
    if not media:
        return None
    return "\n".join(f"sha256:{hashes[u]}" if u in hashes else f"url:{u}" for u in media)


def _stored_tasks(session: Session, project_id: int) -> list[tuple[str, Any]]:
    rows = session.execute(
        select(Task.id, Task.params).where(Task.project_id == project_id).order_by(Task.id)
    ).yield_per(2000)
    return [(task_id, params) for task_id, params in rows]


def check_records(
    session: Session,
    project: Project,
    defaults: dict[str, Any],
    records: list[Any],
    media: MediaStore | None,
    *,
    validate: bool = True,
    group: bool = True,
) -> Checked:
    """Clean, validate (with `validate`), inspect and group (with `group`, among themselves
    and against the project's tasks) `records` of `project`."""
    # Imported here: NumPy, SciPy, Pillow and libsndfile would slow every server's start.
    from quorum.formats.cleaning import clean_contents

    task_type: TaskType = tasktypes.get(project.task_type)
    cleaned: list[Any] = []
    changes: list[list[dict[str, str]]] = []
    contents: list[list[Content]] = []
    for record in records:
        if not isinstance(record, dict):  # its validation says why
            cleaned.append(record)
            changes.append([])
            contents.append([])
            continue
        shown = task_type.content({**defaults, **record})
        out, changed = clean_contents(record, shown)
        if changed:  # what the record shows once cleaned
            shown = task_type.content({**defaults, **out})
        cleaned.append(out)
        changes.append(changed)
        contents.append(shown)
    errors: list[RecordError] = []
    if validate:
        _, errors = parse_records(task_type, defaults, cleaned, max_errors=LIMIT)
        errors += _taken(session, cleaned)
    findings, unchecked = _inspect(contents, media)
    for f, orientation in rotated(findings):
        change = f"image turned upright (EXIF orientation {orientation})"
        changes[f.index].append({"field": f.field, "change": change})
    checked = Checked(cleaned, changes, errors, findings, unchecked)
    if group:
        _group(session, project, task_type, contents, findings, media, checked)
    return checked


def _taken(session: Session, records: list[Any]) -> list[RecordError]:
    at = {
        r["unique_id"]: i
        for i, r in enumerate(records)
        if isinstance(r, dict) and isinstance(r.get("unique_id"), str)
    }
    return [
        RecordError(at[u], "unique_id", "is already used by a task")
        for u in taken_unique_ids(session, list(at))
    ]


def rotated(findings: list[MediaFinding]) -> list[tuple[MediaFinding, int]]:
    """The usable images turned by their EXIF orientation (an import stores them upright),
    each with that orientation."""
    from quorum.formats.media import ImageReport

    return [
        (f, f.report.orientation)
        for f in findings
        if isinstance(f.report, ImageReport) and f.report.rotated and f.report.problem is None
    ]


def _inspect(
    contents: list[list[Content]], media: MediaStore | None
) -> tuple[list[MediaFinding], int]:
    from quorum.formats.media import inspect_audio, inspect_image

    inspectors: dict[str, Callable[[IO[bytes]], ImageReport | AudioReport]] = {
        "image": inspect_image,
        "audio": inspect_audio,
    }
    findings: list[MediaFinding] = []
    unchecked = 0
    for index, found in enumerate(contents):
        for content in found:
            inspect = inspectors.get(content.kind)
            if inspect is None:
                continue
            stream = media.open(content.value) if media is not None else None
            if stream is None:
                unchecked += 1
                continue
            with stream:
                report = inspect(stream)
            findings.append(
                MediaFinding(index, _field(content), content.kind, content.value, report)
            )
    return findings, unchecked


def _group(
    session: Session,
    project: Project,
    task_type: TaskType,
    contents: list[list[Content]],
    findings: list[MediaFinding],
    media: MediaStore | None,
    checked: Checked,
) -> None:
    from quorum.formats import duplicates
    from quorum.formats.media import ImageReport

    stored = _stored_tasks(session, project.id)
    stored_contents = [task_type.content(p) for _, p in stored]
    keys: list[int | str] = [task_id for task_id, _ in stored] + list(range(len(contents)))
    everything = stored_contents + contents
    urls = sorted({c.value for cs in everything for c in cs if c.kind != "text"})
    hashes = media.sha256(urls) if media is not None and urls else {}
    hashes.update({f.url: f.report.sha256 for f in findings})
    texts = [_key_text(cs) for cs in everything]
    text_groups = duplicates.text_groups(texts)
    media_groups = duplicates.exact_groups([_key_media(cs, hashes) for cs in everything])
    offset = len(stored)
    # Near images among one of each set of exact copies, as for texts.
    copies = {i - offset for g in media_groups for i in g[1:]}
    images = [
        (f.index, f.report.phash)
        for f in findings
        if isinstance(f.report, ImageReport) and f.report.phash and f.index not in copies
    ]
    near_images = duplicates.near_image_groups([int(h, 16) for _, h in images])
    near_images = [[images[i][0] + offset for i in g] for g in near_images]
    checked.exact = [[keys[i] for i in g] for g in text_groups.exact + media_groups]
    checked.near = [[keys[i] for i in g] for g in text_groups.near + near_images]
    position = {task_id: i for i, (task_id, _) in enumerate(stored)}
    for group in checked.exact + checked.near:
        first = group[0]
        at = position[first] if isinstance(first, str) else first + offset
        checked.previews[first] = (texts[at] or _key_media(everything[at], {}) or "")[:_PREVIEW]


def report(checked: Checked, *, name: str, wheres: list[str], read_error: str | None) -> dict:
    """The dry run's report: JSON for the API, the CLI and the upload page."""

    def where(member: int | str) -> str:
        return wheres[member] if isinstance(member, int) else f"task {member}"

    def groups(found: list[list[int | str]]) -> list[dict]:
        return [
            {"members": [where(m) for m in g], "preview": checked.previews.get(g[0], "")}
            for g in found[:LIMIT]
        ]

    changes = [{"where": wheres[i], **c} for i, made in enumerate(checked.changes) for c in made]
    counts: dict[str, int] = {}
    for c in changes:
        counts[c["change"]] = counts.get(c["change"], 0) + 1
    problems = [f for f in checked.media if f.report.problem is not None]
    failing = {e.index for e in checked.errors} | {f.index for f in problems}
    left_out = {s.value: len(checked.skipped(s)) for s in SkipDuplicates}
    blocked = bool(failing) or read_error is not None  # a bad record imports nothing
    would = {s: 0 if blocked else len(checked.records) - n for s, n in left_out.items()}
    return {
        "file": name,
        "records": len(checked.records),
        "read_error": read_error,
        "valid": len(checked.records) - len(failing),
        "errors": [
            {"where": wheres[e.index], "field": e.field, "message": e.msg}
            for e in checked.errors[:LIMIT]
        ]
        + [
            {"where": wheres[f.index], "field": f.field, "message": f"{f.kind}: {f.report.problem}"}
            for f in problems[:LIMIT]
        ],
        "changes": changes[:LIMIT],
        "change_counts": counts,
        "duplicates": {
            "exact": groups(checked.exact),
            "near": groups(checked.near),
            "exact_count": len(checked.exact),
            "near_count": len(checked.near),
        },
        "media": {
            "checked": len(checked.media),
            "not_checked": checked.unchecked_media,
            "items": [
                {"where": wheres[f.index], "field": f.field, "kind": f.kind, **f.report.as_dict()}
                for f in checked.media[:LIMIT]
            ],
        },
        "left_out": left_out,
        "would_import": would,
    }
