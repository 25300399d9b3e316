"""gold cursor and the gold record as shown

Gold past the qualification is served in id order from where each annotator left off
(`project_annotators.gold_after`), over a partial index of a project's claimable gold: a gold
claim then costs what a regular claim costs, however much gold the annotator has seen. The
annotator's own statistics show a copy of their gold record refreshed every few answers
(`shown_gold_answered`, `shown_gold_correct`), so no single answer is seen to move it.

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
    for name, kind in (("shown_gold_answered", sa.Integer()), ("shown_gold_correct", sa.Float())):
        op.add_column(
            "project_annotators", sa.Column(name, kind, server_default="0", nullable=False)
        )
    op.create_index(
        "ix_tasks_gold", "tasks", ["project_id", "id"], sqlite_where=GOLD, postgresql_where=GOLD
    )


def downgrade() -> None:
    op.drop_index("ix_tasks_gold", table_name="tasks")
    # Native DROP COLUMN (SQLite 3.35+): a batch rebuild would cascade deletes.
    for name in ("gold_after", "shown_gold_answered", "shown_gold_correct"):
        op.execute(f"ALTER TABLE project_annotators DROP COLUMN {name}")
