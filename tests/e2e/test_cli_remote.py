"""The `quorum` command as a requester on another machine: a live server, the CLI run from an
empty folder with only QUORUM_URL and QUORUM_API_KEY (no database anywhere near it), the
operator's admin commands on the server's database, and the plain words both speak."""

from __future__ import annotations

import os
import subprocess
import sys
from contextlib import suppress
from pathlib import Path

import httpx
import orjson
import pytest

from quorum import tasktypes
from quorum.client import QuorumClient, QuorumError
from quorum.formats.exporters import EXPORTERS
from quorum.formats.importers import IMPORTERS
from quorum.quality import METHODS

QUORUM = str(Path(sys.executable).parent / "quorum")
PASSWORD = "a long password"


def _run(cwd: Path, env: dict[str, str], *args: str, input: str | None = None):
    return subprocess.run(
        [QUORUM, *args], cwd=cwd, env=env, input=input, capture_output=True, text=True,
        timeout=120,
    )  # fmt: skip


def _ok(result: subprocess.CompletedProcess) -> str:
    assert result.returncode == 0, result.stderr
    return result.stdout


def _elsewhere(tmp_path: Path, name: str, **env: str) -> tuple[Path, dict[str, str]]:
    """An empty folder and an environment that names no database."""
    folder = tmp_path / name
    folder.mkdir()
    clean = {k: v for k, v in os.environ.items() if not k.startswith("QUORUM_")}
    return folder, {**clean, **env}


def _terminal_stderr(cwd: Path, env: dict[str, str], *args: str) -> bytes:
    """What `quorum *args` draws on standard error when that is a terminal."""
    master, slave = os.openpty()
    try:
        done = subprocess.run([QUORUM, *args], cwd=cwd, env=env, stderr=slave,
                              stdout=subprocess.DEVNULL, timeout=120)  # fmt: skip
    finally:
        os.close(slave)
    drawn = b""
    with suppress(OSError):  # the end of a pseudo-terminal's output reads as EIO
        while chunk := os.read(master, 65536):
            drawn += chunk
    os.close(master)
    assert done.returncode == 0, drawn
    return drawn


def _jsonl(path: Path, records: list[dict]) -> Path:
    path.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in records))
    return path


@pytest.fixture
def manager_key(live_server) -> str:
    _ok(live_server.cli("users", "create", "boss", "--role", "manager"))
    _ok(live_server.cli("users", "create", "ann", "--role", "annotator"))
    return _ok(live_server.cli("users", "create-key", "boss")).splitlines()[-1]


