"""`quorum tasks …` and `quorum batches …`: what a requester sent and how far it got, on a
server (--url) or on the local database."""

from __future__ import annotations

from contextlib import closing

import typer

from quorum.cli.common import Init, moment, plural, print_table, reports_errors
from quorum.cli.requester import ApiKey, Url, connect
from quorum.db.statuses import BatchStatus, TaskStatus

tasks_app = typer.Typer(
    rich_markup_mode=None, help="Tasks: list them with their status.", no_args_is_help=True
)
batches_app = typer.Typer(
    rich_markup_mode=None, help="Batches: create, list, finalize.", no_args_is_help=True
)


@tasks_app.command("list")
@reports_errors
def tasks_list(
    project: str | None = typer.Option(None, help="only this project's tasks"),
    batch: str | None = typer.Option(None, help="only this batch's tasks"),
    status: str | None = typer.Option(None, help=f"one of {', '.join(TaskStatus)}"),
    limit: int = typer.Option(50, min=1, max=1000, help="newest this many"),
    url: Url = None,
    api_key: ApiKey = None,
    init: Init = False,
) -> None:
    """List the newest tasks with their status."""
    filters = {"project": project, "batch": batch, "status": status}
    with closing(connect(url, api_key, init=init)) as requester:
        page = requester.list_tasks({k: v for k, v in filters.items() if v}, limit)
    docs = page["docs"]
    print_table(
        ("task id", "project", "batch", "status", "unique id", "created"),
        [
            [
                t["task_id"],
                t["project"],
                t["batch"] or "",
                t["status"],
                t["unique_id"] or "",
                moment(t["created_at"]),
            ]
            for t in docs
        ],
    )
    more = "; raise --limit for more" if page["has_more"] else ""
    print(f"{plural(len(docs), 'task')} shown{more}")


@batches_app.command("create")
@reports_errors
def batches_create(
    project: str,
    name: str,
    callback_url: str | None = typer.Option(None, help="where this batch's callbacks go"),
    url: Url = None,
    api_key: ApiKey = None,
    init: Init = False,
) -> None:
    """Create a batch in a project (import into it with `quorum import --batch`)."""
    with closing(connect(url, api_key, init=init)) as requester:
        batch = requester.create_batch(project, name, callback_url)
    print(f"created batch {batch['name']} in {batch['project']} ({batch['status']})")


@batches_app.command("list")
@reports_errors
def batches_list(
    project: str | None = typer.Option(None, help="only this project's batches"),
    status: str | None = typer.Option(None, help=f"one of {', '.join(BatchStatus)}"),
    limit: int = typer.Option(50, min=1, max=1000, help="newest this many"),
    url: Url = None,
    api_key: ApiKey = None,
    init: Init = False,
) -> None:
    """List the newest batches with their status."""
    with closing(connect(url, api_key, init=init)) as requester:
        page = requester.list_batches(project, status, limit)
    docs = page["docs"]
    print_table(
        ("name", "project", "status", "created"),
        [[b["name"], b["project"], b["status"], moment(b["created_at"])] for b in docs],
    )
    print(f"{plural(len(docs), 'batch', 'batches')} of {page['total']}")


@batches_app.command("finalize")
@reports_errors
def batches_finalize(
    name: str, url: Url = None, api_key: ApiKey = None, init: Init = False
) -> None:
    """Send a staging batch's tasks to annotators."""
    with closing(connect(url, api_key, init=init)) as requester:
        batch = requester.finalize_batch(name)
    print(f"batch {batch['name']} is {batch['status'].replace('_', ' ')}")
