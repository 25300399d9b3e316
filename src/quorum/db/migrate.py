"""Alembic migrations shipped inside the package: `quorum db upgrade` and server start use them.

Each migration file is named for its revision (`0011_….py` is revision "0011", following
"0010"), so the newest revision is known from the file names and a database already at it
needs no Alembic: the command line's local commands skip its import (0.05 s) on every run.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, inspect, text
from sqlalchemy.engine import make_url

from quorum.db.engine import make_engine

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
VERSION_TABLE = "alembic_version"


def alembic_config(url: str | None = None) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    if url:
        cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def head_revision() -> str:
    """The newest revision: the number that names the newest migration file."""
    return max(p.name.split("_", 1)[0] for p in (MIGRATIONS_DIR / "versions").glob("[0-9]*.py"))


def current_revision(connection: Connection) -> str | None:
    """The revision Alembic recorded in the database; None before the first migration (or
    after a downgrade to the start)."""
    if not inspect(connection).has_table(VERSION_TABLE):
        return None
    return connection.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalar()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the database behind `engine` to `revision`."""
    with engine.begin() as connection:
        if revision == "head" and current_revision(connection) == head_revision():
            return
        from alembic import command

        cfg = alembic_config()
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, revision)


def has_schema(url: str) -> bool:
    """Whether the database at `url` exists and has been migrated at least once. Asking does
    not create it: a missing SQLite file stays missing."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and not (
        parsed.database and parsed.database != ":memory:" and Path(parsed.database).is_file()
    ):
        return False
    engine = make_engine(url, pool_size=1)
    try:
        with engine.connect() as connection:
            return current_revision(connection) is not None
    finally:
        engine.dispose()
