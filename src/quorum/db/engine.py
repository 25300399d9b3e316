"""Engines and sessions for the embedded SQLite default and for PostgreSQL.

SQLite runs in WAL mode with a busy timeout. Its driver's own transaction handling is turned
off so that write transactions start with BEGIN IMMEDIATE: a writer takes the write lock up
front instead of failing with "database is locked" when it upgrades a read snapshot. Writers
also queue on a gate before BEGIN IMMEDIATE (a lock in the process, a file lock between
processes), handed over the moment the previous writer's COMMIT returns: SQLite's own busy
handler sleeps and polls, which under many concurrent writers turns milliseconds of work into
long tails.
"""

from __future__ import annotations

import asyncio
import fcntl
import os
import sqlite3
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import anyio.to_thread
import orjson
from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

T = TypeVar("T")
SQLITE_BUSY_TIMEOUT_MS = 30_000
# Page cache per connection: bulk inserts touch four B-trees and thrash the 2 MB default.
SQLITE_CACHE_KIB = 65_536


def _json_dumps(value: object) -> str:
    return orjson.dumps(value).decode()


def make_engine(url: str, *, pool_size: int = 10, gate: _WriterGate | None = None) -> Engine:
    """Create an engine for `url`; SQLite files get their directory created, and their writers
    queue on `gate` (a gate of their own if none is given)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(url, gate or writer_gate(parsed.database))
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


def writer_gate(database: str | None) -> _WriterGate:
    """The gate of an SQLite database (in memory: for this process only); a file database gets
    its directory created."""
    if not database or database == ":memory:":
        return _WriterGate(None)
    Path(database).parent.mkdir(parents=True, exist_ok=True)
    return _WriterGate(f"{database}-writer.lock")


def _sqlite_engine(url: str, gate: _WriterGate) -> Engine:
    engine = create_engine(
        url,
        json_serializer=_json_dumps,
        json_deserializer=orjson.loads,
        connect_args={"isolation_level": None, "check_same_thread": False, "timeout": 30},
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: sqlite3.Connection, _record: object) -> None:
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute(f"PRAGMA cache_size=-{SQLITE_CACHE_KIB}")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
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

    def do_commit(dbapi_conn: Any) -> None:
        try:
            commit(dbapi_conn)
        finally:
            gate.leave(dbapi_conn)

    def do_rollback(dbapi_conn: Any) -> None:
        try:
            rollback(dbapi_conn)
        finally:
            gate.leave(dbapi_conn)

    # This engine's own dialect instance: the gate opens only after the DBAPI commit returned.
    # (Set on the instance, they are plain functions with no `self`, which the stubs cannot say.)
    dialect.do_commit = do_commit  # type: ignore[method-assign,assignment]
    dialect.do_rollback = do_rollback  # type: ignore[method-assign,assignment]
    return engine


def _raw(connection: object) -> object:
    """The driver's connection behind a pool proxy (the dialect gets either)."""
    return getattr(connection, "dbapi_connection", connection)


class _WriterGate:
    """One SQLite writer at a time, in arrival order: across this process's threads by a lock,
    across processes by an advisory lock on a file beside the database, which the kernel hands
    to the next waiter the moment it is released (SQLite's own busy handler sleeps and polls).
    Waiting in this process is bounded by the busy timeout; past it the writer goes on and
    SQLite's locking decides. The gate belongs to the connection whose transaction holds it,
    or, between `try_enter` and that transaction's BEGIN, to the thread that reserved it.
    """

    def __init__(self, lock_path: str | None) -> None:
        self._lock = threading.Lock()
        self._holder: object | None = None
        self._path = lock_path
        # Open only while held (a few microseconds): a gate never holds a descriptor idle.
        self._fd: int | None = None

    def try_enter(self) -> bool:
        """Reserve the gate for this thread's next write transaction, if no one holds it."""
        if not self._lock.acquire(blocking=False):
            return False
        if not self._lock_file(fcntl.LOCK_EX | fcntl.LOCK_NB):
            self._lock.release()
            return False
        self._holder = _Reservation(threading.get_ident())
        return True

    def enter(self, dbapi_conn: object) -> None:
        if self._holder == _Reservation(threading.get_ident()):
            self._holder = _raw(dbapi_conn)
        elif self._lock.acquire(timeout=SQLITE_BUSY_TIMEOUT_MS / 1000):
            self._lock_file(fcntl.LOCK_EX)
            self._holder = _raw(dbapi_conn)

    def leave(self, dbapi_conn: object) -> None:
        if self._holder is _raw(dbapi_conn):
            self._release()

    def cancel(self) -> None:
        """Give up this thread's reservation if no transaction took it up."""
        if self._holder == _Reservation(threading.get_ident()):
            self._release()

    def _lock_file(self, operation: int) -> bool:
        if self._path is None:
            return True
        fd = os.open(self._path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, operation)
        except BlockingIOError:
            os.close(fd)
            return False
        self._fd = fd
        return True

    def _release(self) -> None:
        self._holder = None
        if self._fd is not None:
            os.close(self._fd)  # which drops the file lock
            self._fd = None
        self._lock.release()


