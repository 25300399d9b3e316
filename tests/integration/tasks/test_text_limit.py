"""A string larger than QUORUM_MAX_TEXT_BYTES in a task record is refused, naming the record
(its line, in a file) and the field; before, a 30 MB text was stored as a task no page shows."""

from __future__ import annotations

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
def small_limit(monkeypatch):
    monkeypatch.setenv("QUORUM_MAX_TEXT_BYTES", "1000")
    get_settings.cache_clear()
    yield 1000
    monkeypatch.undo()
    get_settings.cache_clear()


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
