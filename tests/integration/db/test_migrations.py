"""The migrations build exactly the schema the models describe, downgrade cleanly, and bring
stored data up to date."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import column, select, table, text

from quorum.db.migrate import (
    MIGRATIONS_DIR,
    alembic_config,
    current_revision,
    has_schema,
    head_revision,
    upgrade,
)
from quorum.db.models import Base, Job, JsonType, Project, ProjectAnnotator, Task
from quorum.services.accounts import users
from quorum.services.projects import catalog
from quorum.services.projects.policy import QualityPolicy
from quorum.services.tasks import creation

# Alembic cannot compare indexes on expressions (`priority DESC`) or PostgreSQL's own (the
# trigram index of text search, which the models leave out); the claim tests check the queue
# index by using it, and the test of text search below the trigram one.
EXPRESSION_INDEXES = {"ix_tasks_queue", "ix_tasks_search_trgm"}
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


def test_has_schema_says_whether_a_migration_ran_and_creates_nothing(db, db_url, tmp_path):
    assert has_schema(db_url)
    cfg = alembic_config()
    with db.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "base")
    assert not has_schema(db_url)
    with db.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
    assert has_schema(db_url)
    missing = tmp_path / "nowhere" / "quorum.db"
    assert not has_schema(f"sqlite:///{missing}")
    assert not missing.parent.exists()


FULL_POLICY = "0009"


def test_stored_policies_get_every_field_of_the_model(db):
    """Policies stored before a field existed (or with a key the model never had) come out of
    the migrations with exactly the model's fields: their own values kept, defaults elsewhere.
    A field added to the model without a migration that fills it in fails here."""
    cfg = alembic_config()
    before = ScriptDirectory.from_config(cfg).get_revision(FULL_POLICY).down_revision
    with db.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, before)
    stored = {
        "old": {"min_overlap": 2, "max_overlap": 4, "qualification_count": 3},
        "unknown": {"gold_rate": 0.2, "no_such_field": 1},
        "empty": {},
        "full": {**QualityPolicy().model_dump(), "review_rate": 0.5},
    }
    projects = table("projects", column("name"), column("task_type"), column("policy", JsonType),
                     column("archived"), column("created_at"), column("updated_at"))  # fmt: skip
    now = dt.datetime(2026, 1, 1)
    with db.engine.begin() as conn:
        conn.execute(projects.insert(), [
            {"name": name, "task_type": "categorization", "policy": policy, "archived": False,
             "created_at": now, "updated_at": now}
            for name, policy in stored.items()
        ])  # fmt: skip
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
    with db.session() as session:
        found = {p.name: p.policy for p in session.scalars(select(Project))}
    defaults = QualityPolicy().model_dump()
    assert found == {
        "old": {**defaults, "min_overlap": 2, "max_overlap": 4, "qualification_count": 3},
        "unknown": {**defaults, "gold_rate": 0.2},
        "empty": defaults,
        "full": {**defaults, "review_rate": 0.5},
    }


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


def test_stored_task_callbacks_get_their_task_id(db):
    """Callback jobs queued before the column existed name their task in it after the
    migration, so the task's history still finds them; other jobs name none."""
    cfg = alembic_config()
    with db.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0011")
    jobs = table("jobs", column("kind"), column("payload", JsonType), column("status"),
                 column("run_at"), column("attempts"), column("created_at"),
                 column("updated_at"))  # fmt: skip
    now = dt.datetime(2026, 1, 1)
    payloads = {
        "callback.task": {"task_id": "a" * 24, "event": "completed", "url": "https://x.test/"},
        "callback.batch": {"batch_id": 1, "url": "https://x.test/"},
    }
    with db.engine.begin() as conn:
        conn.execute(jobs.insert(), [
            {"kind": kind, "payload": payload, "status": "succeeded", "run_at": now,
             "attempts": 1, "created_at": now, "updated_at": now}
            for kind, payload in payloads.items()
        ])  # fmt: skip
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
    with db.session() as session:
        found = dict(session.execute(select(Job.kind, Job.task_id)).tuples().all())
    assert found == {"callback.task": "a" * 24, "callback.batch": None}


def test_stored_tasks_are_searched_by_their_values(db, client, accounts):
    """Tasks stored before `search_text` existed get it from their params' values, keys left
    out; on PostgreSQL a trigram index serves the search."""
    cfg = alembic_config()
    with db.session(write=True) as s:
        catalog.create_project(s, "p", "categorization", params={"categories": ["a", "b"]})
        [task_id] = creation.create_tasks(s, "p", [{"attachment": "A Grey TABBY, 3 years"}])
    with db.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0012")
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
    with db.session() as session:
        stored = session.scalar(select(Task.search_text).where(Task.id == task_id))
    assert sorted(stored.splitlines()) == sorted(["a grey tabby, 3 years", "text", "a", "b"])
    headers = accounts["manager"].headers
    found = client.get("/api/tasks", params={"text": "grey tabby"}, headers=headers).json()
    assert [t["task_id"] for t in found["docs"]] == [task_id]
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect() as conn:
            conn.exec_driver_sql("SET enable_seqscan = off")
            plan = conn.execute(
                text("EXPLAIN SELECT id FROM tasks WHERE search_text LIKE :words"),
                {"words": "%tabby%"},
            ).scalars()
            assert "ix_tasks_search_trgm" in "\n".join(plan)


def test_the_newest_file_names_alembics_head_and_a_current_database_needs_no_alembic(db, db_url):
    """`head_revision` reads the file names: each file is named for its revision, one after
    the other. `upgrade` leaves a database at the head alone, without importing Alembic, and
    brings one behind it up."""
    scripts = ScriptDirectory.from_config(alembic_config())
    revisions = {s.revision: s for s in scripts.walk_revisions()}
    for path in (MIGRATIONS_DIR / "versions").glob("[0-9]*.py"):
        number = path.name.split("_", 1)[0]
        assert revisions[number].path == str(path)
        previous = f"{int(number) - 1:04d}"
        assert revisions[number].down_revision == (previous if previous in revisions else None)
    assert len(revisions) == len(list((MIGRATIONS_DIR / "versions").glob("[0-9]*.py")))
    assert head_revision() == scripts.get_current_head()
    probe = (
        "import sys; from quorum.db.engine import Database; from quorum.db.migrate import upgrade;"
        f" upgrade(Database({db_url!r}).engine); assert 'alembic' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", probe], check=True, timeout=60)
    cfg = alembic_config()
    with db.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "-1")
    with db.engine.connect() as conn:
        assert current_revision(conn) != head_revision()
    upgrade(db.engine)
    with db.engine.connect() as conn:
        assert current_revision(conn) == head_revision()
