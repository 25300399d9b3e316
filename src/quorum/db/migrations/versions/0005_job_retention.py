"""job retention

Indexes for deleting finished jobs by age and listing failed ones, and `jobs.unique_key` with a
unique index over queued jobs, which keeps a periodic job chain single.

Revision ID: 0005
Revises: 0004
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FINISHED = sa.text("status IN ('succeeded', 'failed')")
FAILED = sa.text("status = 'failed'")
QUEUED = sa.text("status = 'queued'")


def upgrade() -> None:
    op.add_column("jobs", sa.Column("unique_key", sa.String(length=200), nullable=True))
    op.create_index(
        "ix_jobs_finished",
        "jobs",
        ["finished_at"],
        sqlite_where=FINISHED,
        postgresql_where=FINISHED,
    )
    op.create_index("ix_jobs_failed", "jobs", ["id"], sqlite_where=FAILED, postgresql_where=FAILED)
    op.create_index(
        "ux_jobs_queued_key",
        "jobs",
        ["unique_key"],
        unique=True,
        sqlite_where=QUEUED,
        postgresql_where=QUEUED,
    )


def downgrade() -> None:
    op.drop_index("ux_jobs_queued_key", table_name="jobs")
    op.drop_index("ix_jobs_failed", table_name="jobs")
    op.drop_index("ix_jobs_finished", table_name="jobs")
    op.execute("ALTER TABLE jobs DROP COLUMN unique_key")
