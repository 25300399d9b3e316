"""The task routes over HTTP: bulk JSON, file import, errors with line and field, bounds."""

from __future__ import annotations

import orjson
import pytest
from tests import factories as make


@pytest.fixture
def h(client, accounts):
    headers = accounts["manager"].headers
    make.api_project(
        client,
        headers,
        "reviews",
        params={"categories": ["positive", "negative"]},
        instruction="# Reviews\nPick the sentiment.",
    )
    return headers


def test_bulk_json_array(client, h):
    records = [{"attachment": f"review {i}", "unique_id": f"r{i}"} for i in range(50)]
    r = client.post("/api/projects/reviews/tasks/bulk", headers=h, content=orjson.dumps(records))
    assert r.status_code == 200 and r.json()["created"] == 50
    assert client.get("/api/tasks/count?project=reviews", headers=h).json() == {"total": 50}
    again = client.post(
        "/api/projects/reviews/tasks/bulk", headers=h, content=orjson.dumps(records[:1])
    )
    assert again.status_code == 409 and "'r0'" in again.json()["error"]
    assert (
        client.post(
            "/api/projects/reviews/tasks/bulk", headers=h, content=b'{"attachment": 1}'
        ).status_code
        == 400
    )
    bad = client.post("/api/projects/reviews/tasks/bulk", headers=h, content=b"[{")
    assert bad.status_code == 400 and "not valid JSON" in bad.json()["error"]
    missing = client.post("/api/projects/nope/tasks/bulk", headers=h, content=b"[{}]")
    assert missing.status_code == 404


def test_import_jsonl_and_csv_with_line_numbers(client, h):
    jsonl = b'{"attachment": "fine"}\n\n{"attachment": "also fine", "tags": ["a"]}\n'
    r = client.post("/api/projects/reviews/tasks/import?filename=t.jsonl", headers=h, content=jsonl)
    assert r.status_code == 200 and r.json()["created"] == 2
    bad = b'{"attachment": "fine"}\n{"attachment": "x", "categories": ["one"]}\n'
    r = client.post("/api/projects/reviews/tasks/import?filename=t.jsonl", headers=h, content=bad)
    assert r.status_code == 400
    assert r.json()["error"].startswith("t.jsonl, line 2, field categories:")
    csv = b'attachment,tags,priority,gold\ngreat,a|b,3,"{""category"": ""positive""}"\nawful,,1,\n'
    r = client.post(
        "/api/projects/reviews/tasks/import", headers={**h, "content-type": "text/csv"}, content=csv
    )
    assert r.status_code == 200, r.text
    ids = r.json()["task_ids"]
    task = client.get(f"/api/tasks/{ids[0]}", headers=h).json()
    assert task["tags"] == ["a", "b"] and task["priority"] == 3 and task["is_gold"]
    assert task["expected_response"] == {"category": "positive"}
    r = client.post(
        "/api/projects/reviews/tasks/import?format=csv",
        headers=h,
        content=b"attachment,priority\nx,high\n",
    )
    assert r.status_code == 400 and r.json()["error"].startswith("body, line 2: column 'priority'")
    r = client.post("/api/projects/reviews/tasks/import", headers=h, content=b"x")
    assert r.status_code == 400 and "format" in r.json()["error"]
    assert client.get("/api/tasks/count?project=reviews", headers=h).json() == {"total": 4}


def test_body_bound_gives_413(client, h):
    client.app.state.settings.max_upload_bytes = 1000
    r = client.post(
        "/api/projects/reviews/tasks/bulk",
        headers=h,
        content=orjson.dumps([{"attachment": "x" * 2000}]),
    )
    assert r.status_code == 413 and "limit" in r.json()["error"]


