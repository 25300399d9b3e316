"""Durable background jobs: a job table that is also the outbox, and the worker loop.

Knows the database only; services register handlers by job kind.
"""

from quorum.jobs.queue import (
    FAILED,
    FINISHED,
    QUEUED,
    RUNNING,
    SUCCEEDED,
    Claim,
    LeaseLost,
    claim,
    complete,
    enqueue,
    enqueue_once,
    fail,
    has_due,
    purge_finished,
    report_progress,
    requeue,
)
from quorum.jobs.worker import Handler, JobContext, JobFailed, RetryAt, Worker

__all__ = [
    "FAILED",
    "FINISHED",
    "QUEUED",
    "RUNNING",
    "SUCCEEDED",
    "Claim",
    "Handler",
    "JobContext",
    "JobFailed",
    "LeaseLost",
    "RetryAt",
    "Worker",
    "claim",
    "complete",
    "enqueue",
    "enqueue_once",
    "fail",
    "has_due",
    "purge_finished",
    "report_progress",
    "requeue",
]
