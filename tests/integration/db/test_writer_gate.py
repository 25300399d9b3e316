"""SQLite's writer gate (quorum.db.engine): a reservation taken up by the reserving thread's
transaction, a reservation given back, and a writer that stops waiting at the busy timeout."""

from __future__ import annotations

import fcntl
import os
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from quorum.db import engine
from quorum.db.engine import make_engine, writer_gate


def _in_thread(work):
    """`work()` run in another thread; its result."""
    result = []
    thread = threading.Thread(target=lambda: result.append(work()))
    thread.start()
    thread.join(timeout=10)
    assert not thread.is_alive()
    return result[0]


def _file_lock_free(path: Path) -> bool:
    """Whether another process could take the gate's file lock now."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    finally:
        os.close(fd)  # which drops the lock if it was taken
    return True


def _can_enter(gate) -> bool:
    """Whether another thread could reserve the gate now (it gives the reservation back)."""

    def attempt() -> bool:
        entered = gate.try_enter()
        gate.cancel()
        return entered

    return _in_thread(attempt)


@pytest.fixture
def writer(tmp_path):
    """A gate and an engine whose write transactions queue on it (BEGIN IMMEDIATE)."""
    path = tmp_path / "quorum.db"
    gate = writer_gate(str(path))
    made = make_engine(f"sqlite:///{path}", gate=gate)
    yield gate, made.execution_options(sqlite_immediate=True), tmp_path / "quorum.db-writer.lock"
    made.dispose()


def test_a_reservation_is_taken_up_by_the_threads_write_transaction(writer):
    gate, writes, lock_file = writer
    assert gate.try_enter()
    assert not _can_enter(gate)  # reserved: no other thread gets in
    assert not _file_lock_free(lock_file)  # nor another process
    with writes.connect() as conn:
        conn.execute(text("CREATE TABLE t (x INTEGER)"))  # BEGIN IMMEDIATE: no wait
        gate.cancel()  # the transaction holds the gate now: cancelling gives nothing back
        assert not _can_enter(gate) and not _file_lock_free(lock_file)
        conn.commit()  # the gate opens the moment COMMIT returns
    assert _file_lock_free(lock_file) and _can_enter(gate)


def test_a_cancelled_reservation_frees_the_gate(writer):
    gate, _, lock_file = writer
    assert gate.try_enter()
    _in_thread(gate.cancel)  # another thread's cancel gives back nothing of this one's
    assert not _can_enter(gate)
    gate.cancel()
    assert _file_lock_free(lock_file) and _can_enter(gate)
    assert gate.try_enter()  # and the reserving thread may reserve again
    gate.cancel()


def test_a_writer_waits_no_longer_than_the_busy_timeout(writer, monkeypatch):
    monkeypatch.setattr(engine, "SQLITE_BUSY_TIMEOUT_MS", 200)
    gate = writer[0]
    holder, late = object(), object()
    gate.enter(holder)

    def wait_in_vain() -> float:
        started = time.monotonic()
        gate.enter(late)  # gives up waiting; SQLite's own locking decides from here
        waited = time.monotonic() - started
        gate.leave(late)  # it never held the gate, so leaving frees nothing
        return waited

    assert 0.2 <= _in_thread(wait_in_vain) < 5
    assert not _can_enter(gate)  # still the holder's
    gate.leave(holder)
    assert _can_enter(gate)
