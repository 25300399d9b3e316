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
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import create_engine, text

from tests.fuzz import failures

BIN = Path(sys.executable).parent
PG_URL = os.environ.get("QUORUM_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
EXAMPLES = os.environ.get("FUZZ_EXAMPLES", "10")
SECONDS = os.environ.get("FUZZ_SECONDS", "25")
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


@dataclass
class World:
    """What the seeded server holds: the keys by role, and the names and ids that exist."""

    keys: dict[str, str]
    known: dict[str, list[str | int]]


def seed(env: dict[str, str], url: str) -> World:
    """An admin with a key (via the CLI), then the other users, keys and data through the API."""
    _cli(env, "users", "create", "admin", "--role", "admin")
    keys = {"admin": _cli(env, "users", "create-key", "admin")}
    admin = httpx.Client(base_url=url, headers={"Authorization": f"Bearer {keys['admin']}"})

    def call(client: httpx.Client, method: str, path: str, **kwargs: Any) -> Any:
        response = client.request(method, path, **kwargs)
        response.raise_for_status()
        return response.json()

    for role in ("manager", "reviewer", "annotator"):
        call(admin, "POST", "/api/users", json={"name": role, "role": role})
        keys[role] = call(admin, "POST", f"/api/users/{role}/keys")["api_key"]
    annotator = httpx.Client(base_url=url, headers={"Authorization": f"Bearer {keys['annotator']}"})
    call(admin, "POST", "/api/projects", json={
        "name": "p", "type": "categorization", "params": {"categories": ["a", "b"]},
        "policy": {"max_overlap": 1},
    })  # fmt: skip
    for user, role in (("annotator", "annotator"), ("reviewer", "reviewer")):
        call(admin, "POST", "/api/projects/p/members", json={"user": user, "role": role})
    call(admin, "POST", "/api/batches", json={"project": "p", "name": "b"})
    records = [{"attachment": f"text {i}", "tags": ["t"], "unique_id": f"u{i}"} for i in range(6)]
    task_ids = call(admin, "POST", "/api/projects/p/tasks/bulk", json=records)["task_ids"]
    in_batch = call(admin, "POST", "/api/projects/p/tasks", json={"attachment": "x", "batch": "b"})
    task_ids.append(in_batch["task_id"])
    assignments = []
    for answer in ("a", "b", None):  # two answered, one left open
        claimed = call(annotator, "POST", "/api/projects/p/next")
        assignments.append(claimed["assignment_id"])
        if answer:
            call(annotator, "POST", f"/api/assignments/{claimed['assignment_id']}/submit",
                 json={"response": {"category": answer}})  # fmt: skip
    stored = call(admin, "POST", "/v1/files/upload", files={"file": ("f.txt", b"hello")})
    jobs = [job["id"] for job in call(admin, "GET", "/api/jobs")["docs"]]
    names = ["p", "b", "annotator", "reviewer", "manager"]  # not the admin: it could demote itself
    return World(keys, {
        "names": names, "task_ids": task_ids, "assignment_ids": assignments,
        "job_ids": jobs or [1], "file_ids": [stored["id"]], "task_types": ["categorization"],
    })  # fmt: skip


# Parameters that name something, and the seeded values the fuzzer uses for them half the time
# (random values the other half), so that calls reach existing resources too.
BINDINGS = {
    "names": ["path.name", "path.project", "path.user", "path.group", "query.project",
              "query.batch", "body.project", "body.name", "body.user", "body.batch"],
    "task_ids": ["path.task_id"],
    "assignment_ids": ["path.assignment_id"],
    "job_ids": ["path.job_id"],
    "file_ids": ["path.file_id"],
    "task_types": ["path.task_type"],
}  # fmt: skip


def config(world: World) -> str:
    """A schemathesis.toml binding the seeded names and ids to the parameters above."""
    lines = []
    for dictionary, values in world.known.items():
        lines += [f"[dictionaries.{dictionary}]", f"values = {json.dumps(values)}", ""]
    lines.append("[parameters]")
    for dictionary, keys in BINDINGS.items():
        for key in keys:
            lines.append(f'"{key}" = {{ dictionary = "{dictionary}", probability = 0.5 }}')
    return "\n".join(lines) + "\n"


def fuzz(url: str, key: str, world: World, report_dir: Path) -> dict[str, Any]:
    """One schemathesis run; its counts, read from its JSON report."""
    settings = report_dir / "schemathesis.toml"
    settings.write_text(config(world))
    command = [
        str(BIN / "schemathesis"), "--config-file", str(settings), "run", f"{url}/openapi.json",
        "--checks", CHECKS,
        "--max-examples", EXAMPLES,
        "--max-time", SECONDS,
        "--header", f"Authorization: Bearer {key}",
        "--workers", "1",  # hypothesis is not thread-safe everywhere (AST parsing)
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


def run_on(kind: str, reports: Path) -> bool:
    """Both roles' runs against one fresh server on one database; whether both passed."""
    passed = True
    with (
        tempfile.TemporaryDirectory(prefix=f"quorum-fuzz-{kind}-") as tmp,
        database(kind, Path(tmp)) as db_url,
    ):
        env = {**os.environ, "QUORUM_DATABASE_URL": db_url, "QUORUM_DATA_DIR": tmp}
        with server(env, reports / f"{kind}-server.log") as url:
            world = seed(env, url)
            for role in ROLES:
                out = reports / f"{kind}-{role}"
                out.mkdir(parents=True, exist_ok=True)
                for stale in out.glob("json-*.json"):
                    stale.unlink()
                text, ok = summary(f"{kind} as {role}", fuzz(url, world.keys[role], world, out))
                print(text, flush=True)
                passed &= ok
    return passed


def main(kinds: list[str]) -> int:
    reports = Path(os.environ.get("FUZZ_OUT", "fuzz-report"))
    reports.mkdir(parents=True, exist_ok=True)
    results = [run_on(kind, reports) for kind in kinds]
    print(f"fuzz: {'passed' if all(results) else 'FAILED'}; outputs in {reports}/")
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:] or ["sqlite", "postgresql"]))
