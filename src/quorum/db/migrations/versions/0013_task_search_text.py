"""the values of a task's data, searched by the task browser

Text search read each task's params as JSON text, keys included ("cat" found every task with
`categories`), and on PostgreSQL a rare word meant reading every task of the project. Each task
now keeps the values of its params, lower-cased, in `search_text` (filled here for stored
tasks, by quorum.db.search at creation); on PostgreSQL a trigram index (pg_trgm, in the
contrib package every Debian PostgreSQL ships) finds the few tasks holding a word. The
extension goes into `public`, so that one installation serves every schema; where it cannot
be created (no right to), the search works without the index, slower on large projects.

Revision ID: 0013
Revises: 0012
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from quorum.db.search import search_text

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CHUNK = 2000
TRIGRAM_INDEX = "ix_tasks_search_trgm"


def upgrade() -> None:
    op.add_column("tasks", sa.Column("search_text", sa.Text(), nullable=True))
    _fill()
    if op.get_bind().dialect.name == "postgresql":
        _trigram_index()


def _fill() -> None:
    conn = op.get_bind()
    params = sa.column("params", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"))
    tasks = sa.table("tasks", sa.column("id"), params, sa.column("search_text"))
    change = (
        tasks.update()
        .where(tasks.c.id == sa.bindparam("tid"))
        .values(search_text=sa.bindparam("text"))
    )
    last = ""
    while True:
        rows = conn.execute(
            sa.select(tasks.c.id, tasks.c.params)
            .where(tasks.c.id > last)
            .order_by(tasks.c.id)
            .limit(CHUNK)
        ).all()
        if not rows:
            return
        conn.execute(change, [{"tid": r.id, "text": search_text(r.params)} for r in rows])
        last = rows[-1].id


def _trigram_index() -> None:
    conn = op.get_bind()
    try:
        with conn.begin_nested():
            conn.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public")
    except sa.exc.DBAPIError:
        pass  # not allowed here, or another migration created it at the same moment
    schema = conn.exec_driver_sql(
        "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace"
        " WHERE e.extname = 'pg_trgm'"
    ).scalar()
    if schema is None:
        return
    op.execute(
        f'CREATE INDEX {TRIGRAM_INDEX} ON tasks USING gin (search_text "{schema}".gin_trgm_ops)'
    )


def downgrade() -> None:
    op.execute(f"DROP INDEX IF EXISTS {TRIGRAM_INDEX}")
    with op.batch_alter_table("tasks") as batch_op:
        batch_op.drop_column("search_text")
