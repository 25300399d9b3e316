"""Durable background jobs: a job table that is also the outbox, and the worker loop.

Knows the database only; services register handlers by job kind.
"""

from quorum.jobs.queue import (
    FAILED,
    QUEUED,
    RUNNING,
    SUCCEEDED,
    Claim,
    LeaseLost,
    claim,
    complete,
    enqueue,
    fail,
    has_due,
    report_progress,
)
from quorum.jobs.worker import Handler, JobContext, JobFailed, RetryAt, Worker

__all__ = [
    "FAILED",
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
    "fail",
    "has_due",
    "report_progress",
]
