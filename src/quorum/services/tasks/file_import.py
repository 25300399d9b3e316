"""Importing a file of tasks in any registered format: every face (API, CLI, pages) comes here.

The whole file is read before anything is written, so a bad record anywhere imports nothing,
and every error names the file and where in it the record is.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import IO, Any

from sqlalchemy.orm import Session

from quorum.formats.importers import FormatError, ImportAs, ImportContext, importer_for
from quorum.services.errors import InvalidRequest
from quorum.services.projects.catalog import current_params, get_project
from quorum.services.tasks import creation

# The reader's position is reported every this many records.
PROGRESS_EVERY = 5000


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
) -> list[str]:
    """Read `stream` (the file `name`) as format `fmt` into `project`; the labels it carries
    become what `as_` says; images a file names by file name are fetched from `media_url`.
    Returns the new task ids, in the file's order."""
    proj = get_project(session, project)
    ctx = ImportContext(
        proj.task_type, dict(current_params(session, proj.id).params), media_url=media_url
    )
    with creation.paused_gc():  # the reader builds as many dicts as the creation
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
            raise InvalidRequest(f"{name}, {exc.where}: {exc.msg}; nothing was imported") from None
        except ValueError as exc:
            raise InvalidRequest(str(exc)) from None
        return creation.create_tasks(
            session,
            project,
            records,
            batch=batch,
            created_by=created_by,
            describe=lambda i: f"{name}, {wheres[i]}",
        )
