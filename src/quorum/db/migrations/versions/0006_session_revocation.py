"""Server-side ends of browser sessions: revoked session ids, and a per-user cut-off time

Revision ID: 0006
Revises: 0005
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PK = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "revoked_sessions",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("user_id", PK, nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    # Plain ALTER TABLE: rebuilding a referenced table on SQLite would cascade deletes.
    op.add_column("users", sa.Column("sessions_not_before", sa.DateTime(), nullable=True))


def downgrade() -> None:
    # Native DROP COLUMN (SQLite 3.35+): a batch rebuild would cascade deletes.
    op.execute("ALTER TABLE users DROP COLUMN sessions_not_before")
    op.drop_table("revoked_sessions")