def test_requester_works_remotely_from_an_empty_folder(live_server, manager_key, tmp_path):
    folder, env = _elsewhere(
        tmp_path, "laptop", QUORUM_URL=live_server.url, QUORUM_API_KEY=manager_key
    )

    def cli(*args: str) -> subprocess.CompletedProcess:
        return _run(folder, env, *args)

    params = '{"categories": ["positive", "negative"]}'
    created = _ok(
        cli("projects", "create", "reviews", "--type", "categorization", "--params", params)
    )
    assert created.strip() == "created project reviews (categorization)"
    listed = _ok(cli("projects", "list"))
    assert "reviews" in listed and listed.strip().endswith("1 project")
    _ok(cli("projects", "create", "other", "--type", "categorization", "--params", params))
    unlabeled = cli("projects", "create", "unlabeled", "--type", "categorization")
    assert unlabeled.returncode == 1
    assert unlabeled.stderr.strip() == "error: params.categories: give at least one category"
    assert _ok(cli("projects", "list")).strip().endswith("2 projects")
    added = _ok(cli("projects", "add-member", "reviews", "ann", "--role", "annotator"))
    assert added.strip() == "ann is an annotator of reviews"

    data = tmp_path / "data"
    data.mkdir()
    one = _jsonl(data / "one.jsonl", [{"attachment": "only one", "unique_id": "u0"}])
    assert _ok(cli("import", str(one), "--project", "reviews")).strip() == (
        "imported 1 task into reviews"
    )
    _ok(cli("batches", "create", "reviews", "week-1"))
    many = _jsonl(
        data / "many.txt",  # the format from --format, not from the name
        [{"attachment": f"review {i}", "unique_id": f"u{i}"} for i in range(1, 121)],
    )
    imported = cli("import", str(many), "--project", "reviews", "--batch", "week-1",
                   "--format", "jsonl")  # fmt: skip
    assert _ok(imported).strip() == "imported 120 tasks into reviews"

    typo = _jsonl(data / "typo.jsonl", [{"attachment": "fine"}, {"atachment": "oops"}])
    refused = cli("import", str(typo), "--project", "reviews")
    assert refused.returncode == 1
    assert refused.stderr.strip() == (
        "error: typo.jsonl, line 2, field atachment: unknown field; did you mean attachment?; "
        "nothing was imported"
    )

    out = data / "export.jsonl"
    wrote = _ok(cli("export", "--project", "reviews", "--out", str(out)))
    assert wrote.strip() == f"wrote 121 tasks to {out}"
    exported = [orjson.loads(line) for line in out.read_bytes().splitlines()]
    assert {t["unique_id"] for t in exported} == {f"u{i}" for i in range(121)}
    piped = cli("export", "--project", "reviews", "--status", "pending")
    assert piped.returncode == 0 and len(piped.stdout.splitlines()) == 121
    assert piped.stderr.strip() == "wrote 121 tasks to standard output"  # no progress bar
    drawn = _terminal_stderr(folder, env, "export", "--project", "reviews", "--out", str(out))
    assert b"exporting reviews" in drawn and b"121/121" in drawn
    missing = cli("export", "--project", "nope", "--out", str(data / "nope.jsonl"))
    assert missing.returncode == 1 and "no project named 'nope'" in missing.stderr
    assert not (data / "nope.jsonl").exists() and not (data / "nope.jsonl.part").exists()

    tasks = _ok(cli("tasks", "list", "--project", "reviews", "--batch", "week-1", "--limit", "5"))
    assert tasks.strip().endswith("5 tasks shown; raise --limit for more")
    assert "week-1" in tasks and "pending" in tasks
    batches = _ok(cli("batches", "list", "--project", "reviews"))
    assert "week-1" in batches and batches.strip().endswith("1 batch of 1")

    changed = cli("projects", "set-params", "reviews", "--params",
                  '{"categories": ["positive", "negative", "mixed"]}')  # fmt: skip
    assert _ok(changed).strip() == "project reviews now has params version 1"
    assert _ok(cli("projects", "remove-member", "reviews", "ann")).strip() == (
        "ann is no longer a member of reviews"
    )
    assert _ok(cli("projects", "archive", "other")).strip() == "project other is archived"

    with QuorumClient(live_server.url, manager_key) as q:
        assert q.count_tasks(project="reviews") == 121
        assert q.get_project("reviews")["params"]["categories"][-1] == "mixed"
        assert q.list_members("reviews") == []
        assert q.get_project("other")["archived"] is True
        assert q.batch_status("week-1")["pending"] == 120
        # The SDK's own way in: any format, by name, and the same did-you-mean as the CLI.
        chunks = b"".join(q.export_bytes("reviews", status="pending"))
        assert chunks.count(b"\n") == 121
        with pytest.raises(QuorumError) as err:
            q.import_file("reviews", typo)
        assert err.value.status == 400
        assert "typo.jsonl, line 2, field atachment: unknown field; did you mean attachment?" in (
            err.value.message
        )

    wrong_key = _run(folder, {**env, "QUORUM_API_KEY": "live_wrong"}, "projects", "list")
    assert wrong_key.returncode == 1 and wrong_key.stderr.strip() == "error: invalid API key"
    no_key = {k: v for k, v in env.items() if k != "QUORUM_API_KEY"}
    keyless = _run(folder, no_key, "tasks", "list")
    assert keyless.returncode == 1 and "--api-key" in keyless.stderr
    assert list(folder.iterdir()) == []  # no database was made or used here


