"""The streamed zip: what `zipfile` (the readers' library) reads back, zip64 included."""

from __future__ import annotations

import io
import zipfile

from quorum.formats.zipstream import zip_stream


def test_members_from_bytes_and_files_read_back_with_their_names_and_contents():
    big = bytes(range(256)) * 20_000  # several chunks, streamed with a data descriptor
    members = [("labels/café.txt", b"0 0.5 0.5 0.1 0.1\n"), ("empty.txt", b"")]
    xml = b"<annotation>" + b"<object><name>car</name></object>" * 40 + b"</annotation>"
    members.append(("Annotations/a.xml", xml))
    data = b"".join(zip_stream([*members, ("manifest.jsonl", io.BytesIO(big)), ("z", b"z")]))
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert archive.testzip() is None
    assert archive.namelist() == [name for name, _ in members] + ["manifest.jsonl", "z"]
    assert archive.read("labels/café.txt") == members[0][1]
    assert archive.read("empty.txt") == b""
    assert archive.read("manifest.jsonl") == big
    assert archive.read("Annotations/a.xml") == xml
    # A member of a few lines is stored; larger ones are deflated.
    assert archive.getinfo("z").compress_type == zipfile.ZIP_STORED
    assert archive.getinfo("Annotations/a.xml").compress_type == zipfile.ZIP_DEFLATED
    assert archive.getinfo("Annotations/a.xml").compress_size < len(xml) / 4


def test_more_members_than_a_plain_zip_counts_take_zip64_records():
    names = [f"labels/{i}.txt" for i in range(70_000)]
    data = b"".join(zip_stream((name, name.encode()) for name in names))
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert archive.namelist() == names
    assert archive.read(names[-1]) == names[-1].encode()
