"""`quorum import` and `quorum export`: task files in and out, on a server (--url) or on the
local database."""

from __future__ import annotations

import sys
from contextlib import closing, nullcontext
from itertools import chain
from pathlib import Path

import typer

from quorum.cli.common import Init, plural, progress_bar, reports_errors
from quorum.cli.requester import ApiKey, Url, connect
from quorum.formats.exporters import EXPORTERS
from quorum.formats.importers import READERS, guess_format


@reports_errors
def import_file(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, readable=True),
    project: str = typer.Option(..., help="project to import into"),
    batch: str | None = typer.Option(None, help="batch to put the tasks in"),
    format: str | None = typer.Option(
        None, help=f"one of {', '.join(READERS)}; else from the file's extension"
    ),
    url: Url = None,
    api_key: ApiKey = None,
    init: Init = False,
) -> None:
    """Import tasks from a file of task records; a file with any bad record imports nothing."""
    fmt = format or guess_format(file.name)
    with (
        closing(connect(url, api_key, init=init)) as requester,
        progress_bar(f"importing {file.name}", file.stat().st_size, in_bytes=True) as update,
    ):
        created = requester.import_file(project, file, fmt, batch, update)
    print(f"imported {plural(created, 'task')} into {project}")


@reports_errors
def export_file(
    project: str = typer.Option(..., help="project to export"),
    format: str = typer.Option("jsonl", help=f"one of {', '.join(EXPORTERS)}"),
    out: Path | None = typer.Option(None, help="output file (default: standard output)"),
    status: str | None = typer.Option(None, help="only tasks with this status"),
    url: Url = None,
    api_key: ApiKey = None,
    init: Init = False,
) -> None:
    """Export a project's tasks with their annotations, streaming, one task a line; says how
    many it wrote (on standard error when the export goes to standard output)."""
    with closing(connect(url, api_key, init=init)) as requester:
        total = requester.count_tasks(project, status)
        chunks = requester.export(project, format, status)
        first = next(chunks, b"")  # a refused export fails here, before any file is made
        tmp = None if out is None else out.with_name(out.name + ".part")
        written = 0
        with (
            progress_bar(f"exporting {project}", total) as update,
            nullcontext(sys.stdout.buffer) if tmp is None else tmp.open("wb") as stream,
        ):
            for chunk in chain([first], chunks):
                stream.write(chunk)
                written += chunk.count(b"\n")
                update(written)
            stream.flush()
    if tmp is not None and out is not None:
        tmp.replace(out)
    print(
        f"wrote {plural(written, 'task')} to {out or 'standard output'}",
        file=sys.stderr if out is None else sys.stdout,
    )
