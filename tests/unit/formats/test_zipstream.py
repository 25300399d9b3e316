"""The streamed zip: what `zipfile` (the readers' library) reads back, zip64 included."""

from __future__ import annotations

import io
import zipfile

from quorum.formats.zipstream import zip_stream


def test_members_from_bytes_and_files_read_back_with_their_names_and_contents():
    big = bytes(range(256)) * 20_000  # several chunks, streamed with a data descriptor
    members = [("labels/café.txt", b"0 0.5 0.5 0.1 0.1\n"), ("empty.txt", b"")]
    data = b"".join(zip_stream([*members, ("manifest.jsonl", io.BytesIO(big)), ("z", b"z")]))
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert archive.testzip() is None
    assert archive.namelist() == ["labels/café.txt", "empty.txt", "manifest.jsonl", "z"]
    assert archive.read("labels/café.txt") == members[0][1]
    assert archive.read("empty.txt") == b""
    assert archive.read("manifest.jsonl") == big
    assert archive.getinfo("z").compress_type == zipfile.ZIP_DEFLATED


def test_more_members_than_a_plain_zip_counts_take_zip64_records():
    names = [f"labels/{i}.txt" for i in range(70_000)]
    data = b"".join(zip_stream((name, name.encode()) for name in names))
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert archive.namelist() == names
    assert archive.read(names[-1]) == names[-1].encode()
