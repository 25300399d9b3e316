"""Tables as SQLAlchemy 2 typed mappings.

Payload JSON (task params, responses, gold answers) lives in columns that list and count
queries never select; gold answers live in a table of their own so that no query that reads
tasks can leak them by accident.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from quorum.db.statuses import AssignmentStatus, BatchStatus, TaskStatus

JsonType = JSON().with_variant(JSONB(), "postgresql")
# Integer primary keys: BIGINT on PostgreSQL, the rowid alias on SQLite.
PkType = BigInteger().with_variant(Integer(), "sqlite")


def utcnow() -> dt.datetime:
    """Naive UTC timestamp: every datetime column stores UTC without a zone."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def new_callback_key() -> str:
    """A project's callback secret: sent as `scale-callback-auth` and used to sign bodies."""
    return secrets.token_urlsafe(32)


class Base(DeclarativeBase):
    type_annotation_map = {dict[str, Any]: JsonType, list[Any]: JsonType}


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(PkType, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    email: Mapped[str | None] = mapped_column(String(320), unique=True)
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str | None] = mapped_column(String(200))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    # Browser sessions issued before this moment are refused ("log out everywhere").
    sessions_not_before: Mapped[dt.datetime | None] = mapped_column(DateTime)


class RevokedSession(Base):
    """A logged-out browser session, kept only until the token would have expired anyway."""

    __tablename__ = "revoked_sessions"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime)


class ApiKey(Base):
    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(PkType, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # SHA-256 of the whole key: keys are random, so a fast hash is safe and lookups are O(1).
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))
    is_test: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class Project(Base):
    __tablename__ = "projects"

    id: Mapped[int] = mapped_column(PkType, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    task_type: Mapped[str] = mapped_column(String(50))
    policy: Mapped[dict[str, Any]] = mapped_column(default=dict)
    archived: Mapped[bool] = mapped_column(Boolean, default=False)
    # The Scale task type the project is used as through /v1 (e.g. `transcription` on a
    # textcollection project; set when the project or any of its tasks is created there): Scale's
    # face and the project's callbacks show tasks in that type's shape.
    scale_type: Mapped[str | None] = mapped_column(String(50))
    # Where task and batch events go when neither the task nor its batch names a URL.
    callback_url: Mapped[str | None] = mapped_column(Text)
    # Never NULL (new rows get a key, migration 0002 gave old ones theirs); the column is
    # nullable only because SQLite cannot add a NOT NULL column without rebuilding the table.
    callback_key: Mapped[str] = mapped_column(String(64), nullable=True, default=new_callback_key)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)


