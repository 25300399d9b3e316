"""The worker loop: claim a due job, run its kind's handler, record the outcome, repeat.

A handler is a plain callable taking a JobContext. Returning means success; raising RetryAt
schedules another attempt; raising JobFailed (or anything unexpected) fails the job for good.
Handlers run outside any transaction: a job is held by its lease, not by a lock, so slow work
(an HTTP call) never blocks other writers. A job whose worker dies is taken again once its
lease ends, so handlers must tolerate running twice; long ones report progress, which renews
the lease.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import secrets
import socket
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from quorum.db.engine import Database
from quorum.jobs import queue
from quorum.jobs.queue import Claim, LeaseLost

log = logging.getLogger("quorum.jobs")


class RetryAt(Exception):
    """Raised by a handler: this attempt failed with `message`; try again at `at` (UTC)."""

    def __init__(self, message: str, at: dt.datetime) -> None:
        super().__init__(message)
        self.at = at


class JobFailed(Exception):
    """Raised by a handler: the job failed for good; the message is kept on the job."""


@dataclass(frozen=True)
class JobContext:
    """What a handler gets: the job, the database, and a way to report progress."""

    job: Claim
    db: Database
    lease_seconds: float

    def progress(self, fraction: float, message: str | None = None) -> None:
        """Record how far the job is (0..1) and renew the lease; LeaseLost if taken over."""
        with self.db.begin() as session:
            queue.report_progress(
                session, self.job, fraction, message, lease_seconds=self.lease_seconds
            )


Handler = Callable[[JobContext], None]


class Worker:
    """Runs the jobs whose kinds it has handlers for, until stopped."""

    def __init__(
        self,
        db: Database,
        handlers: Mapping[str, Handler],
        *,
        poll_interval: float = 1.0,
        lease_seconds: float = 300.0,
        name: str | None = None,
    ) -> None:
        self.db = db
        self.handlers = dict(handlers)
        self.poll_interval = poll_interval
        self.lease_seconds = lease_seconds
        self.name = name or f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def run_once(self) -> bool:
        """Claim and run one due job; False when none was due."""
        kinds = self.handlers.keys()
        with self.db.session() as session:
            if not queue.has_due(session, kinds):
                return False
        with self.db.begin() as session:
            job = queue.claim(session, self.name, kinds, lease_seconds=self.lease_seconds)
        if job is None:  # another worker was faster
            return False
        self._run(job)
        return True

    def _run(self, job: Claim) -> None:
        retry_at: dt.datetime | None = None
        try:
            self.handlers[job.kind](JobContext(job, self.db, self.lease_seconds))
            error = None
        except RetryAt as exc:
            error, retry_at = str(exc), exc.at
        except JobFailed as exc:
            error = str(exc)
        except LeaseLost:
            log.warning("job %s (%s): lease lost to another worker", job.id, job.kind)
            return
        except Exception as exc:
            log.exception("job %s (%s) raised", job.id, job.kind)
            error = f"{type(exc).__name__}: {exc}"
        try:
            with self.db.begin() as session:
                if error is None:
                    queue.complete(session, job)
                else:
                    queue.fail(session, job, error, retry_at=retry_at)
        except LeaseLost:
            log.warning("job %s (%s): finished after its lease was taken over", job.id, job.kind)

    def run(self, *, until_idle: bool = False) -> None:
        """Run jobs until stop() (or, with `until_idle`, until none is due)."""
        while not self._stop.is_set():
            try:
                ran = self.run_once()
            except Exception:  # the database may be briefly away: keep the loop alive
                log.exception("job worker %s: polling failed", self.name)
                ran = False
            if not ran:
                if until_idle:
                    return
                self._stop.wait(self.poll_interval)

    def start(self, *, until_idle: bool = False) -> None:
        """Run in a background thread."""
        self._stop.clear()
        self._thread = threading.Thread(
            target=self.run, kwargs={"until_idle": until_idle}, name=f"jobs-{self.name}"
        )
        self._thread.daemon = True
        self._thread.start()

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def stop(self, timeout: float | None = 30.0) -> None:
        """Ask the loop to stop after the job it is running, and wait for it."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
