"""what an import changed in a task's data

An import cleans the texts of each record (encoding repaired, NFC, control characters and
stray whitespace removed) and turns EXIF-rotated images upright. Each task keeps the list of
those changes (`[{field, change}]`, null when nothing changed), and its export carries it, so
whoever trains on the data can see what differs from the file they sent.

Revision ID: 0016
Revises: 0015
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "tasks",
        sa.Column(
            "import_changes",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
    )


def downgrade() -> None:
    op.drop_column("tasks", "import_changes")
