"""Shared fixtures: a migrated database on SQLite and on PostgreSQL, users with keys per role,
an in-process API client and a live server in a subprocess.

PostgreSQL runs at 127.0.0.1:5432, database `test` (QUORUM_TEST_PG_URL overrides). Each test
session migrates one private schema; each test starts from empty tables.
"""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text

from quorum.config import get_settings
from quorum.db.engine import Database
from quorum.db.migrate import upgrade
from quorum.db.models import Base
from tests.factories import Person, person

REPO = Path(__file__).resolve().parent.parent
DATASETS = REPO.parent / "shared" / "datasets"
PG_URL = os.environ.get("QUORUM_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
ROLES = ("admin", "manager", "reviewer", "annotator")


# What a test run may leave in the checkout: installs and caches, and the e2e screenshots.
LEFT_BY_TOOLS = (
    ".venv/",
    ".pytest_cache/",
    ".ruff_cache/",
    ".hypothesis/",
    "tests/e2e/screenshots/",
)


def _untracked_files() -> dict[str, tuple[int, int]] | None:
    """Every file git does not track (untracked or ignored, bar `LEFT_BY_TOOLS` and bytecode),
    with its size and modification time; None outside a git checkout."""
    try:
        listed = subprocess.run(
            ["git", "status", "--porcelain", "--ignored", "-z"],
            cwd=REPO, capture_output=True, check=True, text=True,
        ).stdout  # fmt: skip
    except (OSError, subprocess.CalledProcessError):
        return None
    found: dict[str, tuple[int, int]] = {}
    for entry in filter(None, listed.split("\0")):
        status, path = entry[:2], entry[3:]
        if (
            status not in ("??", "!!")
            or path.startswith(LEFT_BY_TOOLS)
            or "__pycache__" in path
            or ".egg-info/" in path
        ):
            continue
        root = REPO / path
        for file in root.rglob("*") if root.is_dir() else [root]:
            if file.is_dir():
                continue
            with suppress(FileNotFoundError):  # removed while listed
                stat = file.stat()
                found[str(file.relative_to(REPO))] = (stat.st_size, stat.st_mtime_ns)
    return found


@pytest.fixture(scope="session", autouse=True)
def checkout_untouched() -> Iterator[None]:
    """Tests keep their data in temporary directories: a test session makes or changes no
    untracked file in the checkout (a session secret or a database in ./quorum-data, an upload)."""
    before = _untracked_files()
    yield
    after = _untracked_files()
    if before is not None and after is not None:
        written = sorted(path for path, state in after.items() if before.get(path) != state)
        assert written == [], f"the tests wrote into the checkout: {written}"


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "quorum.db"
    db = Database(f"sqlite:///{path}")
    upgrade(db.engine)
    db.dispose()
    return path


@pytest.fixture(scope="session")
def pg_schema_url() -> Iterator[str]:
    schema = f"quorum_test_{secrets.token_hex(4)}"
    admin_db = Database(PG_URL, pool_size=1)
    with admin_db.engine.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = f"{PG_URL}?options=-csearch_path%3D{schema}"
    db = Database(url, pool_size=1)
    upgrade(db.engine)
    db.dispose()
    yield url
    with admin_db.engine.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin_db.dispose()


@pytest.fixture
def settings_env(monkeypatch):
    """`settings_env(NAME=value, …)` sets QUORUM_* variables for this test, in this process (the
    settings are cached, so the cache is cleared) and in any server started after it."""

    def apply(**values: str) -> None:
        for name, value in values.items():
            monkeypatch.setenv(name, value)
        get_settings.cache_clear()

    yield apply
    monkeypatch.undo()
    get_settings.cache_clear()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A URL of an empty, migrated database; every test that uses it runs on both dialects."""
    if request.param == "sqlite":
        path = tmp_path / "quorum.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        return f"sqlite:///{path}"
    url = request.getfixturevalue("pg_schema_url")
    db = Database(url, pool_size=1)
    tables = ", ".join(f'"{t.name}"' for t in reversed(Base.metadata.sorted_tables))
    with db.engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    db.dispose()
    return url


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    database = Database(db_url, pool_size=5)
    yield database
    database.dispose()


@pytest.fixture
def accounts(db: Database) -> dict[str, Person]:
    """One user with an API key and a password for every role, named after the role."""
    with db.session(write=True) as session:
        return {role: person(session, role, role, password=f"{role}-password") for role in ROLES}


@pytest.fixture
def client(db: Database, tmp_path: Path) -> Iterator:
    """The app in process, with its data directory (files, the session secret) in `tmp_path`,
    and no job worker beside it: tests run the jobs they need themselves."""
    from fastapi.testclient import TestClient

    from quorum.app import create_app
    from quorum.config import Settings

    app = create_app(Settings(data_dir=tmp_path / "data", run_worker=False), db)
    with TestClient(app) as test_client:
        yield test_client


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class LiveServer:
    url: str
    db_url: str
    env: dict[str, str]
    process: subprocess.Popen

    def cli(self, *args: str, input: str | None = None) -> subprocess.CompletedProcess:
        """Run the real `quorum` console script against the server's database."""
        return subprocess.run(
            [str(Path(sys.executable).parent / "quorum"), *args],
            env=self.env,
            input=input,
            capture_output=True,
            text=True,
            timeout=120,
        )


@contextmanager
def serve(db_url: str, env: dict[str, str]) -> Iterator[LiveServer]:
    """`quorum serve` in a subprocess on a free loopback port, with environment `env`.

    A 500 in a browser test shows up only as a console error, so the traceback the server
    logged is printed at the end, into the test's captured output, shown when the test fails.
    """
    port = _free_port()
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "quorum"),
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=log,
        )
        try:
            yield _started(process, f"http://127.0.0.1:{port}", db_url, env, log)
        finally:
            _stop(process)
            if "Traceback" in (text := _tail(log, 8000)):
                print(f"--- server log ---\n{text}", file=sys.stderr)


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()


