"""Shared by the benchmarks: a fresh data directory, a live `quorum serve`, an admin key."""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import httpx
from sqlalchemy import text

from quorum.db.engine import Database
from quorum.db.migrate import upgrade
from quorum.services.accounts import users

QUORUM = str(Path(sys.executable).parent / "quorum")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def rss_mb(pid: int) -> float:
    """Resident memory of a process, from /proc."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def cpu_seconds(pid: int, *, descendants: bool = True) -> float:
    """CPU time (user + system) of a process and (unless told not to) all its descendants,
    from /proc: a figure that other work on the machine does not inflate, unlike throughput."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    pending = [pid]
    while pending:
        current = pending.pop()
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick
            if not descendants:
                break
            for task in Path(f"/proc/{current}/task").iterdir():
                pending.extend(int(c) for c in (task / "children").read_text().split())
        except FileNotFoundError:
            continue
    return total


@contextmanager
def data_dir():
    with tempfile.TemporaryDirectory(prefix="quorum-bench-") as tmp:
        yield Path(tmp)


def admin_key(directory: Path) -> tuple[Database, str]:
    """Migrate the SQLite database in `directory` and make an admin with a key."""
    db = Database(f"sqlite:///{directory / 'quorum.db'}")
    upgrade(db.engine)
    with db.session(write=True) as session:
        users.create_user(session, "bench", "admin")
        key = users.create_api_key(session, "bench")
    return db, key


@contextmanager
def server(directory: Path, workers: int = 1):
    """`quorum serve` on the SQLite database in `directory`; yields (url, process, start_s)."""
    port = free_port()
    env = {**os.environ, "QUORUM_DATA_DIR": str(directory)}
    env.pop("QUORUM_DATABASE_URL", None)
    started = time.perf_counter()
    process = subprocess.Popen(
        [QUORUM, "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        while True:
            try:
                if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                if process.poll() is not None:
                    raise RuntimeError("server exited") from None
                time.sleep(0.02)
        yield url, process, time.perf_counter() - started
    finally:
        process.terminate()
        process.wait(timeout=10)


PG_URL = os.environ.get("QUORUM_BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


@contextmanager
def empty_database(dialect: str):
    """The URL of an empty database: SQLite in a fresh directory, or a fresh PostgreSQL schema
    (dropped afterwards)."""
    if dialect == "sqlite":
        with data_dir() as directory:
            yield f"sqlite:///{directory / 'quorum.db'}"
        return
    schema = f"bench_{secrets.token_hex(4)}"
    admin = Database(PG_URL)
    with admin.engine.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield f"{PG_URL}?options=-csearch_path%3D{schema}"
    finally:
        with admin.engine.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@contextmanager
def serving(database_url: str, workers: int = 1):
    """`quorum serve` on `database_url` with no job worker; yields (port, process)."""
    port = free_port()
    env = {**os.environ, "QUORUM_DATABASE_URL": database_url, "QUORUM_RUN_WORKER": "0"}
    process = subprocess.Popen(
        [QUORUM, "serve", "--port", str(port), "--workers", str(workers)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz").status_code == 200:
                    break
            except httpx.TransportError:
                if process.poll() is not None:
                    raise RuntimeError("server exited") from None
                time.sleep(0.05)
        yield port, process
    finally:
        process.terminate()
        process.wait(timeout=10)
