"""`quorum worker`: run background jobs (callback deliveries, ...) outside the server.

Any number of these, on any machines, can share one database with any number of servers: each
job is claimed by exactly one worker at a time.
"""

from __future__ import annotations

import signal
import threading

import typer

from quorum.cli.common import DATABASE_HELP, Init, open_db, reports_errors, settings


@reports_errors
def worker_command(
    concurrency: int = typer.Option(
        1, min=1, max=64, help="jobs run at once (one thread each), e.g. for slow receivers"
    ),
    drain: bool = typer.Option(False, "--drain", help="run the jobs that are due, then exit"),
    with_parent: bool = typer.Option(
        False,
        "--with-parent",
        hidden=True,
        help="stop when standard input ends: how `quorum serve` ties its worker to itself",
    ),
    init: Init = False,
) -> None:
    """Run background jobs until stopped (Ctrl-C or SIGTERM)."""
    from quorum.jobs.child import tie_to_parent
    from quorum.services.ops.background import make_worker

    db = open_db(init=init)
    workers = [make_worker(db, settings()) for _ in range(concurrency)]
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    if with_parent:
        tie_to_parent(stop)
    for worker in workers:
        worker.start(until_idle=drain)
    if not drain and not with_parent:
        print(f"quorum worker: {concurrency} running; Ctrl-C stops", flush=True)
    while not stop.is_set() and any(w.running for w in workers):
        stop.wait(0.5)
    for worker in workers:
        worker.stop()
    db.dispose()


def register(app: typer.Typer) -> None:
    """Add `quorum worker` to the top-level app."""
    app.command("worker", epilog=DATABASE_HELP)(worker_command)