class ProjectParams(Base):
    """One version of a project's default params and instructions (Scale's param_history)."""

    __tablename__ = "project_params"
    __table_args__ = (UniqueConstraint("project_id", "version"),)

    id: Mapped[int] = mapped_column(PkType, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(Integer)
    params: Mapped[dict[str, Any]] = mapped_column(default=dict)
    instruction: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class ProjectMember(Base):
    __tablename__ = "project_members"

    project_id: Mapped[int] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    role: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class Batch(Base):
    __tablename__ = "batches"

    id: Mapped[int] = mapped_column(PkType, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    project_id: Mapped[int] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[str] = mapped_column(String(20), default=BatchStatus.staging)
    callback_url: Mapped[str | None] = mapped_column(Text)
    metadata_: Mapped[dict[str, Any]] = mapped_column("metadata", default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    finalized_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    completed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    # Scale Studio's batch order: 1 is served first; NULL = not ordered (creation order).
    # Its tasks carry the order as `Task.batch_priority` (see services.batches.queue_rank).
    studio_priority: Mapped[int | None] = mapped_column(Integer)


class ProjectGroup(Base):
    """A named group of a project's annotators (Scale Studio's project group): a batch routed
    to groups is served only to their members."""

    __tablename__ = "project_groups"
    __table_args__ = (UniqueConstraint("project_id", "name"),)

    id: Mapped[int] = mapped_column(PkType, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class ProjectGroupMember(Base):
    """A member of a group; the row goes with the user's project membership."""

    __tablename__ = "project_group_members"
    __table_args__ = (
        ForeignKeyConstraint(
            ["project_id", "user_id"],
            ["project_members.project_id", "project_members.user_id"],
            ondelete="CASCADE",
        ),
        # The claim looks up the groups of one annotator.
        Index("ix_project_group_members_user", "user_id", "group_id"),
    )

    group_id: Mapped[int] = mapped_column(
        ForeignKey("project_groups.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(PkType, primary_key=True, autoincrement=False)
    project_id: Mapped[int] = mapped_column(PkType)


class BatchGroup(Base):
    """A batch routed to a group (Scale's `assign_studio_batches`)."""

    __tablename__ = "batch_groups"
    __table_args__ = (Index("ix_batch_groups_group", "group_id", "batch_id"),)

    batch_id: Mapped[int] = mapped_column(
        ForeignKey("batches.id", ondelete="CASCADE"), primary_key=True
    )
    group_id: Mapped[int] = mapped_column(
        ForeignKey("project_groups.id", ondelete="CASCADE"), primary_key=True
    )


# Which tasks the queue may hand out; the claim query repeats it word for word so that both
# databases use the partial index below.
QUEUE_PREDICATE = "status = 'pending' AND NOT held AND NOT is_gold"
GOLD_PREDICATE = "status = 'pending' AND NOT held AND is_gold"


class Task(Base):
    __tablename__ = "tasks"
    __table_args__ = (
        # Listing and export walk a project's tasks in id order without sorting.
        Index("ix_tasks_project_id", "project_id", "id"),
        Index("ix_tasks_project_status", "project_id", "status", "id"),
        # The task browser's orders (quorum.services.tasks.ordering), over the tasks that have
        # the value: pending tasks have neither.
        Index(
            "ix_tasks_project_completed",
            "project_id",
            "completed_at",
            "id",
            sqlite_where=text("completed_at IS NOT NULL"),
            postgresql_where=text("completed_at IS NOT NULL"),
        ),
        Index(
            "ix_tasks_project_confidence",
            "project_id",
            "confidence",
            "id",
            sqlite_where=text("confidence IS NOT NULL"),
            postgresql_where=text("confidence IS NOT NULL"),
        ),
        # The annotator queue: claimable tasks in the order they are handed out.
        Index(
            "ix_tasks_queue",
            "project_id",
            text("batch_priority DESC"),
            text("priority DESC"),
            text("al_score DESC"),
            "id",
            sqlite_where=text(QUEUE_PREDICATE),
            postgresql_where=text(QUEUE_PREDICATE),
        ),
        # Claimable gold in the order it is served past the qualification.
        Index(
            "ix_tasks_gold",
            "project_id",
            "id",
            sqlite_where=text(GOLD_PREDICATE),
            postgresql_where=text(GOLD_PREDICATE),
        ),
        # Partial: unique_id is optional, and only given ones need an entry.
        Index(
            "ux_tasks_unique_id",
            "unique_id",
            unique=True,
            sqlite_where=text("unique_id IS NOT NULL"),
            postgresql_where=text("unique_id IS NOT NULL"),
        ),
        # Partial: most tasks of an API project have no batch and need no entry here.
        Index(
            "ix_tasks_batch_status",
            "batch_id",
            "status",
            sqlite_where=text("batch_id IS NOT NULL"),
            postgresql_where=text("batch_id IS NOT NULL"),
        ),
    )

    # 24 hex digits, time-ordered like Scale's ids: the newest-first listing orders by id.
    id: Mapped[str] = mapped_column(String(24), primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("batches.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(20), default=TaskStatus.pending)
    params: Mapped[dict[str, Any]] = mapped_column()
    # The values of `params`, what the task browser's text search reads (quorum.db.search);
    # on PostgreSQL a trigram index serves it (migration 0013, not declared here: SQLite has
    # none).
    search_text: Mapped[str | None] = mapped_column(Text)
    # What an import changed in the record's data, `[{field, change}]` (quorum.formats.cleaning).
    import_changes: Mapped[list[Any] | None] = mapped_column()
    param_version: Mapped[int] = mapped_column(Integer, default=0)
    instruction: Mapped[str | None] = mapped_column(Text)
    unique_id: Mapped[str | None] = mapped_column(String(400))
    metadata_: Mapped[dict[str, Any]] = mapped_column("metadata", default=dict)
    priority: Mapped[int] = mapped_column(Integer, default=0)
    # The Studio order of the task's batch, served ahead of `priority` (0: not ordered); kept
    # apart so that ordering batches never touches the priorities the requester set.
    batch_priority: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    callback_url: Mapped[str | None] = mapped_column(Text)
    # Scale's flag: true once a callback was answered 2xx, false once one finally failed.
    callback_succeeded: Mapped[bool | None] = mapped_column(Boolean)
    is_gold: Mapped[bool] = mapped_column(Boolean, default=False)
    # Queue state: answers the task should get now (grows under adaptive overlap), answers in,
    # live leases; `held` while its batch is in staging; `al_score` set by active learning.
    needed: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    answered: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    active: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    held: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    al_score: Mapped[float] = mapped_column(Float, default=0.0, server_default="0")
    response: Mapped[dict[str, Any] | None] = mapped_column()
    confidence: Mapped[float | None] = mapped_column(Float)
    low_confidence: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    review_status: Mapped[str | None] = mapped_column(String(20))
    rejections: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    completed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


# Where a task's events go: its own URL, else its batch's, else its project's (a query using it
# joins the task's project and outer-joins its batch); a batch's events: the batch's, else the
# project's.
TASK_CALLBACK_URL = func.coalesce(
    Task.__table__.c.callback_url, Batch.__table__.c.callback_url, Project.__table__.c.callback_url
)
BATCH_CALLBACK_URL = func.coalesce(Batch.__table__.c.callback_url, Project.__table__.c.callback_url)


class TaskTag(Base):
    __tablename__ = "task_tags"
    __table_args__ = (Index("ix_task_tags_tag", "tag", "task_id"),)

    task_id: Mapped[str] = mapped_column(
        ForeignKey("tasks.id", ondelete="CASCADE"), primary_key=True
    )
    tag: Mapped[str] = mapped_column(String(200), primary_key=True)


class GoldAnswer(Base):
    """The expected response of a gold task; read only by the quality engine and managers."""

    __tablename__ = "gold_answers"

    task_id: Mapped[str] = mapped_column(
        ForeignKey("tasks.id", ondelete="CASCADE"), primary_key=True
    )
    expected_response: Mapped[dict[str, Any]] = mapped_column()


class Annotation(Base):
    """One annotator's answer to one task."""

    __tablename__ = "annotations"
    __table_args__ = (
        Index("ix_annotations_task", "task_id", "id"),
        # An annotator's answers; the task browser lists the tasks one answered.
        Index("ix_annotations_user_task", "user_id", "task_id"),
        # An annotator's answers newest first: the one they may still correct.
        Index("ix_annotations_user_newest", "user_id", "id"),
    )

    id: Mapped[int] = mapped_column(PkType, primary_key=True)
    task_id: Mapped[str] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    assignment_id: Mapped[int | None] = mapped_column(
        ForeignKey("assignments.id", ondelete="SET NULL")
    )
    response: Mapped[dict[str, Any]] = mapped_column()
    time_spent_s: Mapped[float | None] = mapped_column(Float)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class Correction(Base):
    """An annotator's answer as it was before they corrected it (quorum.services.labeling.
    corrections); the task's history shows it, and whether the task went to review for it."""

    __tablename__ = "corrections"
    __table_args__ = (Index("ix_corrections_task", "task_id", "id"),)

    id: Mapped[int] = mapped_column(PkType, primary_key=True)
    annotation_id: Mapped[int] = mapped_column(ForeignKey("annotations.id", ondelete="CASCADE"))
    task_id: Mapped[str] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    previous_response: Mapped[dict[str, Any]] = mapped_column()
    sent_to_review: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class Assignment(Base):
    """A task handed to one annotator: a lease until submitted, skipped, released or expired.

    One row per (task, annotator) ever: that uniqueness is what keeps anyone from answering a
    task twice, whatever the concurrency.
    """

    __tablename__ = "assignments"
    __table_args__ = (
        UniqueConstraint("task_id", "user_id"),
        Index("ix_assignments_leases", "project_id", "status", "lease_expires_at"),
        Index("ix_assignments_user", "user_id", "status"),
    )

    id: Mapped[int] = mapped_column(PkType, primary_key=True)
    task_id: Mapped[str] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"))
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(20), default=AssignmentStatus.active)
    is_gold: Mapped[bool] = mapped_column(Boolean, default=False)
    leased_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    lease_expires_at: Mapped[dt.datetime] = mapped_column(DateTime)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    skip_reason: Mapped[str | None] = mapped_column(Text)


# Assignment statuses that hold one of the task's slots (counted in `tasks.active`): a live
# lease, or one its annotator released and may take back until the lease ends.
HOLDING = (AssignmentStatus.active, AssignmentStatus.released)


class Audit(Base):
    """A reviewer's or the requester's verdict on a completed task; the task's history."""

    __tablename__ = "audits"
    __table_args__ = (Index("ix_audits_task", "task_id", "id"),)

    id: Mapped[int] = mapped_column(PkType, primary_key=True)
    task_id: Mapped[str] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    source: Mapped[str] = mapped_column(String(20))  # reviewer | customer
    result: Mapped[str] = mapped_column(String(20))  # accepted | rejected | fixed
    comment: Mapped[str | None] = mapped_column(Text)
    previous_response: Mapped[dict[str, Any] | None] = mapped_column()
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class ProjectAnnotator(Base):
    """One annotator's record in one project: what they were served and answered, their gold
    score, model skill, spammer score, and whether they are blocked."""

    __tablename__ = "project_annotators"

    project_id: Mapped[int] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    # The counters start at zero in the database itself: the loop's first claim inserts the
    # record on the driver's cursor, naming only what it knows.
    served: Mapped[int] = mapped_column(Integer, server_default="0")
    gold_served: Mapped[int] = mapped_column(Integer, server_default="0")
    # The last gold task served past the qualification: the next comes after it in id order.
    gold_after: Mapped[str | None] = mapped_column(String(24))
    answered: Mapped[int] = mapped_column(Integer, server_default="0")
    skipped: Mapped[int] = mapped_column(Integer, server_default="0")
    gold_answered: Mapped[int] = mapped_column(Integer, server_default="0")
    gold_correct: Mapped[float] = mapped_column(Float, server_default="0")
    # The gold record as the annotator is shown it: copied from the two above every
    # `gold.SHOWN_EVERY` answers, so that no single answer can be seen to move it.
    shown_gold_answered: Mapped[int] = mapped_column(Integer, server_default="0")
    shown_gold_correct: Mapped[float] = mapped_column(Float, server_default="0")
    time_spent_s: Mapped[float] = mapped_column(Float, server_default="0")
    skill: Mapped[float | None] = mapped_column(Float)
    spammer_score: Mapped[float | None] = mapped_column(Float)
    blocked: Mapped[bool] = mapped_column(Boolean, server_default=false())
    blocked_reason: Mapped[str | None] = mapped_column(Text)
    blocked_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class Job(Base):
    """A durable background job (also the outbox of callback events): see quorum.jobs.

    `run_at` is when the job next needs a worker: for a queued job when it is due, for a
    running one when its lease runs out and any worker may take it over.
    """

    __tablename__ = "jobs"
    __table_args__ = (
        # Partial: finished jobs pile up and must not slow the claim down.
        Index(
            "ix_jobs_due",
            "run_at",
            sqlite_where=text("status IN ('queued', 'running')"),
            postgresql_where=text("status IN ('queued', 'running')"),
        ),
        # Retention deletes finished jobs by age; the few failed ones are listed for operators.
        Index(
            "ix_jobs_finished",
            "finished_at",
            sqlite_where=text("status IN ('succeeded', 'failed')"),
            postgresql_where=text("status IN ('succeeded', 'failed')"),
        ),
        Index(
            "ix_jobs_failed",
            "id",
            sqlite_where=text("status = 'failed'"),
            postgresql_where=text("status = 'failed'"),
        ),
        # At most one queued job per key: a periodic chain stays single with many workers.
        Index(
            "ux_jobs_queued_key",
            "unique_key",
            unique=True,
            sqlite_where=text("status = 'queued'"),
            postgresql_where=text("status = 'queued'"),
        ),
        # A task's callbacks, for its history; most jobs are about no task.
        Index(
            "ix_jobs_task",
            "task_id",
            sqlite_where=text("task_id IS NOT NULL"),
            postgresql_where=text("task_id IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(PkType, primary_key=True)
    kind: Mapped[str] = mapped_column(String(100))
    unique_key: Mapped[str | None] = mapped_column(String(200))
    # The task a job is about (a task's callback), so a task's jobs are found by an index
    # rather than by reading every payload; no foreign key: the record outlives the task.
    task_id: Mapped[str | None] = mapped_column(String(24))
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    status: Mapped[str] = mapped_column(String(20), default="queued")
    run_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    # Claims so far; also the fencing token that keeps a worker who lost its lease out.
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    locked_by: Mapped[str | None] = mapped_column(String(200))
    progress: Mapped[float | None] = mapped_column(Float)
    progress_message: Mapped[str | None] = mapped_column(Text)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class Export(Base):
    """A project's export run as a background job into a stored file (quorum.services.exports.
    export_jobs): what it carries, how far it got, and the file once it is whole. Whether it is
    queued, running or failed is its job's state (`job_id`; no foreign key: the two are deleted
    together by retention)."""

    __tablename__ = "exports"
    __table_args__ = (Index("ix_exports_project", "project_id", "id"),)

    id: Mapped[int] = mapped_column(PkType, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    job_id: Mapped[int | None] = mapped_column(PkType)
    format: Mapped[str] = mapped_column(String(50))
    # The tasks it carries: quorum.services.exports.export.Selection's fields.
    selection: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # A name, not a foreign key: the record outlives its requester's account.
    requested_by: Mapped[str | None] = mapped_column(String(200))
    tasks_total: Mapped[int | None] = mapped_column(Integer)
    tasks_done: Mapped[int] = mapped_column(Integer, default=0)
    size: Mapped[int | None] = mapped_column(BigInteger)
    sha256: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    # Set once the file is whole in the store: only then is it offered for download.
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class StoredFile(Base):
    """A file uploaded or imported through Scale's `files` API, kept under the data directory.

    Who may read it: its uploader, managers, and members of a project linked to it (named at
    upload or using it as an attachment).
    """

    __tablename__ = "files"

    id: Mapped[str] = mapped_column(String(24), primary_key=True)
    uploaded_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    filename: Mapped[str] = mapped_column(String(400))
    mime_type: Mapped[str] = mapped_column(String(200))
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    source_url: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class FileProject(Base):
    __tablename__ = "file_projects"

    file_id: Mapped[str] = mapped_column(
        ForeignKey("files.id", ondelete="CASCADE"), primary_key=True
    )
    project_id: Mapped[int] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True, index=True
    )
