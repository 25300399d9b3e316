"""the task a job is about, in an indexed column

A task's page lists the callbacks sent about it. Found by the `task_id` in each job's JSON
payload, that read every job; the id now has a column of its own, filled when a task's callback
is queued, with a partial index over the jobs that name a task. Stored callback jobs get theirs
from their payload.

Revision ID: 0012
Revises: 0011
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TASK_CALLBACK = "callback.task"  # quorum.services.callbacks.outbox, as it was at this revision


def upgrade() -> None:
    op.add_column("jobs", sa.Column("task_id", sa.String(24), nullable=True))
    payload = sa.column("payload", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"))
    jobs = sa.table("jobs", sa.column("kind"), sa.column("task_id"), payload)
    op.execute(
        jobs.update()
        .where(jobs.c.kind == TASK_CALLBACK)
        .values(task_id=jobs.c.payload["task_id"].as_string())
    )
    has_task = sa.text("task_id IS NOT NULL")
    op.create_index(
        "ix_jobs_task", "jobs", ["task_id"], sqlite_where=has_task, postgresql_where=has_task
    )


def downgrade() -> None:
    op.drop_index("ix_jobs_task", table_name="jobs")
    with op.batch_alter_table("jobs") as batch_op:
        batch_op.drop_column("task_id")
