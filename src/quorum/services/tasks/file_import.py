"""Importing a file of tasks in any registered format: every face (API, CLI, pages) comes here.

The whole file is read before anything is written, so a bad record anywhere imports nothing,
and every error names the file and where in it the record is. A dry run reads the same way and
runs the same checks (`import_checks`), and reports instead of writing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import IO, Any

from sqlalchemy.orm import Session

from quorum.db.models import Project
from quorum.formats.importers import FormatError, ImportAs, ImportContext, importer_for
from quorum.services.errors import InvalidRequest
from quorum.services.projects.catalog import current_params, get_project
from quorum.services.tasks import creation, import_checks
from quorum.services.tasks.import_checks import MediaStore, SkipDuplicates
from quorum.tasktypes.base import FieldError

# The reader's position is reported every this many records.
PROGRESS_EVERY = 5000


@dataclass(slots=True)
class _Read:
    project: Project
    defaults: dict[str, Any]
    wheres: list[str]  # where each record is in the file
    records: list[Any]
    error: str | None  # why reading stopped early (the dry run reads on to report it)


def _read(
    session: Session,
    project: str,
    stream: IO[bytes],
    *,
    fmt: str,
    name: str,
    as_: ImportAs,
    media_url: str | None = None,
    read_progress: Callable[[int], None] | None = None,
    keep_going: bool = False,
) -> _Read:
    """The records of the file, in its order, read for `project`; a record that cannot be
    read raises, or with `keep_going` ends the reading."""
    proj = get_project(session, project)
    defaults = dict(current_params(session, proj.id).params)
    ctx = ImportContext(proj.task_type, defaults, media_url=media_url)
    wheres: list[str] = []
    records: list[Any] = []
    try:
        items = importer_for(fmt).read(stream, ctx)
        for item in items:
            wheres.append(item.where)
            records.append(item.as_record(as_))
            if read_progress is not None and len(records) % PROGRESS_EVERY == 0:
                read_progress(stream.tell())
    except FormatError as exc:
        if keep_going:
            return _Read(proj, defaults, wheres, records, f"{name}, {exc.where}: {exc.msg}")
        raise InvalidRequest(f"{name}, {exc.where}: {exc.msg}; nothing was imported") from None
    except ValueError as exc:
        raise InvalidRequest(str(exc)) from None
    return _Read(proj, defaults, wheres, records, None)


def import_stream(
    session: Session,
    project: str,
    stream: IO[bytes],
    *,
    fmt: str,
    name: str,
    as_: ImportAs = ImportAs.tasks,
    batch: str | None = None,
    media_url: str | None = None,
    created_by: int | None = None,
    read_progress: Callable[[int], None] | None = None,
    skip_duplicates: SkipDuplicates = SkipDuplicates.none,
    media: MediaStore | None = None,
    skipped: Callable[[list[str]], None] | None = None,
) -> list[str]:
    """Read `stream` (the file `name`) as format `fmt` into `project`; the labels it carries
    become what `as_` says; images a file names by file name are fetched from `media_url`.
    Texts are cleaned and media checked as the dry run reports (`import_checks`); duplicates
    are left out as `skip_duplicates` says (`skipped` hears where they were). Returns the new
    task ids, in the file's order."""
    with creation.paused_gc():  # the reader builds as many dicts as the creation
        read = _read(
            session, project, stream, fmt=fmt, name=name, as_=as_, media_url=media_url,
            read_progress=read_progress,
        )  # fmt: skip
        wheres, records = read.wheres, read.records
        checked = import_checks.check_records(
            session,
            read.project,
            read.defaults,
            records,
            media,
            validate=False,  # create_tasks validates, and names every bad record
            group=skip_duplicates is not SkipDuplicates.none,
        )
        bad = [f for f in checked.media if f.report.problem is not None]
        if bad:
            first = bad[0]
            more = f" (and {len(bad) - 1} more)" if len(bad) > 1 else ""
            raise InvalidRequest(
                f"{name}, {wheres[first.index]}, field {first.field}: {first.kind} "
                f"{first.report.problem}{more}; nothing was imported",
                errors=[
                    FieldError(
                        f"{name}, {wheres[f.index]}.{f.field}", f"{f.kind} {f.report.problem}"
                    )
                    for f in bad
                ],
            )
        left_out = set(checked.skipped(skip_duplicates))
        kept = [i for i in range(len(records)) if i not in left_out]
        ids = creation.create_tasks(
            session,
            project,
            [checked.records[i] for i in kept],
            batch=batch,
            created_by=created_by,
            describe=lambda i: f"{name}, {wheres[kept[i]]}",
            changes=[checked.changes[i] for i in kept],
        )
        if media is not None:
            _turn_upright(checked, media, left_out)
        if skipped is not None:
            skipped([wheres[i] for i in sorted(left_out)])
        return ids


def _turn_upright(checked: import_checks.Checked, media: MediaStore, left_out: set[int]) -> None:
    """Store the imported EXIF-rotated images upright (once the tasks are written)."""
    from quorum.formats.media import upright_image

    done: set[str] = set()
    for f, _ in import_checks.rotated(checked.media):
        if f.index in left_out or f.url in done:
            continue
        done.add(f.url)
        stream = media.open(f.url)
        if stream is not None:
            with stream:
                media.replace(f.url, upright_image(stream.read()))


def dry_run(
    session: Session,
    project: str,
    stream: IO[bytes],
    *,
    fmt: str,
    name: str,
    as_: ImportAs = ImportAs.tasks,
    media_url: str | None = None,
    media: MediaStore | None = None,
) -> dict[str, Any]:
    """Read `stream` as `import_stream` would and report, writing nothing: the records that
    would fail and why, duplicate groups, the cleaning applied, the media checked."""
    read = _read(
        session, project, stream, fmt=fmt, name=name, as_=as_, media_url=media_url,
        keep_going=True,
    )  # fmt: skip
    checked = import_checks.check_records(session, read.project, read.defaults, read.records, media)
    session.rollback()  # nothing was written; end the read transaction
    return import_checks.report(checked, name=name, wheres=read.wheres, read_error=read.error)
