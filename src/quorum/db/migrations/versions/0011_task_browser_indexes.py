"""indexes of the task browser

The manager's task browser sorts a project's tasks by completion time and by confidence (the
tasks that have one) and lists the tasks an annotator answered; each gets an index that serves
its first page without a sort. The annotator index takes the place of the one on `user_id`
alone, which it covers.

Revision ID: 0011
Revises: 0010
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SORTED = ("completed_at", "confidence")


def upgrade() -> None:
    for column in SORTED:
        has_value = sa.text(f"{column} IS NOT NULL")
        op.create_index(
            f"ix_tasks_project_{column.removesuffix('_at')}",
            "tasks",
            ["project_id", column, "id"],
            sqlite_where=has_value,
            postgresql_where=has_value,
        )
    op.create_index("ix_annotations_user_task", "annotations", ["user_id", "task_id"])
    op.drop_index("ix_annotations_user_id", table_name="annotations")


def downgrade() -> None:
    op.create_index("ix_annotations_user_id", "annotations", ["user_id"])
    op.drop_index("ix_annotations_user_task", table_name="annotations")
    for column in SORTED:
        op.drop_index(f"ix_tasks_project_{column.removesuffix('_at')}", table_name="tasks")