def test_no_database_is_created_without_init(tmp_path):
    folder, env = _elsewhere(tmp_path, "empty")
    for command in (
        ["projects", "list"],
        ["users", "list"],
        ["import", "x.jsonl", "--project", "p"],
    ):
        if command[0] == "import":
            (tmp_path / "x.jsonl").write_text('{"attachment": "a"}\n')
            command[1] = str(tmp_path / "x.jsonl")
        refused = _run(folder, env, *command)
        assert refused.returncode == 1
        assert refused.stderr.startswith(
            f"error: no Quorum database at {folder / 'quorum-data' / 'quorum.db'}; pass --init"
        ), refused.stderr
        assert list(folder.iterdir()) == []
    assert "--init" in _ok(_run(folder, env, "users", "list", "--help"))
    assert "QUORUM_DATA_DIR" in _ok(_run(folder, env, "users", "--help"))
    assert _ok(_run(folder, env, "projects", "list", "--init")).strip().endswith("0 projects")
    assert (folder / "quorum-data" / "quorum.db").is_file()
    assert _ok(_run(folder, env, "users", "list")).strip().endswith("0 users")


def test_operator_manages_passwords_keys_and_activity(live_server, manager_key):
    cli = live_server.cli
    assert _ok(cli("users", "set-password", "boss", "--password-stdin", input=PASSWORD + "\n"))
    with httpx.Client(base_url=live_server.url) as browser:
        login = browser.post("/login", data={"name": "boss", "password": PASSWORD},
                             headers={"Origin": live_server.url})  # fmt: skip
        assert login.status_code == 303
    no_prompt = cli("users", "set-password", "boss")  # no terminal, no --password-stdin
    assert no_prompt.returncode == 1 and "--password-stdin" in no_prompt.stderr

    second = _ok(cli("users", "create-key", "boss")).splitlines()[-1]
    keys = _ok(cli("users", "keys", "boss"))
    assert manager_key[:12] in keys and second[:12] in keys
    assert keys.strip().endswith("2 keys, 2 active")
    assert _ok(cli("users", "revoke-key", "boss", second[:12])).startswith(
        f"revoked API key {second[:12]}"
    )
    assert _ok(cli("users", "keys", "boss")).strip().endswith("2 keys, 1 active")

    def me(key: str) -> int:
        return httpx.get(
            f"{live_server.url}/api/me", headers={"Authorization": f"Bearer {key}"}
        ).status_code

    assert (me(manager_key), me(second)) == (200, 401)
    assert _ok(cli("users", "deactivate", "boss")).strip() == "boss is deactivated"
    assert me(manager_key) == 401
    assert _ok(cli("users", "activate", "boss")).strip() == "boss is active"
    assert me(manager_key) == 200
    assert _ok(cli("users", "set-role", "boss", "admin")).strip() == "boss is now an admin"
    assert _ok(cli("users", "list")).strip().endswith("2 users")


def test_help_speaks_plainly_and_lists_the_registries(tmp_path):
    folder, env = _elsewhere(tmp_path, "help")
    top = _ok(_run(folder, env, "--help"))
    assert "<bool>" not in top and "projects" in top and "batches" in top
    create = _ok(_run(folder, env, "projects", "create", "--help"))
    assert ", ".join(tasktypes.names()) in " ".join(create.split())
    assert ", ".join(IMPORTERS) in " ".join(_ok(_run(folder, env, "import", "--help")).split())
    assert ", ".join(EXPORTERS) in " ".join(_ok(_run(folder, env, "export", "--help")).split())
    assert ", ".join(METHODS) in " ".join(_ok(_run(folder, env, "aggregate", "--help")).split())
    for command in (["serve"], ["worker"], ["users", "create"], ["aggregate"], ["export"]):
        assert "<bool>" not in _ok(_run(folder, env, *command, "--help")), command
    assert list(folder.iterdir()) == []
