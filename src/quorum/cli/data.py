"""`quorum import` and `quorum export`: task files in and out, straight on the database."""

from __future__ import annotations

import sys
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from quorum.cli.common import fail, open_db, reports_errors
from quorum.formats.importers import FormatError, guess_format, reader_for
from quorum.services.exports import export
from quorum.services.tasks import creation


@reports_errors
def import_file(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, readable=True),
    project: str = typer.Option(..., help="project to import into"),
    batch: str | None = typer.Option(None, help="batch to put the tasks in"),
    format: str | None = typer.Option(None, help="jsonl, csv or json; else from the extension"),
) -> None:
    """Import tasks from a JSONL or CSV file; a file with any bad record imports nothing."""
    fmt = format or guess_format(file.name)
    reader = reader_for(fmt)
    lines: list[int] = []
    records: list[object] = []
    with _progress() as progress:
        reading = progress.add_task("reading", total=file.stat().st_size)
        with file.open("rb") as stream:
            try:
                for line, record in reader(stream):
                    lines.append(line)
                    records.append(record)
                    if len(lines) % 5000 == 0:
                        progress.update(reading, completed=stream.tell())
            except FormatError as exc:
                fail(f"{file}, line {exc.line}: {exc.msg}; nothing was imported")
        progress.update(reading, completed=file.stat().st_size)
        writing = progress.add_task("importing", total=len(records))
        with open_db().session(write=True) as session:
            ids = creation.create_tasks(
                session,
                project,
                records,
                batch=batch,
                describe=lambda i: f"{file}, line {lines[i]}",
                progress=lambda n: progress.update(writing, completed=n),
            )
    print(f"imported {len(ids)} tasks into {project}")


@reports_errors
def export_file(
    project: str = typer.Option(..., help="project to export"),
    format: str = typer.Option("jsonl", help="export format"),
    out: Path | None = typer.Option(None, help="output file (default: standard output)"),
    status: str | None = typer.Option(None, help="only tasks with this status"),
) -> None:
    """Export a project's tasks with their annotations, streaming."""
    with open_db().session() as session:
        chunks, _ = export.export_chunks(session, project, format, status=status)
        if out is None:
            for chunk in chunks:
                sys.stdout.buffer.write(chunk)
            sys.stdout.buffer.flush()
            return
        tmp = out.with_name(out.name + ".part")
        with tmp.open("wb") as stream:
            for chunk in chunks:
                stream.write(chunk)
        tmp.replace(out)


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        transient=False,
        console=Console(stderr=True),
    )
