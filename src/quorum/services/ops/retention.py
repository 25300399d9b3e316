"""Job retention: an hourly `jobs.purge` job deletes finished jobs older than the retention,
and the exports those jobs wrote, with their files.

The job table is also the callback outbox, one row per task callback, so without this it grows
forever. There is one chain of purge jobs: each run queues the next under a unique key before
deleting, so any number of workers starting at once leave one queued job, and a run that fails
does not end the chain.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from quorum import jobs
from quorum.db.engine import Database
from quorum.db.models import utcnow
from quorum.services.exports import export_jobs
from quorum.services.files.storage import Storage

PURGE = "jobs.purge"
INTERVAL_S = 3600.0
# Rows per DELETE: each batch is its own short transaction.
BATCH = 10_000


def schedule(db: Database, *, delay_s: float = 0.0) -> int | None:
    """Queue a purge run unless one is queued already; its id, or None."""
    with db.begin() as session:
        return jobs.enqueue_once(
            session, PURGE, {}, key=PURGE, run_at=utcnow() + dt.timedelta(seconds=delay_s)
        )


def purge(
    db: Database,
    older_than: dt.timedelta,
    *,
    batch_size: int = BATCH,
    on_batch: Callable[[int], None] | None = None,
) -> int:
    """Delete finished jobs older than `older_than`, one committed batch at a time; how many.

    `on_batch` gets the running total after each batch (a job reports it as progress, which
    renews its lease on a long purge).
    """
    before = utcnow() - older_than
    total = 0
    while True:
        with db.begin() as session:
            deleted = jobs.purge_finished(session, before, limit=batch_size)
        total += deleted
        if on_batch is not None:
            on_batch(total)
        if deleted < batch_size:
            return total


def handler(retention_days: float, storage: Storage) -> jobs.Handler:
    """The worker's handler for `jobs.purge` jobs."""

    def run(ctx: jobs.JobContext) -> None:
        schedule(ctx.db, delay_s=INTERVAL_S)
        export_jobs.purge(ctx.db, storage, utcnow() - dt.timedelta(days=retention_days))
        purge(
            ctx.db,
            dt.timedelta(days=retention_days),
            on_batch=lambda n: ctx.progress(0.0, f"{n} finished jobs deleted"),
        )

    return run
