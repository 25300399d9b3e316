"""Uploads are read within the bound as they arrive: a body past it is refused with 413 before
it is all in, whether or not it declares its length, and leaves nothing behind."""

from __future__ import annotations

import pytest
from tests import factories as make

from quorum.services.files.storage import storage_for
from quorum.services.tasks import queries

MIB = 1024 * 1024


@pytest.fixture
def small_bound(client):
    settings = client.app.state.settings
    settings.max_upload_bytes = 4 * MIB
    return settings


def _pieces(data: bytes, size: int = 65536):
    """`data` sent chunked (no Content-Length)."""
    return (data[i : i + size] for i in range(0, len(data), size))


def _chunks(total: int, piece: bytes = b"x" * 4096):
    """A body sent chunked (no Content-Length): the server learns its size as it arrives."""
    sent = 0
    while sent < total:
        yield piece
        sent += len(piece)


def test_oversized_chunked_bodies_get_413_and_leave_nothing(client, accounts, small_bound, db):
    headers = accounts["manager"].headers
    make.api_project(client, headers)
    big = 5 * MIB
    upload = client.post(
        "/v1/files/upload",
        headers={**headers, "Content-Type": "multipart/form-data; boundary=b"},
        content=(
            piece
            for part in (
                [b'--b\r\nContent-Disposition: form-data; name="file"; filename="a.bin"\r\n\r\n'],
                _chunks(big),
                [b"\r\n--b--\r\n"],
            )
            for piece in part
        ),
    )
    assert upload.status_code == 413
    assert "limit of 4,194,304 bytes (QUORUM_MAX_UPLOAD_BYTES)" in upload.json()["error"]
    assert list(storage_for(small_bound).iter_keys("files")) == []

    lines = (b'{"attachment": "a review"}\n' * 200_000)[:big]
    url = "/api/projects/p/tasks/import?filename=t.jsonl"
    imported = client.post(url, headers=headers, content=_pieces(lines))
    assert imported.status_code == 413, imported.text
    declared = client.post(url, headers=headers, content=lines)
    assert declared.status_code == 413
    with db.session() as s:
        assert queries.count_tasks(s, queries.TaskFilter(project="p")) == 0


def test_spooled_uploads_and_imports_arrive_whole(client, accounts, small_bound, db, fetch_file):
    headers = accounts["manager"].headers
    make.api_project(client, headers)
    data = bytes(range(256)) * (3 * MIB // 256)  # past the spool's 1 MiB held in memory
    stored = client.post("/v1/files/upload", headers=headers, files={"file": ("a.bin", data)})
    assert stored.status_code == 200, stored.text
    row = stored.json()
    assert row["size"] == len(data)
    assert fetch_file(row["id"], headers).content == data
    assert list(storage_for(small_bound).iter_keys("files")) == [f"files/{row['id']}"]

    text = b"a long review " * 10
    csv = b"attachment,unique_id\n" + b"".join(b"%s%d,u%d\n" % (text, i, i) for i in range(10_000))
    assert MIB < len(csv) < small_bound.max_upload_bytes
    url = "/api/projects/p/tasks/import?filename=t.csv"
    imported = client.post(url, headers=headers, content=_pieces(csv))
    assert imported.status_code == 200 and imported.json()["created"] == 10_000, imported.text
    bad = client.post(
        "/api/projects/p/tasks/import?filename=t.jsonl",
        headers=headers,
        content=b'{"attachment": "a"}\n{"attachment": \n',
    )
    assert bad.status_code == 400 and "t.jsonl, line 2" in bad.json()["error"]
