"""corrections of an annotator's previous answer

An annotator may correct their most recent answer in a project for a while; the answer is
replaced and its former response kept here, so the task's history shows the correction. Finding
that newest answer walks an annotator's answers newest first along `ix_annotations_user_newest`
(without it, every answer they ever gave is read and sorted).

Revision ID: 0014
Revises: 0013
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "corrections",
        sa.Column("id", _ID, nullable=False),
        sa.Column("annotation_id", _ID, nullable=False),
        sa.Column("task_id", sa.String(length=24), nullable=False),
        sa.Column("user_id", _ID, nullable=False),
        sa.Column(
            "previous_response",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("sent_to_review", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["annotation_id"], ["annotations.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["task_id"], ["tasks.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_corrections_task", "corrections", ["task_id", "id"])
    op.create_index("ix_annotations_user_newest", "annotations", ["user_id", "id"])


def downgrade() -> None:
    op.drop_index("ix_annotations_user_newest", table_name="annotations")
    op.drop_index("ix_corrections_task", table_name="corrections")
    op.drop_table("corrections")
