"""The migrations build exactly the schema the models describe, and downgrade cleanly."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from quorum.db.migrate import alembic_config
from quorum.db.models import Base

# Alembic cannot compare indexes on expressions (`priority DESC`); the queue index is checked
# by the claim tests using it instead.
EXPRESSION_INDEXES = {"ix_tasks_queue"}


def _include(obj, name, type_, reflected, compare_to):
    return not (type_ == "index" and name in EXPRESSION_INDEXES)


def _diff(db):
    with db.engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "include_object": _include}
        )
        return compare_metadata(context, Base.metadata)


def test_migrated_schema_matches_models(db):
    assert _diff(db) == []


def test_downgrade_to_the_start_and_up_again(db):
    cfg = alembic_config()
    with db.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "base")
    with db.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
    assert _diff(db) == []
