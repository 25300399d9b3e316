"""Stored files on an S3-compatible store (moto's server): browsers get a short-lived signed URL
for types that cannot run (the route checks access first), Quorum streams any other type with
its sandboxing headers, and a write is whole or absent, however large."""

from __future__ import annotations

import hashlib
import io
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from tests import factories as make

from quorum.config import Settings
from quorum.services.files.storage import PART_BYTES, TooLarge, storage_for

PNG = b"\x89PNG\r\n\x1a\n a picture"
s3_only = pytest.mark.parametrize("storage", ["s3"], indirect=True)


def _upload(client, headers, name: str, data: bytes, mime: str, **form) -> dict:
    files = {"file": (name, data, mime)}
    return make.ok(client.post("/v1/files/upload", headers=headers, files=files, data=form))


@s3_only
def test_a_browser_follows_the_redirect_to_a_signed_url(client, accounts, s3_bucket):
    headers = accounts["manager"].headers
    make.api_project(client, headers, annotators=["annotator"])
    stored = _upload(client, headers, "cat.png", PNG, "image/png", project_name="p")

    served = client.get(
        f"/api/files/{stored['id']}", headers=accounts["annotator"].headers,
        follow_redirects=False,
    )  # fmt: skip
    assert served.status_code == 307 and served.headers["cache-control"] == "no-store"
    location = served.headers["location"]
    assert location.startswith(f"{s3_bucket.endpoint}/{s3_bucket.name}/quorum/files/")
    assert parse_qs(urlsplit(location).query)["X-Amz-Expires"] == ["300"]
    # The browser's second hop: no Quorum credentials, the signature is the permission.
    with httpx.Client(follow_redirects=True) as browser:
        fetched = browser.get(location)
    assert fetched.content == PNG
    assert fetched.headers["content-type"] == "image/png"
    assert fetched.headers["content-disposition"] == "inline; filename*=UTF-8''cat.png"


@pytest.mark.parametrize(
    ("name", "mime"),
    [("page.html", "text/html"), ("logo.svg", "image/svg+xml"), ("blob.bin", None)],
)
def test_a_type_that_could_run_is_sent_by_quorum_sandboxed(client, accounts, name, mime):
    headers = accounts["manager"].headers
    data = b"<html><script>alert(document.cookie)</script></html>"
    stored = _upload(client, headers, name, data, mime or "application/octet-stream")
    served = client.get(f"/api/files/{stored['id']}", headers=headers, follow_redirects=False)
    assert served.status_code == 200 and served.content == data
    assert served.headers["content-security-policy"] == "default-src 'none'; sandbox"
    assert served.headers["x-content-type-options"] == "nosniff"


def test_an_annotator_without_access_gets_404_and_no_url(client, accounts):
    manager = accounts["manager"].headers
    make.api_project(client, manager)  # the annotator is not a member
    stored = _upload(client, manager, "cat.png", PNG, "image/png", project_name="p")
    refused = client.get(
        f"/api/files/{stored['id']}", headers=accounts["annotator"].headers,
        follow_redirects=False,
    )  # fmt: skip
    assert refused.status_code == 404
    assert "location" not in refused.headers and "X-Amz" not in refused.text


@s3_only
def test_a_large_write_goes_in_parts_and_arrives_whole(client, s3_bucket):
    store = storage_for(client.app.state.settings)
    data = (bytes(range(256)) * (PART_BYTES // 256 * 2 + 1000))[: 2 * PART_BYTES + 12345]
    written = store.write("files/big", io.BytesIO(data), limit=len(data))
    assert (written.size, written.sha256) == (len(data), hashlib.sha256(data).hexdigest())
    with store.open("files/big") as stream:
        assert stream.read() == data
    assert s3_bucket.keys() == ["quorum/files/big"]


@s3_only
def test_too_large_leaves_no_object_and_no_parts(client, s3_bucket):
    store = storage_for(client.app.state.settings)
    data = b"x" * (PART_BYTES + PART_BYTES // 2)
    with pytest.raises(TooLarge):
        store.write("files/big", io.BytesIO(data), limit=PART_BYTES + 1)
    assert s3_bucket.keys() == []
    pending = s3_bucket.client().list_multipart_uploads(Bucket=s3_bucket.name)
    assert pending.get("Uploads", []) == []
    assert not store.exists("files/big")


def test_a_storage_url_of_an_unknown_kind_is_refused():
    with pytest.raises(ValueError, match="s3://bucket/prefix"):
        storage_for(Settings(storage_url="gs://bucket/x"))
