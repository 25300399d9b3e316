"""annotator counters start at zero in the database

The annotator loop inserts an annotator's record on the driver's cursor at their first claim,
naming only what it knows; the counters and `blocked` take the server's defaults instead of
values the statement would restate.

Revision ID: 0010
Revises: 0009
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COUNTERS = (
    ("served", sa.Integer()),
    ("gold_served", sa.Integer()),
    ("answered", sa.Integer()),
    ("skipped", sa.Integer()),
    ("gold_answered", sa.Integer()),
    ("gold_correct", sa.Float()),
    ("time_spent_s", sa.Float()),
)


def _set_defaults(zero: str | None, no: sa.ColumnElement[bool] | None) -> None:
    # On SQLite a rebuild of the table (batch mode); no table references this one.
    with op.batch_alter_table("project_annotators") as batch_op:
        for name, kind in COUNTERS:
            batch_op.alter_column(name, existing_type=kind, existing_nullable=False,
                                  server_default=zero)  # fmt: skip
        batch_op.alter_column(
            "blocked", existing_type=sa.Boolean(), existing_nullable=False, server_default=no
        )


def upgrade() -> None:
    _set_defaults("0", sa.false())


def downgrade() -> None:
    _set_defaults(None, None)
