"""What a requester does from the command line, on a remote server or on the local database.

`connect` is the one place that chooses: with a URL, every call goes through the HTTP API with
our SDK as the holder of the API key (a requester on another machine, who has no database);
without, `quorum.cli.local` runs the same calls on the local database as its operator. Commands
call a `Requester` and never know which one they hold.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Protocol

import typer

from quorum.cli.common import ImportOptions, Progress, Selection, fail

if TYPE_CHECKING:
    from quorum.client import QuorumClient


def url_option(without: str) -> Any:
    """The --url option (QUORUM_URL), one definition for every command that takes it;
    `without` says what the command works on when no URL is given."""
    return typer.Option(
        "--url",
        envvar="QUORUM_URL",
        help=f"a Quorum server to work on through its API; without it, {without}",
        show_default=False,
    )


Url = Annotated[
    str | None,
    url_option("the local database (QUORUM_DATABASE_URL, else QUORUM_DATA_DIR/quorum.db)"),
]
ApiKey = Annotated[
    str | None,
    typer.Option(
        "--api-key", envvar="QUORUM_API_KEY", help="API key for --url",
        show_default=False,
    ),
]  # fmt: skip


class Requester(Protocol):
    """Projects, tasks in and out, batches: the calls the requester commands make."""

    def list_projects(self) -> list[dict]: ...
    def create_project(
        self, name: str, type: str, params: dict, policy: dict, instruction: str
    ) -> dict: ...
    def change_params(
        self, project: str, params: dict | None, instruction: str | None, patch: bool
    ) -> dict: ...
    def set_archived(self, project: str, archived: bool) -> dict: ...
    def add_member(self, project: str, user: str, role: str) -> dict: ...
    def remove_member(self, project: str, user: str) -> None: ...
    def import_file(
        self, project: str, file: Path, fmt: str, options: ImportOptions, progress: Progress
    ) -> int: ...
    def check_import(self, project: str, file: Path, fmt: str, options: ImportOptions) -> dict: ...
    def import_folder(
        self, project: str, source: str, batch: str | None, progress: Progress
    ) -> int: ...
    def count_tasks(self, project: str, status: str | None) -> int: ...
    def export(self, project: str, fmt: str, selection: Selection) -> Iterator[bytes]: ...
    def export_job(
        self, project: str, fmt: str, selection: Selection, progress: Callable[[dict], None]
    ) -> Iterator[bytes]:
        """Run the export as a background job, telling `progress` each state seen, then yield
        its file's chunks."""
        ...

    def list_tasks(self, filters: dict[str, Any], limit: int) -> dict: ...
    def create_batch(self, project: str, name: str, callback_url: str | None) -> dict: ...
    def list_batches(self, project: str | None, status: str | None, limit: int) -> dict: ...
    def finalize_batch(self, name: str) -> dict: ...
    def close(self) -> None: ...


def connect(url: str | None, api_key: str | None, *, init: bool = False) -> Requester:
    """The server at `url` (with `api_key`), else the local database."""
    if url:
        if not api_key:
            fail("--url needs an API key: pass --api-key or set QUORUM_API_KEY")
        return Remote(url, api_key)
    from quorum.cli.local import Local

    return Local(init=init)


class Remote:
    """A Quorum server through its HTTP API."""

    def __init__(self, url: str, api_key: str) -> None:
        from quorum.client import QuorumClient

        self.q: QuorumClient = QuorumClient(url, api_key)

    def close(self) -> None:
        self.q.close()

    def list_projects(self) -> list[dict]:
        return self.q.list_projects()

    def create_project(
        self, name: str, type: str, params: dict, policy: dict, instruction: str
    ) -> dict:
        return self.q.create_project(
            name, type, params=params, policy=policy, instruction=instruction
        )

    def change_params(
        self, project: str, params: dict | None, instruction: str | None, patch: bool
    ) -> dict:
        return self.q.set_params(project, params or {}, instruction=instruction, patch=patch)

    def set_archived(self, project: str, archived: bool) -> dict:
        return self.q.change_project(project, archived=archived)

    def add_member(self, project: str, user: str, role: str) -> dict:
        return self.q.add_member(project, user, role)

    def remove_member(self, project: str, user: str) -> None:
        self.q.remove_member(project, user)

    def import_file(
        self, project: str, file: Path, fmt: str, options: ImportOptions, progress: Progress
    ) -> int:
        created = self.q.import_file(
            project,
            file,
            batch=options["batch"],
            format=fmt,
            as_=options["as_"],
            media_url=options["media_url"],
            progress=progress,
            skip_duplicates=options.get("skip_duplicates", "none"),
            skipped=options.get("skipped"),
        )
        return len(created)

    def check_import(self, project: str, file: Path, fmt: str, options: ImportOptions) -> dict:
        return self.q.check_import(
            project, file, format=fmt, as_=options["as_"], media_url=options["media_url"]
        )

    def import_folder(
        self, project: str, source: str, batch: str | None, progress: Progress
    ) -> int:
        """Pack the folder or S3 prefix (read with this machine's credentials) into a zip and
        send it: the server reads only what it is sent."""
        from tempfile import TemporaryFile

        from quorum.config import get_settings
        from quorum.services.files import folder_import

        with TemporaryFile() as archive:
            folder_import.pack(folder_import.source_at(source, get_settings()), archive)
            archive.seek(0)
            name = source.rstrip("/").rsplit("/", 1)[-1] + ".zip"
            created = self.q.import_folder(
                project, archive, name=name, batch=batch, progress=progress
            )
        return len(created)

    def count_tasks(self, project: str, status: str | None) -> int:
        return self.q.count_tasks(project=project, status=status)

    def export(self, project: str, fmt: str, selection: Selection) -> Iterator[bytes]:
        return self.q.export_bytes(project, format=fmt, **selection)

    def export_job(
        self, project: str, fmt: str, selection: Selection, progress: Callable[[dict], None]
    ) -> Iterator[bytes]:
        started = self.q.start_export_job(project, format=fmt, **selection)
        self.q.wait_for_export_job(project, started["id"], progress=progress)
        return self.q.download_export_job(project, started["id"])

    def list_tasks(self, filters: dict[str, Any], limit: int) -> dict:
        return self.q.list_tasks(limit=limit, **filters)

    def create_batch(self, project: str, name: str, callback_url: str | None) -> dict:
        return self.q.create_batch(project, name, callback_url=callback_url)

    def list_batches(self, project: str | None, status: str | None, limit: int) -> dict:
        return self.q.list_batches(project=project, status=status, limit=limit)

    def finalize_batch(self, name: str) -> dict:
        return self.q.finalize_batch(name)
