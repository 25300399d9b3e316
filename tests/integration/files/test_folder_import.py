"""A folder, an S3 prefix or an uploaded zip of files becomes one task per file: media copied
into Quorum's store as stored files of the project, text into the params, as the task type
says. All or nothing: a bad file is named and nothing is written; a failure after the copies
deletes the stored files of the import again."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import func, select
from tests import factories as make

from quorum.db.models import FileProject, StoredFile, Task
from quorum.services.errors import Conflict, InvalidRequest, ServiceError
from quorum.services.files import folder_import
from quorum.services.files.storage import TooLarge, storage_for
from quorum.services.projects import catalog

IMAGES = {"geometries": {"box": {"objects_to_annotate": ["cat"]}}}
PNG = b"\x89PNG\r\n\x1a\n"


def _folder(root: Path, files: dict[str, bytes]) -> Path:
    for name, data in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)
    return root


def _import(client, db, location: str, project: str = "img", **kwargs):
    settings = client.app.state.settings
    with db.session(write=True) as s:
        return folder_import.import_folder(
            s, settings, folder_import.source_at(location, settings), project=project,
            name=location, **kwargs,
        )  # fmt: skip


def _nothing_stored(client, db) -> None:
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(StoredFile)) == 0
        assert s.scalar(select(func.count()).select_from(Task)) == 0
    assert list(storage_for(client.app.state.settings).iter_keys("files")) == []


def test_a_folder_of_images_becomes_tasks_whose_files_the_project_reads(
    client, db, accounts, tmp_path, fetch_file
):
    with db.session(write=True) as s:
        make.project(s, "img", "imageannotation", params=IMAGES)
        catalog.add_member(s, "img", "annotator", "annotator")
    files = {"b.png": PNG + b"b", "sub/a.jpg": PNG + b"a", ".DS_Store": b"junk", "sub/.x.png": b""}
    ids = _import(client, db, str(_folder(tmp_path / "pics", files)))

    assert len(ids) == 2
    with db.session() as s:
        tasks = {t.metadata_["source_file"]: t for t in s.scalars(select(Task))}
        assert sorted(tasks) == ["b.png", "sub/a.jpg"]
        for key, task in tasks.items():
            file_id = task.params["attachment"].removeprefix("/api/files/")
            row = s.get_one(StoredFile, file_id)
            assert (row.filename, row.size) == (Path(key).name, len(files[key]))
            assert s.scalar(select(FileProject.project_id).where(FileProject.file_id == file_id))
            served = fetch_file(file_id, accounts["annotator"].headers)
            assert served.status_code == 200 and served.content == files[key]


def test_text_files_go_into_the_params_the_type_names(client, db, tmp_path):
    with db.session(write=True) as s:
        make.project(s, "ner", "namedentityrecognition", params={"labels": [{"name": "PER"}]})
        make.project(s, "cat")
    folder = _folder(tmp_path / "texts", {"one.txt": "\ufeffAda wrote".encode(), "two.md": b"Bob"})
    _import(client, db, str(folder), "ner")
    folder = _folder(tmp_path / "mixed", {"a.png": PNG, "b.txt": b"a review"})
    _import(client, db, str(folder), "cat")
    with db.session() as s:
        params = [t.params for t in s.scalars(select(Task).order_by(Task.created_at, Task.id))]
    texts = sorted(p["text"] for p in params if "text" in p)
    assert texts == ["Ada wrote", "Bob"]
    kinds = sorted((p["attachment_type"], p["attachment"][:11]) for p in params if "text" not in p)
    assert kinds == [("image", "/api/files/"), ("text", "a review")]
    assert list(storage_for(client.app.state.settings).iter_keys("files")) != []


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ({"a.png": PNG, "labels.csv": b"x,y"}, "labels.csv: a file of type text/csv: "),
        ({"a.png": PNG, "notes.qqq": b"?"}, "notes.qqq: a file of unknown type"),
        ({"a.png": PNG, "song.mp3": b"ID3"}, "song.mp3: a file of type audio/mpeg"),
        ({".hidden": b""}, "no files to import"),
    ],
)
def test_a_file_the_type_cannot_take_is_named_and_nothing_is_written(
    client, db, tmp_path, files, expected
):
    with db.session(write=True) as s:
        make.project(s, "img", "imageannotation", params=IMAGES)
    with pytest.raises(InvalidRequest, match=expected):
        _import(client, db, str(_folder(tmp_path / "in", files)))
    _nothing_stored(client, db)


def test_text_that_is_not_utf8_or_a_type_without_files_is_refused(client, db, tmp_path):
    with db.session(write=True) as s:
        make.project(s, "ner", "namedentityrecognition", params={"labels": [{"name": "PER"}]})
        make.project(s, "cmp", "comparison")
    folder = _folder(tmp_path / "t", {"ok.txt": b"fine", "latin.txt": "café".encode("latin-1")})
    with pytest.raises(InvalidRequest, match=r"latin.txt: not UTF-8 text \(byte 3\)"):
        _import(client, db, str(folder), "ner")
    with pytest.raises(InvalidRequest, match="comparison tasks are not made from files"):
        _import(client, db, str(folder), "cmp")
    with pytest.raises(InvalidRequest, match="is not a folder"):
        _import(client, db, str(tmp_path / "nowhere"), "ner")
    _nothing_stored(client, db)


@pytest.mark.parametrize("failure", ["too large", "archived"])
def test_a_failure_after_the_copies_deletes_the_stored_files_again(client, db, tmp_path, failure):
    with db.session(write=True) as s:
        make.project(s, "img", "imageannotation", params=IMAGES)
    files = {"a.png": PNG, "b.png": PNG * 10, "c.png": PNG}
    if failure == "too large":
        client.app.state.settings.max_upload_bytes = len(PNG) * 5
        expected: type[ServiceError] = TooLarge
    else:
        # The archive is checked as the tasks are inserted, once the files were copied.
        expected = Conflict
        files = {"a.png": PNG, "c.png": PNG}
    folder = _folder(tmp_path / "in", files)
    if failure == "archived":
        with db.session(write=True) as s:
            catalog.change_project(s, "img", {"archived": True})
    with pytest.raises(expected) as raised:
        _import(client, db, str(folder))
    if failure == "too large":
        assert "b.png: file is larger than the limit" in str(raised.value)
    _nothing_stored(client, db)


def test_an_s3_prefix_is_read_with_the_s3_settings(client, db, s3_bucket):
    with db.session(write=True) as s:
        make.project(s, "img", "imageannotation", params=IMAGES)
    source = s3_bucket.client()
    for key in ("incoming/x.png", "incoming/deep/y.png", "elsewhere/z.png"):
        source.put_object(Bucket=s3_bucket.name, Key=key, Body=PNG + key.encode())
    settings = client.app.state.settings
    settings.s3_endpoint_url, settings.s3_region = s3_bucket.endpoint, "us-east-1"
    ids = _import(client, db, f"s3://{s3_bucket.name}/incoming/")
    assert len(ids) == 2
    with db.session() as s:
        assert sorted(t.metadata_["source_file"] for t in s.scalars(select(Task))) == [
            "deep/y.png",
            "x.png",
        ]


def _zip(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return out.getvalue()


def test_a_zip_uploaded_to_the_api_is_imported_the_same_way(client, db, accounts):
    headers = accounts["manager"].headers
    make.api_project(client, headers, "img", "imageannotation", params=IMAGES)
    url = "/api/projects/img/tasks/import-folder?filename=pics.zip"
    body = _zip({"pics/a.png": PNG, "pics/b.png": PNG, "__MACOSX/._a.png": b""})
    created = make.ok(client.post(url, headers=headers, content=body))
    assert created["created"] == 2
    bad = client.post(url, headers=headers, content=_zip({"a.png": PNG, "a.txt": b"hi"}))
    assert bad.status_code == 400 and "pics.zip: a.txt: a file of type text/plain" in bad.text
    broken = client.post(url, headers=headers, content=b"PK not a zip")
    assert broken.status_code == 400 and "not a zip archive" in broken.text
    annotator = client.post(url, headers=accounts["annotator"].headers, content=body)
    assert annotator.status_code == 403
    # A small archive that would unpack past the upload limit is refused before reading it.
    client.app.state.settings.max_upload_bytes = 100_000
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("big.png", PNG + bytes(200_000))
    assert len(out.getvalue()) < 2_000
    bomb = client.post(url, headers=headers, content=out.getvalue())
    assert bomb.status_code == 413 and "more than the limit of 100,000 bytes" in bomb.text
