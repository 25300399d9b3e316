"""`quorum import` and `quorum export`: task files in and out, on a server (--url) or on the
local database."""

from __future__ import annotations

import json
import sys
from contextlib import closing, nullcontext
from itertools import chain
from pathlib import Path

import typer

from quorum.cli.common import Init, Selection, fail, plural, progress_bar, reports_errors
from quorum.cli.requester import ApiKey, Requester, Url, connect
from quorum.formats.exporters import EXPORTERS
from quorum.formats.importers import IMPORTERS, guess_format


@reports_errors
def import_file(
    source: str = typer.Argument(
        ...,
        metavar="SOURCE",
        help="a task file; or a folder, or s3://bucket/prefix, of image, audio or text files "
        "(one task per file)",
    ),
    project: str = typer.Option(..., help="project to import into"),
    batch: str | None = typer.Option(None, help="batch to put the tasks in"),
    format: str | None = typer.Option(
        None, help=f"one of {', '.join(IMPORTERS)}; else from the file's extension"
    ),
    as_: str = typer.Option(
        "tasks",
        "--as",
        help="what the labels the file carries become: tasks (dropped), hypothesis "
        "(pre-labels annotators start from) or gold",
    ),
    media_url: str | None = typer.Option(
        None,
        help="base URL of the images a coco/yolo/voc file names: cat.jpg becomes "
        "MEDIA_URL/cat.jpg (else the URLs the file gives)",
    ),
    dry_run: bool = typer.Option(
        False,
        "--dry-run",
        help="read everything and report what would fail, duplicates, "
        "text cleaning and media problems; write nothing",
    ),
    json_out: bool = typer.Option(False, "--json", help="with --dry-run: the report as JSON"),
    skip_duplicates: str = typer.Option(
        "none", help="leave out duplicates: exact, near (exact too) or none"
    ),
    url: Url = None,
    api_key: ApiKey = None,
    init: Init = False,
) -> None:
    """Import tasks from a file, or one task per file of a folder or S3 prefix; a source with
    any bad record or file imports nothing. Texts are cleaned (encoding, NFC, control
    characters, whitespace) and the changes kept per task."""
    file = Path(source)
    if source.startswith("s3://") or file.is_dir():
        _import_folder(source, project, batch, url, api_key, init)
        return
    if not file.is_file():
        fail(f"no file {source}")
    if as_ not in ("tasks", "hypothesis", "gold"):
        fail(f"--as must be tasks, hypothesis or gold, not {as_!r}")
    if skip_duplicates not in ("none", "exact", "near"):
        fail(f"--skip-duplicates must be exact, near or none, not {skip_duplicates!r}")
    fmt = format or guess_format(file.name)
    skipped: list[str] = []
    options = {"batch": batch, "as_": as_, "media_url": media_url,
               "skip_duplicates": skip_duplicates, "skipped": skipped.extend}  # fmt: skip
    if dry_run:
        with closing(connect(url, api_key, init=init)) as requester:
            report = requester.check_import(project, file, fmt, options)
        if json_out:
            print(json.dumps(report, indent=2, ensure_ascii=False))
        else:
            from quorum.cli.import_report import print_report

            print_report(report)
        return
    with (
        closing(connect(url, api_key, init=init)) as requester,
        progress_bar(f"importing {file.name}", file.stat().st_size, in_bytes=True) as update,
    ):
        created = requester.import_file(project, file, fmt, options, update)
    print(f"imported {plural(created, 'task')} into {project}")
    if skipped:
        print(f"left out {plural(len(skipped), 'duplicate')}: {', '.join(skipped[:10])}"
              + (" …" if len(skipped) > 10 else ""))  # fmt: skip


def _import_folder(
    source: str, project: str, batch: str | None, url: str | None, api_key: str | None, init: bool
) -> None:
    with (
        closing(connect(url, api_key, init=init)) as requester,
        progress_bar(f"importing {source}", None) as update,
    ):
        created = requester.import_folder(project, source, batch, update)
    print(f"imported {plural(created, 'task')} into {project}")


@reports_errors
def export_file(
    project: str = typer.Option(..., help="project to export"),
    format: str = typer.Option("jsonl", help=f"one of {', '.join(EXPORTERS)}"),
    out: Path | None = typer.Option(None, help="output file (default: standard output)"),
    status: str | None = typer.Option(None, help="only tasks with this status"),
    min_confidence: float | None = typer.Option(
        None, min=0, max=1, help="only tasks whose label is at least this confident"
    ),
    below_to: Path | None = typer.Option(
        None, help="with --min-confidence: write the other tasks to this file (else left out)"
    ),
    job: bool = typer.Option(
        False,
        "--job",
        help="run the export as a background job (for large projects): show its progress, "
        "then download its file, which the server also keeps for a while",
    ),
    url: Url = None,
    api_key: ApiKey = None,
    init: Init = False,
) -> None:
    """Export a project's tasks with their consensus labels and annotations, streaming; says
    what it wrote (on standard error when the export goes to standard output)."""
    if below_to is not None and min_confidence is None:
        fail("--below-to needs --min-confidence")
    selection = {"status": status, "min_confidence": min_confidence}
    with closing(connect(url, api_key, init=init)) as requester:
        _export_one(requester, project, format, selection, out, job)
        if below_to is not None:
            _export_one(requester, project, format, {**selection, "below": True}, below_to, job)


def _export_one(
    requester: Requester,
    project: str,
    fmt: str,
    selection: Selection,
    out: Path | None,
    job: bool,
) -> None:
    """One export into `out` (standard output if None), written whole or not at all."""
    by_line = EXPORTERS[fmt].one_line_per_task if fmt in EXPORTERS else False
    total = requester.count_tasks(project, selection["status"]) if by_line else 0
    if job:
        with progress_bar(f"export job of {project}", total or None) as update:
            chunks = requester.export_job(
                project, fmt, selection, lambda view: update(view["tasks_done"])
            )
            first = next(chunks, b"")  # the job has run: its file comes next
    else:
        chunks = requester.export(project, fmt, selection)
        first = next(chunks, b"")  # a refused export fails here, before any file is made
    tmp = None if out is None else out.with_name(out.name + ".part")
    lines = size = 0
    with (
        progress_bar(f"exporting {project}", total or None, in_bytes=not by_line) as update,
        nullcontext(sys.stdout.buffer) if tmp is None else tmp.open("wb") as stream,
    ):
        for chunk in chain([first], chunks):
            size += stream.write(chunk)
            lines += chunk.count(b"\n")
            update(lines if by_line else size)
        stream.flush()
    if tmp is not None and out is not None:
        tmp.replace(out)
    what = plural(lines, "task") if by_line else f"{size:,} bytes"
    print(
        f"wrote {what} to {out or 'standard output'}",
        file=sys.stderr if out is None else sys.stdout,
    )