@dataclass(frozen=True, slots=True)
class _Reservation:
    thread: int


class Database:
    """An engine with a session factory for reads and one for writes."""

    def __init__(self, url: str, *, pool_size: int = 10) -> None:
        self.url = url
        parsed = make_url(url)
        self.is_sqlite = parsed.get_backend_name() == "sqlite"
        self._gate = writer_gate(parsed.database) if self.is_sqlite else None
        self.engine = make_engine(url, pool_size=pool_size, gate=self._gate)
        write_bind = (
            self.engine.execution_options(sqlite_immediate=True) if self.is_sqlite else self.engine
        )
        self._read = sessionmaker(self.engine, expire_on_commit=False)
        self._write = sessionmaker(write_bind, expire_on_commit=False)
        self._writer: ThreadPoolExecutor | None = None
        # `run_read`'s connections: one statement needs no transaction, and on PostgreSQL the
        # BEGIN and ROLLBACK around it would be two more round trips (SQLite's driver is in
        # autocommit already).
        self._reader = (
            self.engine
            if self.is_sqlite
            else self.engine.execution_options(isolation_level="AUTOCOMMIT")
        )

    def session(self, *, write: bool = False) -> Session:
        return (self._write if write else self._read)()

    @contextmanager
    def begin(self, *, write: bool = True) -> Iterator[Session]:
        """A session whose transaction commits on success and rolls back on error."""
        with self.session(write=write) as session, session.begin():
            yield session

    async def run_write(self, work: Callable[..., T], *args: object) -> T:
        """Run `work(session, *args)`, one short write transaction, for the event loop.

        On SQLite, when no other writer holds the lock, it runs right here on the loop: the
        annotator loop's transactions take a fraction of a millisecond, less than handing them
        to a thread and back costs, and writers on the loop never wait for each other. When the
        lock is taken (a bulk import, the job worker, another process), the work waits in one
        writer thread instead, so the loop never blocks. On PostgreSQL it runs in the thread
        pool, side by side with other requests.
        """

        def call() -> T:
            with self.session(write=True) as session:
                return work(session, *args)

        if self._gate is None:
            return await anyio.to_thread.run_sync(call)
        if self._gate.try_enter():
            try:
                return call()
            finally:
                self._gate.cancel()
        if self._writer is None:
            self._writer = ThreadPoolExecutor(1, thread_name_prefix="sqlite-writer")
        return await asyncio.get_running_loop().run_in_executor(self._writer, call)

    async def run_read(self, work: Callable[..., T], *args: object) -> T:
        """Run `work(connection, *args)`, one short read, for the event loop.

        On SQLite it runs right here: a read of a WAL database waits for no writer and takes
        less than a hop to a thread and back. On PostgreSQL it runs in the thread pool, outside
        any transaction.
        """

        def call() -> T:
            with self._reader.connect() as connection:
                return work(connection, *args)

        if self.is_sqlite:
            return call()
        return await anyio.to_thread.run_sync(call)

    def dispose(self) -> None:
        if self._writer is not None:
            self._writer.shutdown()
            self._writer = None
        self.engine.dispose()
