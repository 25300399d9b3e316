"""gold cursor

Gold past the qualification is served in id order from where each annotator left off
(`project_annotators.gold_after`), over a partial index of a project's claimable gold: a gold
claim then costs what a regular claim costs, however much gold the annotator has seen.

Revision ID: 0007
Revises: 0006
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

GOLD = sa.text("status = 'pending' AND NOT held AND is_gold")


def upgrade() -> None:
    op.add_column("project_annotators", sa.Column("gold_after", sa.String(24), nullable=True))
    op.create_index(
        "ix_tasks_gold", "tasks", ["project_id", "id"], sqlite_where=GOLD, postgresql_where=GOLD
    )


def downgrade() -> None:
    op.drop_index("ix_tasks_gold", table_name="tasks")
    # Native DROP COLUMN (SQLite 3.35+): a batch rebuild would cascade deletes.
    op.execute("ALTER TABLE project_annotators DROP COLUMN gold_after")
