"""`quorum import FOLDER` and `quorum import s3://bucket/prefix`: on the server's database, and
from another machine through the API (the CLI packs the files it can read into a zip and
uploads it), with the server keeping its files in a bucket. The media are then served to the
project's annotators like any stored file."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from quorum.db.models import Task
from tests import factories as make
from tests.conftest import serve

QUORUM = str(Path(sys.executable).parent / "quorum")
IMAGES = {"geometries": {"box": {"objects_to_annotate": ["cat"]}}}
PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def s3_server_live(db_url, s3_bucket, tmp_path):
    env = {
        **os.environ,
        "QUORUM_DATABASE_URL": db_url,
        "QUORUM_DATA_DIR": str(tmp_path / "data"),
        **s3_bucket.env(),
    }
    with serve(db_url, env) as server:
        yield server


def test_folders_and_prefixes_imported_locally_and_through_the_api(
    s3_server_live, s3_bucket, tmp_path
):
    server = s3_server_live
    with make.session_at(server.db_url) as s:
        make.project(s, "img", "imageannotation", params=IMAGES)
        boss = make.person(s, "boss", "manager")
        ann = make.person(s, "ann", projects=["img"])
    folder = tmp_path / "pics"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.png").write_bytes(PNG + b"a")
    (folder / "sub" / "b.png").write_bytes(PNG + b"b")
    source = s3_bucket.client()
    source.put_object(Bucket=s3_bucket.name, Key="incoming/c.png", Body=PNG + b"c")

    local = server.cli("import", str(folder), "--project", "img")
    assert local.returncode == 0 and "imported 2 tasks into img" in local.stdout, local.stderr
    remote_env = {**server.env, "QUORUM_URL": server.url, "QUORUM_API_KEY": boss.key}
    del remote_env["QUORUM_DATABASE_URL"]
    prefix = f"s3://{s3_bucket.name}/incoming"
    remote = _quorum(tmp_path, remote_env, "import", prefix, "--project", "img")
    assert remote.returncode == 0 and "imported 1 task into img" in remote.stdout, remote.stderr

    (folder / "notes.csv").write_bytes(b"a,b")
    refused = _quorum(tmp_path, remote_env, "import", str(folder), "--project", "img")
    assert refused.returncode != 0 and "notes.csv: a file of type text/csv" in refused.stderr

    with make.session_at(server.db_url) as s:
        paths = s.scalars(select(Task.params["attachment"].as_string())).all()
    with httpx.Client(base_url=server.url, headers=ann.headers, follow_redirects=True) as browser:
        served = sorted(browser.get(path).content for path in paths)
    assert served == [PNG + b"a", PNG + b"b", PNG + b"c"]


def _quorum(cwd: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [QUORUM, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120
    )