def test_listing_over_http(client, h):
    records = [{"attachment": f"r{i}", "tags": ["t"] if i < 3 else []} for i in range(7)]
    client.post("/api/projects/reviews/tasks/bulk", headers=h, content=orjson.dumps(records))
    page = client.get("/api/tasks?project=reviews&limit=5", headers=h).json()
    assert len(page["docs"]) == 5 and page["has_more"]
    rest = client.get(
        f"/api/tasks?project=reviews&limit=5&cursor={page['next_cursor']}", headers=h
    ).json()
    assert len(rest["docs"]) == 2 and not rest["has_more"]
    assert client.get("/api/tasks/count?tags=t", headers=h).json()["total"] == 3
    assert (
        client.get(
            "/api/tasks/count?created_after=2020-01-01T00:00:00Z&status=pending", headers=h
        ).json()["total"]
        == 7
    )
    r = client.get("/api/tasks?created_after=yesterday", headers=h)
    assert r.status_code == 400 and "created_after" in r.json()["error"]
    assert client.get("/api/tasks?limit=0", headers=h).status_code == 400


def test_gold_never_reaches_an_annotator(client, h, accounts):
    client.post(
        "/api/projects/reviews/members", headers=h, json={"user": "annotator", "role": "annotator"}
    )
    client.post(
        "/api/projects/reviews/tasks",
        headers=h,
        json={"attachment": "secret", "gold": {"category": "negative"}},
    )
    ah = accounts["annotator"].headers
    seen = [
        client.get("/api/projects/reviews", headers=ah).text,
        client.get("/api/projects", headers=ah).text,
    ]
    assert all('negative"}' not in text and "expected_response" not in text for text in seen)
    for path in ("/api/tasks", "/api/tasks/count", "/api/projects/reviews/export"):
        assert client.get(path, headers=ah).status_code == 403


def test_cancel_completed_is_400_and_tags_over_http(client, h):
    task = client.post("/api/projects/reviews/tasks", headers=h, json={"attachment": "x"}).json()
    tid = task["task_id"]
    assert client.post(f"/api/tasks/{tid}/cancel", headers=h).json()["status"] == "canceled"
    r = client.post(f"/api/tasks/{tid}/cancel", headers=h)
    assert r.status_code == 400 and "only pending" in r.json()["error"]
    assert client.post(f"/api/tasks/{tid}/tags", headers=h, json=["a"]).json()["tags"] == ["a"]
    assert (
        client.request("DELETE", f"/api/tasks/{tid}/tags", headers=h, json=["a"]).json()["tags"]
        == []
    )
    assert client.get("/api/tasks/ffffffffffffffffffffffff", headers=h).status_code == 404


def test_link_attachments_must_be_http_or_own_files(client, h):
    """`website` and `pdf` attachments open as links: only http(s) URLs and Quorum's own file
    paths are accepted; the error names the field."""
    own = "/api/files/0123456789abcdef01234567"
    for good in ("https://example.com/a.pdf", "http://docs.example/x", own):
        task = {"attachment_type": "pdf", "attachment": good}
        r = client.post("/api/projects/reviews/tasks", headers=h, json=task)
        assert r.status_code == 200, r.text
    refused = ["javascript:alert(1)", "JavaScript:alert(1)", " javascript:x", "java\tscript:x"]
    refused += ["data:text/html,<script>1</script>", "//evil.example/x", "/api/files/../me"]
    for bad in refused:
        task = {"attachment_type": "website", "attachment": bad}
        r = client.post("/api/projects/reviews/tasks", headers=h, json=task)
        assert r.status_code == 400, bad
        assert [e["loc"] for e in r.json()["errors"]] == ["task.attachment"], r.json()
        assert "http:// or https://" in r.json()["error"]
    assert (
        client.post(  # text attachments are text: no link rule
            "/api/projects/reviews/tasks", headers=h, json={"attachment": "javascript: is a word"}
        ).status_code
        == 200
    )
    fields = [{"type": "text", "field_id": "note", "title": "Note"}]
    project = {"name": "forms", "type": "textcollection", "params": {"fields": fields}}
    created = client.post("/api/projects", headers=h, json=project)
    assert created.status_code == 200, created.text
    attachments = [{"type": "text", "content": "hi"}, {"type": "pdf", "content": "javascript:1"}]
    r = client.post("/api/projects/forms/tasks", headers=h, json={"attachments": attachments})
    assert r.status_code == 400, r.text
    assert [e["loc"] for e in r.json()["errors"]] == ["task.attachments.1.content"], r.json()
