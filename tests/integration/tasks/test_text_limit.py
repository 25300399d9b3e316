"""A string larger than QUORUM_MAX_TEXT_BYTES in a task record is refused, naming the record
(its line, in a file) and the field; before, a 30 MB text was stored as a task no page shows."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

import orjson
import pytest
from tests import factories as make

from quorum.config import get_settings


@pytest.fixture
def boss(client, accounts):
    headers = accounts["manager"].headers
    make.api_project(client, headers, "p")
    return headers


@pytest.fixture
def small_limit(settings_env):
    settings_env(QUORUM_MAX_TEXT_BYTES="1000")
    return 1000


def _count(client, boss) -> int:
    return client.get("/api/tasks/count?project=p", headers=boss).json()["total"]


def test_the_default_limit_refuses_a_huge_text_in_a_file_naming_its_line(client, boss):
    huge = "é" * 600_000  # 1.2 MB in UTF-8, 600,000 characters
    lines = [{"attachment": "fine"}, {"attachment": huge}]
    body = b"\n".join(orjson.dumps(r) for r in lines)
    r = client.post("/api/projects/p/tasks/import?filename=big.jsonl", headers=boss, content=body)
    assert r.status_code == 400, r.text[:300]
    assert r.json()["errors"] == [
        {
            "loc": "big.jsonl, line 2.attachment",
            "msg": "is 1,200,000 bytes; a text may be at most 1,000,000 (QUORUM_MAX_TEXT_BYTES)",
        }
    ]
    assert "nothing was imported" in r.json()["error"]
    assert _count(client, boss) == 0


def test_a_configured_limit_applies_to_nested_texts_on_the_api(client, boss, small_limit):
    records = [
        {"attachment": "ok", "metadata": {}},
        {"attachment": "a" * small_limit},  # exactly at the limit: accepted
        {"attachment": "x", "instruction": "b" * (small_limit + 1)},
    ]
    r = client.post("/api/projects/p/tasks/bulk", headers=boss, json=records)
    assert r.status_code == 400, r.text
    assert [e["loc"] for e in r.json()["errors"]] == ["record 3.instruction"]
    assert (
        client.post("/api/projects/p/tasks/bulk", headers=boss, json=records[:2]).status_code == 200
    )
    make.api_project(client, boss, "pairs", "comparison")
    candidates = [{"id": "a", "content": "short"}, {"id": "b", "content": "c" * 2000}]
    r = client.post(
        "/api/projects/pairs/tasks", headers=boss, json={"prompt": "hi", "candidates": candidates}
    )
    assert r.status_code == 400, r.text
    assert [e["loc"] for e in r.json()["errors"]] == ["task.candidates.1.content"]


def test_the_scale_face_and_the_single_task_api_name_the_huge_field(client, boss):
    huge = "x" * 2_000_000  # over QUORUM_MAX_TEXT_BYTES, within QUORUM_MAX_JSON_BYTES
    limit = "is 2,000,000 bytes; a text may be at most 1,000,000 (QUORUM_MAX_TEXT_BYTES)"
    for path, body in (
        ("/v1/task/categorization", {"project": "p", "attachment": huge, "categories": ["a", "b"]}),
        ("/v1/task/categorization", {"attachment": huge, "categories": ["a", "b"]}),
        ("/api/projects/p/tasks", {"attachment": huge}),
    ):
        r = client.post(path, headers=boss, json=body)
        assert r.status_code == 400, (path, r.text[:300])
        assert r.json()["errors"] == [{"loc": "task.attachment", "msg": limit}], path
    assert _count(client, boss) == 0


def _post_raw(app, path: str, headers: dict[str, str], size: int, declared: bool):
    """POST `size` bytes to `app` in 1 MiB chunks made as they are asked for; the response
    status and how many bytes the server asked for."""
    chunk, asked = 1 << 20, [0]

    async def receive() -> dict:
        part = min(chunk, size - asked[0])
        asked[0] += part
        return {"type": "http.request", "body": b" " * part, "more_body": asked[0] < size}

    sent: list[dict] = []

    async def send(message: dict) -> None:
        sent.append(message)

    length = [(b"content-length", str(size).encode())] if declared else []
    scope = {
        "type": "http", "http_version": "1.1", "method": "POST", "scheme": "http",
        "path": path, "raw_path": path.encode(), "query_string": b"", "root_path": "",
        "server": ("testserver", 80), "client": ("127.0.0.1", 1),
        "headers": [
            *((k.lower().encode(), v.encode()) for k, v in headers.items()),
            (b"content-type", b"application/json"), *length,
        ],
    }  # fmt: skip
    # In a thread of its own: a session-wide event loop (Playwright's) may run in this one.
    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, app(scope, receive, send)).result()
    start = next(m for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return start["status"], orjson.loads(body), asked[0]


@pytest.mark.parametrize("path", ["/v1/task/categorization", "/api/projects/p/tasks"])
def test_a_30_mb_body_is_refused_before_it_is_read(client, boss, path):
    limit = get_settings().max_json_bytes
    message = f"body: larger than the limit of {limit:,} bytes (QUORUM_MAX_JSON_BYTES)"
    status, body, asked = _post_raw(client.app, path, boss, 30_000_000, declared=True)
    assert (status, body, asked) == (413, {"error": message}, 0)  # not a byte read
    status, body, asked = _post_raw(client.app, path, boss, 30_000_000, declared=False)
    assert (status, body) == (413, {"error": message})
    assert asked <= limit + (1 << 20)  # read only up to the bound, then refused
    assert _count(client, boss) == 0
