"""Two `quorum serve` processes, as on two machines: one PostgreSQL database, one S3 bucket, and
each its own data directory (no shared disk). A file uploaded through one is served by the
other, to the people allowed to read it, and never written to either machine's disk."""

from __future__ import annotations

import os

import httpx
import pytest

from tests import factories as make
from tests.conftest import serve

PNG = b"\x89PNG\r\n\x1a\n a picture shared by two servers"


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_a_file_uploaded_through_one_server_is_served_by_the_other(db_url, s3_bucket, tmp_path):
    with make.session_at(db_url) as s:
        make.project(s)
        boss = make.person(s, "boss", "manager").headers
        ann = make.person(s, "ann", projects=["p"]).headers
        outsider = make.person(s, "outsider").headers
    machine = {
        **os.environ,
        "QUORUM_DATABASE_URL": db_url,
        "QUORUM_SECRET_KEY": "one secret for every server",
        **s3_bucket.env(),
    }
    with (
        serve(db_url, {**machine, "QUORUM_DATA_DIR": str(tmp_path / "one")}) as one,
        serve(db_url, {**machine, "QUORUM_DATA_DIR": str(tmp_path / "two")}) as two,
        httpx.Client(base_url=one.url, timeout=30) as first,
        httpx.Client(base_url=two.url, timeout=30, follow_redirects=True) as second,
    ):
        files = {"file": ("cat.png", PNG, "image/png")}
        stored = first.post(
            "/v1/files/upload", headers=boss, files=files, data={"project_name": "p"}
        )
        assert stored.status_code == 200, stored.text
        file_id = stored.json()["id"]

        # The annotator's browser asks the other server, which redirects to the bucket.
        served = second.get(f"/api/files/{file_id}", headers=ann)
        assert served.status_code == 200 and served.content == PNG
        assert [hop.status_code for hop in served.history] == [307]
        assert served.url.host == "127.0.0.1" and s3_bucket.name in served.url.path
        assert second.get(f"/api/files/{file_id}", headers=outsider).status_code == 404

        # A type that could run comes through the server from the bucket, sandboxed.
        page = b"<script>alert(1)</script>"
        html = second.post(
            "/v1/files/upload", headers=boss, files={"file": ("x.html", page, "text/html")}
        ).json()["id"]
        proxied = first.get(f"/api/files/{html}", headers=boss)
        assert proxied.status_code == 200 and proxied.content == page and not proxied.history
        assert "sandbox" in proxied.headers["content-security-policy"]

    assert s3_bucket.keys() == sorted([f"quorum/files/{file_id}", f"quorum/files/{html}"])
    assert not (tmp_path / "one" / "files").exists() and not (tmp_path / "two" / "files").exists()
