"""`make fuzz`: schemathesis against a live `quorum serve`, on SQLite and on PostgreSQL, as an
admin and as an annotator, with the server-error, status-code, content-type and response-schema
checks on. Prints the counts of each run and exits non-zero on any failure.

Each database gets a fresh server seeded through the real CLI and API: users with keys, a
project with members, a batch, pending and completed tasks, so that routes have data to read.
Bounded: `--max-examples` per operation and a time budget per run (FUZZ_EXAMPLES, FUZZ_SECONDS).

    python -m tests.fuzz.run [sqlite|postgresql ...]
"""

from __future__ import annotations

import json
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import create_engine, text

from tests.fuzz import failures

BIN = Path(sys.executable).parent
PG_URL = os.environ.get("QUORUM_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
EXAMPLES = os.environ.get("FUZZ_EXAMPLES", "10")
SECONDS = os.environ.get("FUZZ_SECONDS", "40")
CHECKS = (
    "not_a_server_error,status_code_conformance,content_type_conformance,"
    "response_schema_conformance"
)
ROLES = ("annotator", "admin")  # the annotator first: the admin's run changes users and roles


@contextmanager
def database(kind: str, data_dir: Path) -> Iterator[str]:
    """A URL of an empty database: a file in `data_dir`, or a fresh PostgreSQL schema."""
    if kind == "sqlite":
        yield f"sqlite:///{data_dir / 'quorum.db'}"
        return
    schema = f"quorum_fuzz_{secrets.token_hex(4)}"
    engine = create_engine(PG_URL)
    with engine.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield f"{PG_URL}?options=-csearch_path%3D{schema}"
    finally:
        with engine.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        engine.dispose()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _cli(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [str(BIN / "quorum"), *args], env=env, capture_output=True, text=True, check=True
    )
    return done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""


@contextmanager
def server(env: dict[str, str], log: Path) -> Iterator[str]:
    port = _free_port()
    with log.open("wb") as out:
        process = subprocess.Popen(
            [str(BIN / "quorum"), "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"server did not start; see {log}")
            time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


def seed(env: dict[str, str], url: str) -> dict[str, str]:
    """Users with keys (via the CLI), then data through the API; returns the keys by role."""
    keys = {}
    for role in ("admin", "manager", "reviewer", "annotator"):
        _cli(env, "users", "create", role, "--role", role)
        keys[role] = _cli(env, "users", "create-key", role)
    admin = httpx.Client(base_url=url, headers={"Authorization": f"Bearer {keys['admin']}"})
    annotator = httpx.Client(base_url=url, headers={"Authorization": f"Bearer {keys['annotator']}"})

    def call(client: httpx.Client, method: str, path: str, **kwargs: object) -> httpx.Response:
        response = client.request(method, path, **kwargs)
        response.raise_for_status()
        return response

    call(admin, "POST", "/api/projects", json={
        "name": "p", "type": "categorization", "params": {"categories": ["a", "b"]},
        "policy": {"max_overlap": 1},
    })  # fmt: skip
    for user, role in (("annotator", "annotator"), ("reviewer", "reviewer")):
        call(admin, "POST", "/api/projects/p/members", json={"user": user, "role": role})
    call(admin, "POST", "/api/batches", json={"project": "p", "name": "b"})
    records = [{"attachment": f"text {i}", "tags": ["t"], "unique_id": f"u{i}"} for i in range(6)]
    call(admin, "POST", "/api/projects/p/tasks/bulk", json=records)
    call(admin, "POST", "/api/projects/p/tasks", json={"attachment": "in b", "batch": "b"})
    for answer in ("a", "b"):
        claimed = call(annotator, "POST", "/api/projects/p/next").json()
        call(annotator, "POST", f"/api/assignments/{claimed['assignment_id']}/submit",
             json={"response": {"category": answer}})  # fmt: skip
    call(annotator, "POST", "/api/projects/p/next")  # one open assignment
    call(admin, "POST", "/v1/files/upload", files={"file": ("f.txt", b"hello")})
    return keys


def fuzz(url: str, key: str, report_dir: Path) -> dict[str, object]:
    """One schemathesis run; its counts, read from its JSON report."""
    command = [
        str(BIN / "schemathesis"), "run", f"{url}/openapi.json",
        "--checks", CHECKS,
        "--max-examples", EXAMPLES,
        "--max-time", SECONDS,
        "--header", f"Authorization: Bearer {key}",
        "--workers", "2",
        "--seed", os.environ.get("FUZZ_SEED", "1"),
        "--generation-database", "none",
        "--no-color",
        "--output-truncate", "false",
        "--report", "json", "--report-dir", str(report_dir),
    ]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True)
    output = done.stdout + done.stderr
    (report_dir / "output.txt").write_text(output)
    [report] = report_dir.glob("json-*.json")
    counts = json.loads(report.read_text())
    report.rename(report_dir / "report.json")
    return {
        "operations": counts["operations"]["tested"],
        "test_cases": counts["test_cases"]["generated"],
        "errors": len(counts["errors"]),
        "exit": done.returncode,
        "failures": failures.parse(output),
        "output": output,
    }


def summary(name: str, result: dict[str, Any]) -> tuple[str, bool]:
    """One run's counts and failures; whether it passed."""
    found: list[failures.Failure] = result["failures"]
    known = Counter(f.known for f in found if f.known)
    new = [f for f in found if not f.known]
    lines = [
        f"== {name}: {result['operations']} operations, {result['test_cases']} test cases, "
        f"{len(found)} failures ({len(new)} new, {sum(known.values())} of known classes), "
        f"{result['errors']} errors"
    ]
    lines += [f"   known class {cls}: {n}" for cls, n in sorted(known.items())]
    for f in new:
        lines.append(f"   NEW {f.operation}: {'; '.join(f.checks)}\n      {f.curl[:400]}")
    passed = result["exit"] == 0 and not found and not result["errors"]
    if result["exit"] != 0 and not found:
        lines.append(str(result["output"])[-3000:])
    return "\n".join(lines), passed


def main(kinds: list[str]) -> int:
    failed = False
    for kind in kinds:
        with tempfile.TemporaryDirectory(prefix=f"quorum-fuzz-{kind}-") as tmp:
            data_dir = Path(tmp)
            with database(kind, data_dir) as db_url:
                env = {**os.environ, "QUORUM_DATABASE_URL": db_url, "QUORUM_DATA_DIR": tmp}
                _cli(env, "db", "upgrade")
                reports = Path(os.environ.get("FUZZ_OUT", "fuzz-report"))
                reports.mkdir(parents=True, exist_ok=True)
                with server(env, reports / f"{kind}-server.log") as url:
                    keys = seed(env, url)
                    for role in ROLES:
                        out = reports / f"{kind}-{role}"
                        out.mkdir(parents=True, exist_ok=True)
                        for stale in out.glob("json-*.json"):
                            stale.unlink()
                        text, passed = summary(f"{kind} as {role}", fuzz(url, keys[role], out))
                        print(text, flush=True)
                        failed |= not passed
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:] or ["sqlite", "postgresql"]))
