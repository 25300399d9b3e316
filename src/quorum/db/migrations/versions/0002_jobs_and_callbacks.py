"""jobs and callbacks

The durable job table (worker queue and callback outbox), projects' default callback URL and
callback key, and tasks' `callback_succeeded`. Columns are added with ALTER TABLE on both
databases: rebuilding a referenced table on SQLite would cascade deletes into its children.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 00:10:00.000000
"""

import secrets
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DUE = sa.text("status IN ('queued', 'running')")


def upgrade() -> None:
    op.create_table(
        "jobs",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("kind", sa.String(length=100), nullable=False),
        sa.Column(
            "payload",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("run_at", sa.DateTime(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("locked_by", sa.String(length=200), nullable=True),
        sa.Column("progress", sa.Float(), nullable=True),
        sa.Column("progress_message", sa.Text(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("jobs", schema=None) as batch_op:
        batch_op.create_index(
            "ix_jobs_due", ["run_at"], unique=False, sqlite_where=DUE, postgresql_where=DUE
        )

    with op.batch_alter_table("projects", schema=None) as batch_op:
        batch_op.add_column(sa.Column("callback_url", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("callback_key", sa.String(length=64), nullable=True))

    with op.batch_alter_table("tasks", schema=None) as batch_op:
        batch_op.add_column(sa.Column("callback_succeeded", sa.Boolean(), nullable=True))

    # Every existing project gets its own random callback key.
    projects = sa.table("projects", sa.column("id"), sa.column("callback_key"))
    connection = op.get_bind()
    for (project_id,) in connection.execute(sa.select(projects.c.id)).all():
        connection.execute(
            projects.update()
            .where(projects.c.id == project_id)
            .values(callback_key=secrets.token_urlsafe(32))
        )


def downgrade() -> None:
    # Native DROP COLUMN (SQLite 3.35+): a batch rebuild of `tasks` would cascade deletes.
    op.execute("ALTER TABLE tasks DROP COLUMN callback_succeeded")
    op.execute("ALTER TABLE projects DROP COLUMN callback_key")
    op.execute("ALTER TABLE projects DROP COLUMN callback_url")
    with op.batch_alter_table("jobs", schema=None) as batch_op:
        batch_op.drop_index("ix_jobs_due", sqlite_where=DUE, postgresql_where=DUE)

    op.drop_table("jobs")
