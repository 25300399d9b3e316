"""The statuses of tasks, reviews, batches and assignments: the words stored in their `status`
columns, importable by every layer (a face filters by them without touching the tables)."""

from __future__ import annotations

from enum import StrEnum


class TaskStatus(StrEnum):
    """A task's status; changed only by quorum.services.tasks.lifecycle. Each member's name is
    its stored value, so drivers that dump an enum by name or by value store the same text."""

    pending = "pending"
    completed = "completed"
    canceled = "canceled"
    error = "error"


class ReviewStatus(StrEnum):
    """Where a completed task stands in review: waiting, or the last verdict on it."""

    pending = "pending"
    accepted = "accepted"
    fixed = "fixed"
    rejected = "rejected"


class BatchStatus(StrEnum):
    """`staging` (tasks held until it is finalized) -> `in_progress` -> `completed`."""

    staging = "staging"
    in_progress = "in_progress"
    completed = "completed"


class AssignmentStatus(StrEnum):
    """A lease is `active` until submitted, skipped, released (held a while for its annotator),
    expired (its slot back in the queue) or revoked (its annotator was blocked)."""

    active = "active"
    released = "released"
    submitted = "submitted"
    skipped = "skipped"
    expired = "expired"
    revoked = "revoked"
