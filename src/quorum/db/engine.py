"""Engines and sessions for the embedded SQLite default and for PostgreSQL.

SQLite runs in WAL mode with a busy timeout. Its driver's own transaction handling is turned
off so that write transactions start with BEGIN IMMEDIATE: a writer takes the write lock up
front instead of failing with "database is locked" when it upgrades a read snapshot. Writers of
one process also queue on an in-process lock before BEGIN IMMEDIATE, handed over the moment
the previous writer's COMMIT returns: SQLite's own busy handler sleeps and polls, which under
many concurrent writers turns milliseconds of work into long tails.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import orjson
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

SQLITE_BUSY_TIMEOUT_MS = 30_000
# Page cache per connection: bulk inserts touch four B-trees and thrash the 2 MB default.
SQLITE_CACHE_KIB = 65_536


def _json_dumps(value: object) -> str:
    return orjson.dumps(value).decode()


def make_engine(url: str, *, pool_size: int = 10) -> Engine:
    """Create an engine for `url`; SQLite files get their directory created."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(url, parsed.database)
    if parsed.get_backend_name() == "postgresql" and parsed.drivername == "postgresql":
        url = parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    return create_engine(
        url,
        json_serializer=_json_dumps,
        json_deserializer=orjson.loads,
        pool_size=pool_size,
        max_overflow=pool_size,
        pool_pre_ping=True,
    )


def _sqlite_engine(url: str, database: str | None) -> Engine:
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(
        url,
        json_serializer=_json_dumps,
        json_deserializer=orjson.loads,
        connect_args={"isolation_level": None, "check_same_thread": False, "timeout": 30},
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):  # type: ignore[no-untyped-def]
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute(f"PRAGMA cache_size=-{SQLITE_CACHE_KIB}")
        cur.close()

    gate = _WriterGate()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):  # type: ignore[no-untyped-def]
        if conn.get_execution_options().get("sqlite_immediate", False):
            gate.enter(conn.connection.dbapi_connection)
            try:
                conn.exec_driver_sql("BEGIN IMMEDIATE")
            except BaseException:
                gate.leave(conn.connection.dbapi_connection)
                raise
        else:
            conn.exec_driver_sql("BEGIN")

    dialect = engine.dialect
    commit, rollback = dialect.do_commit, dialect.do_rollback

    def do_commit(dbapi_conn):  # type: ignore[no-untyped-def]
        try:
            commit(dbapi_conn)
        finally:
            gate.leave(dbapi_conn)

    def do_rollback(dbapi_conn):  # type: ignore[no-untyped-def]
        try:
            rollback(dbapi_conn)
        finally:
            gate.leave(dbapi_conn)

    # This engine's own dialect instance: the gate opens only after the DBAPI commit returned.
    dialect.do_commit, dialect.do_rollback = do_commit, do_rollback  # type: ignore[method-assign]
    return engine


def _raw(connection: object) -> object:
    """The driver's connection behind a pool proxy (the dialect gets either)."""
    return getattr(connection, "dbapi_connection", connection)


class _WriterGate:
    """One SQLite writer at a time in this process, in arrival order. Waiting is bounded by the
    busy timeout; past it the writer goes on and SQLite's own locking decides."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._holder: object | None = None

    def enter(self, dbapi_conn: object) -> None:
        if self._lock.acquire(timeout=SQLITE_BUSY_TIMEOUT_MS / 1000):
            self._holder = _raw(dbapi_conn)

    def leave(self, dbapi_conn: object) -> None:
        if self._holder is _raw(dbapi_conn):
            self._holder = None
            self._lock.release()


class Database:
    """An engine with a session factory for reads and one for writes."""

    def __init__(self, url: str, *, pool_size: int = 10) -> None:
        self.url = url
        self.engine = make_engine(url, pool_size=pool_size)
        self.is_sqlite = self.engine.dialect.name == "sqlite"
        write_bind = (
            self.engine.execution_options(sqlite_immediate=True) if self.is_sqlite else self.engine
        )
        self._read = sessionmaker(self.engine, expire_on_commit=False)
        self._write = sessionmaker(write_bind, expire_on_commit=False)

    def session(self, *, write: bool = False) -> Session:
        return (self._write if write else self._read)()

    @contextmanager
    def begin(self, *, write: bool = True) -> Iterator[Session]:
        """A session whose transaction commits on success and rolls back on error."""
        with self.session(write=write) as session, session.begin():
            yield session

    def dispose(self) -> None:
        self.engine.dispose()
