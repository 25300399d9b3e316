"""Scale-compatible API: stored files, the projects using them, Studio batch priorities,
the Scale type of a project

Revision ID: 0004
Revises: 0003
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PK = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "files",
        sa.Column("id", sa.String(length=24), nullable=False),
        sa.Column("uploaded_by", PK, nullable=True),
        sa.Column("filename", sa.String(length=400), nullable=False),
        sa.Column("mime_type", sa.String(length=200), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("source_url", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["uploaded_by"], ["users.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "file_projects",
        sa.Column("file_id", sa.String(length=24), nullable=False),
        sa.Column("project_id", PK, nullable=False),
        sa.ForeignKeyConstraint(["file_id"], ["files.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["project_id"], ["projects.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("file_id", "project_id"),
    )
    op.create_index("ix_file_projects_project_id", "file_projects", ["project_id"])
    # Plain ALTER TABLE: rebuilding a referenced table on SQLite would cascade deletes.
    op.add_column("batches", sa.Column("studio_priority", sa.Integer(), nullable=True))
    op.add_column("projects", sa.Column("scale_type", sa.String(length=50), nullable=True))


def downgrade() -> None:
    # Native DROP COLUMN (SQLite 3.35+): a batch rebuild would cascade deletes.
    op.execute("ALTER TABLE projects DROP COLUMN scale_type")
    op.execute("ALTER TABLE batches DROP COLUMN studio_priority")
    op.drop_index("ix_file_projects_project_id", table_name="file_projects")
    op.drop_table("file_projects")
    op.drop_table("files")
