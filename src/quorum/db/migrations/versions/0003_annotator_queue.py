"""annotator queue: assignments, per-project annotator records, task queue state

Revision ID: 0003
Revises: 0002
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PK = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
QUEUE_PREDICATE = "status = 'pending' AND NOT held AND NOT is_gold"


def upgrade() -> None:
    op.create_table(
        "assignments",
        sa.Column("id", PK, nullable=False),
        sa.Column("task_id", sa.String(length=24), nullable=False),
        sa.Column("project_id", PK, nullable=False),
        sa.Column("user_id", PK, nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("is_gold", sa.Boolean(), nullable=False),
        sa.Column("leased_at", sa.DateTime(), nullable=False),
        sa.Column("lease_expires_at", sa.DateTime(), nullable=False),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.Column("skip_reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["task_id"], ["tasks.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["project_id"], ["projects.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("task_id", "user_id"),
    )
    op.create_index(
        "ix_assignments_leases", "assignments", ["project_id", "status", "lease_expires_at"]
    )
    op.create_index("ix_assignments_user", "assignments", ["user_id", "status"])
    op.create_table(
        "audits",
        sa.Column("id", PK, nullable=False),
        sa.Column("task_id", sa.String(length=24), nullable=False),
        sa.Column("user_id", PK, nullable=True),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("result", sa.String(length=20), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("previous_response", JSON, nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["task_id"], ["tasks.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_audits_task", "audits", ["task_id", "id"])
    op.create_table(
        "project_annotators",
        sa.Column("project_id", PK, nullable=False),
        sa.Column("user_id", PK, nullable=False),
        sa.Column("served", sa.Integer(), nullable=False),
        sa.Column("gold_served", sa.Integer(), nullable=False),
        sa.Column("answered", sa.Integer(), nullable=False),
        sa.Column("skipped", sa.Integer(), nullable=False),
        sa.Column("gold_answered", sa.Integer(), nullable=False),
        sa.Column("gold_correct", sa.Float(), nullable=False),
        sa.Column("time_spent_s", sa.Float(), nullable=False),
        sa.Column("skill", sa.Float(), nullable=True),
        sa.Column("spammer_score", sa.Float(), nullable=True),
        sa.Column("blocked", sa.Boolean(), nullable=False),
        sa.Column("blocked_reason", sa.Text(), nullable=True),
        sa.Column("blocked_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["project_id"], ["projects.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("project_id", "user_id"),
    )
    # `annotations` is referenced by no table, so rebuilding it on SQLite (batch mode) is safe.
    with op.batch_alter_table("annotations") as batch_op:
        batch_op.add_column(sa.Column("assignment_id", PK, nullable=True))
        batch_op.create_foreign_key(
            "fk_annotations_assignment",
            "assignments",
            ["assignment_id"],
            ["id"],
            ondelete="SET NULL",
        )
    # Plain ALTER TABLE for `tasks`: rebuilding a referenced table on SQLite would cascade.
    for column in (
        sa.Column("needed", sa.Integer(), server_default="1", nullable=False),
        sa.Column("answered", sa.Integer(), server_default="0", nullable=False),
        sa.Column("active", sa.Integer(), server_default="0", nullable=False),
        sa.Column("held", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("al_score", sa.Float(), server_default="0", nullable=False),
        sa.Column("low_confidence", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("review_status", sa.String(length=20), nullable=True),
        sa.Column("rejections", sa.Integer(), server_default="0", nullable=False),
    ):
        op.add_column("tasks", column)
    op.create_index(
        "ix_tasks_queue",
        "tasks",
        ["project_id", sa.text("priority DESC"), sa.text("al_score DESC"), "id"],
        sqlite_where=sa.text(QUEUE_PREDICATE),
        postgresql_where=sa.text(QUEUE_PREDICATE),
    )


def downgrade() -> None:
    op.drop_index("ix_tasks_queue", table_name="tasks")
    for column in (
        "rejections",
        "review_status",
        "low_confidence",
        "al_score",
        "held",
        "active",
        "answered",
        "needed",
    ):
        op.drop_column("tasks", column)
    # `annotations` is referenced by no table, so rebuilding it on SQLite is safe.
    with op.batch_alter_table("annotations") as batch_op:
        batch_op.drop_constraint("fk_annotations_assignment", type_="foreignkey")
        batch_op.drop_column("assignment_id")
    op.drop_table("project_annotators")
    op.drop_index("ix_audits_task", table_name="audits")
    op.drop_table("audits")
    op.drop_index("ix_assignments_user", table_name="assignments")
    op.drop_index("ix_assignments_leases", table_name="assignments")
    op.drop_table("assignments")
