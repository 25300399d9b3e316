"""The migrations build exactly the schema the models describe, and downgrade cleanly."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import select, text

from quorum.db.migrate import alembic_config
from quorum.db.models import Base, ProjectAnnotator
from quorum.services.accounts import users
from quorum.services.projects import catalog

# Alembic cannot compare indexes on expressions (`priority DESC`); the queue index is checked
# by the claim tests using it instead.
EXPRESSION_INDEXES = {"ix_tasks_queue"}
COUNTERS = (
    "served", "gold_served", "answered", "skipped", "gold_answered", "gold_correct",
    "shown_gold_answered", "shown_gold_correct", "time_spent_s",
)  # fmt: skip


def _include(obj, name, type_, reflected, compare_to):
    return not (type_ == "index" and name in EXPRESSION_INDEXES)


def _diff(db):
    with db.engine.connect() as conn:
        context = MigrationContext.configure(
            conn,
            opts={"compare_type": True, "compare_server_default": True, "include_object": _include},
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


def test_an_annotator_record_starts_from_the_servers_defaults(db):
    """The loop inserts a record naming only what it knows; the rest is the schema's."""
    with db.session(write=True) as s:
        catalog.create_project(s, "p", "categorization", params={"categories": ["a", "b"]})
        users.create_user(s, "w", "annotator")
        s.execute(
            text(
                "INSERT INTO project_annotators (project_id, user_id)"
                " SELECT p.id, u.id FROM projects p, users u"
            )
        )
        record = s.scalars(select(ProjectAnnotator)).one()
        counters = [getattr(record, name) for name in COUNTERS]
        assert counters == [0] * len(COUNTERS) and record.blocked is False
        assert (record.gold_after, record.skill, record.blocked_reason) == (None, None, None)
