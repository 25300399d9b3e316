"""The file tests run on both stores: the local data directory and an S3-compatible bucket."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from quorum.db.engine import Database


@pytest.fixture(params=["local", "s3"])
def storage(request: pytest.FixtureRequest) -> dict[str, str]:
    """Settings fields naming the store: none for the data directory, else a fresh bucket."""
    if request.param == "local":
        return {}
    return request.getfixturevalue("s3_bucket").settings()


@pytest.fixture
def client(db: Database, tmp_path: Path, storage: dict[str, str]) -> Iterator:
    """The app in process, its files in the store `storage` names."""
    from fastapi.testclient import TestClient

    from quorum.app import create_app
    from quorum.config import Settings

    app = create_app(Settings(data_dir=tmp_path / "data", **storage), db)
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def fetch_file(client):
    """`fetch_file(file_id, headers)` reads a file as a browser does: from Quorum, or, when it
    redirects to the store's signed URL, from there (a real HTTP request to the store)."""

    def fetch(file_id: str, headers: dict[str, str]) -> httpx.Response:
        served = client.get(f"/api/files/{file_id}", headers=headers, follow_redirects=False)
        if served.status_code != 307:
            return served
        return httpx.get(served.headers["location"])

    return fetch
