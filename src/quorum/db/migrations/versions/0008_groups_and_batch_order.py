"""Studio project groups and batch routing; the Studio batch order as its own queue key

Revision ID: 0008
Revises: 0007

Until now the Studio batch order was written over the tasks' own `priority`. It moves to
`tasks.batch_priority`, served ahead of `priority`; tasks of batches ordered before this
migration get their batch's place there (the priorities already overwritten cannot be restored).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PK = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
QUEUE_PREDICATE = "status = 'pending' AND NOT held AND NOT is_gold"


def upgrade() -> None:
    op.create_table(
        "project_groups",
        sa.Column("id", PK, nullable=False),
        sa.Column("project_id", PK, nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["project_id"], ["projects.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("project_id", "name"),
    )
    op.create_table(
        "project_group_members",
        sa.Column("group_id", PK, nullable=False),
        sa.Column("user_id", PK, autoincrement=False, nullable=False),
        sa.Column("project_id", PK, nullable=False),
        sa.ForeignKeyConstraint(["group_id"], ["project_groups.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["project_id", "user_id"],
            ["project_members.project_id", "project_members.user_id"],
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("group_id", "user_id"),
    )
    op.create_index(
        "ix_project_group_members_user", "project_group_members", ["user_id", "group_id"]
    )
    op.create_table(
        "batch_groups",
        sa.Column("batch_id", PK, nullable=False),
        sa.Column("group_id", PK, nullable=False),
        sa.ForeignKeyConstraint(["batch_id"], ["batches.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["group_id"], ["project_groups.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("batch_id", "group_id"),
    )
    op.create_index("ix_batch_groups_group", "batch_groups", ["group_id", "batch_id"])

    # Plain ALTER TABLE: rebuilding a referenced table on SQLite would cascade deletes.
    op.add_column(
        "tasks", sa.Column("batch_priority", sa.Integer(), server_default="0", nullable=False)
    )
    op.execute("""
        UPDATE tasks SET batch_priority = (
            SELECT (SELECT COUNT(*) FROM batches o WHERE o.studio_priority IS NOT NULL)
                   - b.studio_priority + 1
            FROM batches b WHERE b.id = tasks.batch_id)
        WHERE batch_id IN (SELECT id FROM batches WHERE studio_priority IS NOT NULL)""")
    op.drop_index("ix_tasks_queue", table_name="tasks")
    _queue_index(["batch_priority DESC", "priority DESC", "al_score DESC"])


def _queue_index(order: list[str]) -> None:
    op.create_index(
        "ix_tasks_queue",
        "tasks",
        ["project_id", *map(sa.text, order), "id"],
        sqlite_where=sa.text(QUEUE_PREDICATE),
        postgresql_where=sa.text(QUEUE_PREDICATE),
    )


def downgrade() -> None:
    op.drop_index("ix_tasks_queue", table_name="tasks")
    _queue_index(["priority DESC", "al_score DESC"])
    # Native DROP COLUMN (SQLite 3.35+): a batch rebuild would cascade deletes.
    op.execute("ALTER TABLE tasks DROP COLUMN batch_priority")
    op.drop_index("ix_batch_groups_group", table_name="batch_groups")
    op.drop_table("batch_groups")
    op.drop_index("ix_project_group_members_user", table_name="project_group_members")
    op.drop_table("project_group_members")
    op.drop_table("project_groups")