def _started(process, url: str, db_url: str, env: dict[str, str], log) -> LiveServer:
    deadline = time.monotonic() + 30
    while True:
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                return LiveServer(url, db_url, env, process)
        except httpx.TransportError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            process.wait()
            raise RuntimeError(f"server did not start: {_tail(log, 2000)}")
        time.sleep(0.1)


def _tail(log, chars: int) -> str:
    log.seek(0)
    return log.read()[-chars:].decode(errors="replace")


@pytest.fixture
def live_server(db_url: str, tmp_path: Path) -> Iterator[LiveServer]:
    """`quorum serve` in a subprocess, on the test database (`serve` starts more of them)."""
    env = {
        **os.environ,
        "QUORUM_DATABASE_URL": db_url,
        "QUORUM_DATA_DIR": str(tmp_path / "data"),
    }
    with serve(db_url, env) as server:
        yield server


@dataclass(frozen=True)
class S3Bucket:
    """An empty bucket on the test session's S3-compatible server (moto), and how Quorum and
    boto3 reach it."""

    endpoint: str
    name: str
    prefix: str = "quorum"

    @property
    def url(self) -> str:
        return f"s3://{self.name}/{self.prefix}"

    def settings(self) -> dict[str, str]:
        """Settings fields that put Quorum's stored files in this bucket."""
        return {"storage_url": self.url, "s3_endpoint_url": self.endpoint, "s3_region": S3_REGION}

    def env(self) -> dict[str, str]:
        """The same, as the environment of a `quorum` process."""
        return {f"QUORUM_{name.upper()}": value for name, value in self.settings().items()}

    def client(self):
        import boto3
        from botocore.config import Config

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            region_name=S3_REGION,
            config=Config(s3={"addressing_style": "path"}),
        )

    def keys(self) -> list[str]:
        listed = self.client().list_objects_v2(Bucket=self.name)
        return sorted(item["Key"] for item in listed.get("Contents", ()))


S3_REGION = "us-east-1"
S3_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "quorum-test", "AWS_SECRET_ACCESS_KEY": "quorum-test"}


@pytest.fixture(scope="session")
def s3_server() -> Iterator[str]:
    """moto's S3-compatible server in a subprocess on a free loopback port, for the session;
    its endpoint URL. Its credentials are put in this process's environment, so servers started
    by the tests inherit them."""
    port = _free_port()
    endpoint = f"http://127.0.0.1:{port}"
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "moto_server"), "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    with pytest.MonkeyPatch.context() as patch:
        for name, value in S3_CREDENTIALS.items():
            patch.setenv(name, value)
        try:
            deadline = time.monotonic() + 30
            while True:
                with suppress(httpx.TransportError):
                    httpx.get(f"{endpoint}/moto-api/", timeout=1)
                    break
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("moto_server did not start")
                time.sleep(0.1)
            yield endpoint
        finally:
            _stop(process)


@pytest.fixture
def s3_bucket(s3_server: str) -> S3Bucket:
    """A new, empty bucket for this test (made through boto3: s3fs's mkdir sends a location
    constraint moto refuses)."""
    bucket = S3Bucket(s3_server, f"quorum-{secrets.token_hex(6)}")
    bucket.client().create_bucket(Bucket=bucket.name)
    return bucket
