"""The requester's calls (`quorum.cli.requester.Requester`) on the local database, as its
operator: each call is one service use case in its own session, importing only the services
it runs (a listing does not load the importers, exporters and the PostgreSQL driver)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from quorum.cli.common import ImportOptions, Progress, Selection, open_db, settings
from quorum.services.accounts.users import Principal, Role

OPERATOR = Principal(user_id=0, name="cli", role=Role.admin)


class Local:
    def __init__(self, *, init: bool = False) -> None:
        self.db = open_db(init=init)

    def close(self) -> None:
        self.db.dispose()

    def list_projects(self) -> list[dict]:
        from quorum.services.projects import catalog

        with self.db.session() as session:
            return catalog.list_projects(session, OPERATOR)

    def create_project(
        self, name: str, type: str, params: dict, policy: dict, instruction: str
    ) -> dict:
        from quorum.services.projects import labels

        with self.db.session(write=True) as session:
            return labels.create_project(
                session, name, type, params=params, policy=policy, instruction=instruction
            )

    def change_params(
        self, project: str, params: dict | None, instruction: str | None, patch: bool
    ) -> dict:
        from quorum.services.projects import catalog

        with self.db.session(write=True) as session:
            return catalog.set_params(
                session, project, params, instruction=instruction, patch=patch
            )

    def set_archived(self, project: str, archived: bool) -> dict:
        from quorum.services.projects import catalog

        with self.db.session(write=True) as session:
            return catalog.change_project(session, project, {"archived": archived})

    def add_member(self, project: str, user: str, role: str) -> dict:
        from quorum.services.projects import catalog

        with self.db.session(write=True) as session:
            return catalog.add_member(session, project, user, role)

    def remove_member(self, project: str, user: str) -> None:
        from quorum.services.projects import catalog

        with self.db.session(write=True) as session:
            catalog.remove_member(session, project, user)

    def import_file(
        self, project: str, file: Path, fmt: str, options: ImportOptions, progress: Progress
    ) -> int:
        """Read every record first (a bad record imports nothing), then create them all."""
        from quorum.config import get_settings
        from quorum.formats.importers import ImportAs
        from quorum.services.files.import_media import StoredMedia
        from quorum.services.tasks import file_import
        from quorum.services.tasks.import_checks import SkipDuplicates

        with file.open("rb") as stream, self.db.session(write=True) as session:
            ids = file_import.import_stream(
                session,
                project,
                stream,
                fmt=fmt,
                name=str(file),
                as_=ImportAs(options["as_"]),
                batch=options["batch"],
                media_url=options["media_url"],
                read_progress=progress,
                skip_duplicates=SkipDuplicates(options.get("skip_duplicates", "none")),
                media=StoredMedia(session, get_settings(), OPERATOR),
                skipped=options.get("skipped"),
            )
        progress(file.stat().st_size)
        return len(ids)

    def check_import(self, project: str, file: Path, fmt: str, options: ImportOptions) -> dict:
        from quorum.config import get_settings
        from quorum.formats.importers import ImportAs
        from quorum.services.files.import_media import StoredMedia
        from quorum.services.tasks import file_import

        with file.open("rb") as stream, self.db.session() as session:
            return file_import.dry_run(
                session,
                project,
                stream,
                fmt=fmt,
                name=str(file),
                as_=ImportAs(options["as_"]),
                media_url=options["media_url"],
                media=StoredMedia(session, get_settings(), OPERATOR),
            )

    def import_folder(
        self, project: str, source: str, batch: str | None, progress: Progress
    ) -> int:
        """One task per file of the folder or S3 prefix; all or none."""
        from quorum.config import get_settings
        from quorum.services.files import folder_import

        settings = get_settings()
        with self.db.session(write=True) as session:
            ids = folder_import.import_folder(
                session,
                settings,
                folder_import.source_at(source, settings),
                project=project,
                name=source,
                batch=batch,
                progress=progress,
            )
        return len(ids)

    def count_tasks(self, project: str, status: str | None) -> int:
        from quorum.services.tasks import queries

        with self.db.session() as session:
            return queries.count_tasks(session, queries.TaskFilter(project=project, status=status))

    def export(self, project: str, fmt: str, selection: Selection) -> Iterator[bytes]:
        from quorum.services.exports import export

        with self.db.session() as session:
            chunks, _ = export.export_chunks(session, project, fmt, export.Selection(**selection))
            yield from chunks

    def export_job(
        self, project: str, fmt: str, selection: Selection, progress: Callable[[dict], None]
    ) -> Iterator[bytes]:
        """Queue the export job and run the due export jobs here, in a thread (a server's
        worker may take it first: it is waited for all the same)."""
        from quorum import jobs
        from quorum.services.exports import export, export_jobs

        cli_settings = settings()
        with self.db.session(write=True) as session:
            view = export_jobs.start(
                session, project, fmt, export.Selection(**selection), OPERATOR.name
            )
        worker = jobs.Worker(self.db, {export_jobs.KIND: export_jobs.handler(cli_settings)})
        worker.start(until_idle=True)
        while view["state"] not in (jobs.SUCCEEDED, jobs.FAILED):
            time.sleep(0.2)
            with self.db.session() as session:
                view = export_jobs.get(session, project, view["id"])
            progress(view)
        worker.stop()
        with self.db.session() as session:
            ready = export_jobs.ready_file(session, cli_settings, project, view["id"])
        with ready.storage.open(ready.key) as stream:
            while chunk := stream.read(1 << 20):
                yield chunk

    def list_tasks(self, filters: dict[str, Any], limit: int) -> dict:
        from quorum.services.tasks import queries

        with self.db.session() as session:
            return queries.list_tasks(session, queries.TaskFilter(**filters), limit=limit)

    def create_batch(self, project: str, name: str, callback_url: str | None) -> dict:
        from quorum.services.tasks import batches

        with self.db.session(write=True) as session:
            return batches.create_batch(session, project, name, callback_url=callback_url)

    def list_batches(self, project: str | None, status: str | None, limit: int) -> dict:
        from quorum.services.tasks import batches

        with self.db.session() as session:
            docs, total = batches.list_batches(session, project=project, status=status, limit=limit)
        return {"docs": docs, "total": total, "has_more": len(docs) < total}

    def finalize_batch(self, name: str) -> dict:
        from quorum.services.tasks import batches

        with self.db.session(write=True) as session:
            return batches.finalize_batch(session, name)
