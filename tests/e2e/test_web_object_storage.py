"""In Chromium: an annotator's image, kept in an S3 bucket, loads from a short-lived signed URL
the page is redirected to (the bytes go from the store to the browser)."""

from __future__ import annotations

import os
import struct
import zlib

import httpx

from tests import factories as make
from tests.conftest import serve
from tests.e2e.web_data import PASSWORD

IMAGES = {"geometries": {"box": {"objects_to_annotate": ["cat"]}}}


def _png(width: int, height: int) -> bytes:
    """A real PNG of one red colour (zlib and a CRC per chunk, as the format says)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = chunk(b"IDAT", zlib.compress(rows))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + idat + chunk(b"IEND", b"")


def test_an_image_from_the_bucket_loads_in_the_annotator_page(browser, db_url, s3_bucket, tmp_path):
    env = {
        **os.environ,
        "QUORUM_DATABASE_URL": db_url,
        "QUORUM_DATA_DIR": str(tmp_path / "data"),
        **s3_bucket.env(),
    }
    with make.session_at(db_url) as s:
        make.project(s, "img", "imageannotation", params=IMAGES, policy={"min_overlap": 1})
        boss = make.person(s, "boss", "manager")
        make.person(s, "ann", projects=["img"], password=PASSWORD)
    with serve(db_url, env) as server:
        files = {"file": ("red.png", _png(30, 20), "image/png")}
        stored = httpx.post(
            f"{server.url}/v1/files/upload", headers=boss.headers, files=files,
            data={"project_name": "img"},
        ).json()  # fmt: skip
        task = {"attachment": f"/api/files/{stored['id']}"}
        created = httpx.post(
            f"{server.url}/api/projects/img/tasks", headers=boss.headers, json=task
        )
        assert created.status_code == 200, created.text

        context = browser.new_context(base_url=server.url)
        page = context.new_page()
        from_store: list[int] = []
        page.on(
            "response",
            lambda r: r.url.startswith(s3_bucket.endpoint) and from_store.append(r.status),
        )
        page.goto("/login")
        page.get_by_label("User name").fill("ann")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_label("Password").press("Enter")
        page.wait_for_url("**/work")
        page.goto("/work/img")
        # The drawing surface takes the image's own size once the browser has decoded it.
        surface = page.locator(".imageannotation svg[viewBox='0 0 30 20']")
        surface.wait_for()
        context.close()
    assert from_store and set(from_store) == {200}
