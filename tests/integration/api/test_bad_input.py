"""Input the databases cannot store is refused with 400 naming the place, on both databases
alike: U+0000, lone surrogates, integers beyond 64 bits, NaN, deep nesting, ids and offsets
beyond 64 bits, malformed cursors. What is accepted is stored and read back intact."""

from __future__ import annotations

import base64

import orjson
import pytest
from fastapi.routing import APIRoute
from tests import factories as make

from quorum.formats.safe_json import INT64_MAX, MAX_DEPTH
from quorum.http.safe_input import SafeRoute

BIG = "51033318746707133224024276992"


def _refused(response, *names: str) -> str:
    """A 400 whose message names every one of `names`."""
    assert response.status_code == 400, (response.status_code, response.text)
    error = response.json()["error"]
    for name in names:
        assert name in error, (name, error)
    return error


def _nested(depth: int) -> dict:
    """`depth` nested objects: {"a": {"a": ... {} }}."""
    value: dict = {}
    for _ in range(depth - 1):
        value = {"a": value}
    return value


@pytest.fixture
def h(client, accounts):
    """A categorization project `p`, the annotator a member; the manager's headers."""
    headers = accounts["manager"].headers
    make.api_project(client, headers, annotators=["annotator"])
    return headers


@pytest.fixture
def task_id(client, h) -> str:
    task = {"attachment": "t", "unique_id": "u"}
    return make.ok(client.post("/api/projects/p/tasks", headers=h, json=task))["task_id"]


@pytest.fixture
def assignment(client, accounts, task_id) -> tuple[int, dict]:
    """The annotator's claimed assignment on the project's task, and the annotator's headers."""
    headers = accounts["annotator"].headers
    return make.ok(client.post("/api/projects/p/next", headers=headers))["assignment_id"], headers


def test_every_route_checks_its_input(client):
    routes = [r for r in client.app.routes if isinstance(r, APIRoute)]
    assert routes and [r.path for r in routes if not isinstance(r, SafeRoute)] == []


def test_nul_in_the_login_form(client, accounts):
    r = client.post("/login", data={"name": "a\x00b", "password": "x"}, follow_redirects=False)
    _refused(r, "form.name", "U+0000")
    r = client.post("/login", data={"name": "admin", "password": "x\x00"}, follow_redirects=False)
    _refused(r, "form.password")
    r = client.post("/login", content=b"name=admin&pass%00word=x", follow_redirects=False,
                    headers={"content-type": "application/x-www-form-urlencoded"})  # fmt: skip
    _refused(r, "form.pass")


def test_nul_in_uploaded_files_names_the_line(client, h):
    csv = b"attachment,unique_id\nfine,u1\nbad\x00text,u2\n"
    r = client.post("/api/projects/p/tasks/import?filename=t.csv", headers=h, content=csv)
    _refused(r, "t.csv, line 3", "'attachment'", "U+0000")
    header = b"attachment,col\x00umn\nfine,x\n"
    r = client.post("/api/projects/p/tasks/import?filename=h.csv", headers=h, content=header)
    _refused(r, "h.csv, line 1", "U+0000")
    jsonl = b'{"attachment": "fine"}\n{"attachment": "x", "metadata": {"note": "a\\u0000"}}\n'
    r = client.post("/api/projects/p/tasks/import?filename=t.jsonl", headers=h, content=jsonl)
    _refused(r, "t.jsonl, line 2", "metadata.note", "U+0000")
    array = b'[{"attachment": "fine"}, {"attachment": "x", "tags": ["\\u0000"]}]'
    r = client.post("/api/projects/p/tasks/import?filename=t.json", headers=h, content=array)
    _refused(r, "t.json, line 2", "1.tags.0")
    assert client.get("/api/tasks/count?project=p", headers=h).json() == {"total": 0}


def test_nul_in_task_fields(client, h, task_id):
    bulk = b'[{"attachment": "ok", "unique_id": "x\\u0000y"}]'
    _refused(client.post("/api/projects/p/tasks/bulk", headers=h, content=bulk), "body.0.unique_id")
    one = {"attachment": "ok", "tags": ["good", "b\x00d"]}
    _refused(client.post("/api/projects/p/tasks", headers=h, json=one), "body.tags.1")
    key = {"attachment": "ok", "metadata": {"k\x00": 1}}
    _refused(client.post("/api/projects/p/tasks", headers=h, json=key), "body.metadata", "a key")
    r = client.put(f"/api/tasks/{task_id}/metadata", headers=h, json={"note": "a\x00b"})
    _refused(r, "body.note", "U+0000")
    r = client.put(f"/api/tasks/{task_id}/tags", headers=h, json=["a\x00"])
    _refused(r, "body.0")
    r = client.post(f"/v1/task/{task_id}/setMetadata", headers=h, json={"n": "\x00"})
    _refused(r, "body.n")
    scale = {"project": "p", "attachment": "x", "metadata": {"n": "\x00"}}
    _refused(client.post("/v1/task/categorization", headers=h, json=scale), "body.metadata.n")
    assert client.get("/api/tasks/count?project=p", headers=h).json() == {"total": 1}


def test_nul_in_path_and_query(client, h):
    _refused(client.get("/api/projects/a%00b", headers=h), "path.name")
    _refused(client.get("/v1/projects/a%00b", headers=h), "path.name")
    _refused(
        client.post("/api/projects/a%00b/tasks/bulk", headers=h, content=b"[]"), "path.project"
    )
    _refused(client.get("/api/tasks?project=a%00b", headers=h), "query.project")
    _refused(client.get("/api/tasks?tags=ok&tags=a%00b", headers=h), "query.tags")
    _refused(client.get("/v1/tasks?project=a%00b", headers=h), "query.project")
    _refused(client.get("/api/tasks/count?unique_id=%00", headers=h), "query.unique_id")


def test_nul_in_a_multipart_field(client, h):
    files = {"file": ("a.txt", b"binary \x00 bytes are fine here", "text/plain")}
    r = client.post("/v1/files/upload", headers=h, files=files, data={"project_name": "p\x00"})
    _refused(r, "form.project_name")
    raw = (
        b'--B\r\nContent-Disposition: form-data; name="file"; filename="a\x00.txt"\r\n'
        b"Content-Type: text/plain\r\n\r\ntext\r\n--B--\r\n"
    )
    r = client.post(
        "/v1/files/upload",
        headers={**h, "content-type": "multipart/form-data; boundary=B"},
        content=raw,
    )
    _refused(r, "form.file.filename")


def test_nul_in_a_skip_reason(client, assignment):
    assignment_id, headers = assignment
    r = client.post(
        f"/api/assignments/{assignment_id}/skip", headers=headers, json={"reason": "x\x00"}
    )
    _refused(r, "body.reason", "U+0000")


@pytest.mark.parametrize(
    ("body", "where", "what"),
    [
        (b'{"response": {"category": "\\ud800"}}', "body.response.category", "surrogate"),
        (b'{"response": {"category": "a", "n": ' + BIG.encode() + b"}}", "body.response.n", "64"),
        (b'{"response": {"category": "a", "n": -9223372036854775809}}', "body.response.n", "64"),
        (b'{"response": {"category": "a", "n": NaN}}', "body.response.n", "NaN"),
        (b'{"response": {"category": "a"}, "time_spent_s": Infinity}', "body.time_spent_s", "NaN"),
        (b'{"response": {"category": "a"}, "time_spent_s": 1e400}', "body.time_spent_s", "NaN"),
        (b'{"response": ' + b'{"a": ' * 300 + b"{}" + b"}" * 301, "body.response", "nested"),
        (b'{"response": ' + b"[" * 1023 + b"]" * 1023 + b"}", "body", "nested"),
    ],
)
def test_answers_that_cannot_be_stored(client, assignment, body, where, what):
    assignment_id, headers = assignment
    r = client.post(
        f"/api/assignments/{assignment_id}/submit",
        headers={**headers, "content-type": "application/json"},
        content=body,
    )
    _refused(r, where, what)


def test_nan_and_big_ints_in_metadata_and_params(client, h, task_id):
    r = client.put(
        f"/api/tasks/{task_id}/metadata",
        headers={**h, "content-type": "application/json"},
        content=b'{"x": NaN}',
    )
    _refused(r, "body.x", "NaN")
    bulk = b'[{"attachment": "ok", "metadata": {"n": 18446744073709551615}}]'
    _refused(
        client.post("/api/projects/p/tasks/bulk", headers=h, content=bulk), "body.0.metadata.n"
    )
    params = b'{"params": {"categories": ["a", "b"], "n": ' + BIG.encode() + b"}}"
    r = client.post(
        "/api/projects/p/params", headers={**h, "content-type": "application/json"}, content=params
    )
    _refused(r, "body.params.n")


def test_what_is_accepted_is_stored_exported_and_read_back_intact(client, h, task_id):
    """The limits themselves: 64-bit integers and nesting exactly at the bound round-trip."""
    metadata = {"max": INT64_MAX, "min": -INT64_MAX - 1, "deep": _nested(MAX_DEPTH - 1)}
    r = client.put(f"/api/tasks/{task_id}/metadata", headers=h, json=metadata)
    assert r.status_code == 200, r.text
    assert client.get(f"/api/tasks/{task_id}", headers=h).json()["metadata"] == metadata
    exported = client.get("/api/projects/p/export?format=jsonl", headers=h)
    assert exported.status_code == 200
    assert orjson.loads(exported.content.splitlines()[0])["metadata"] == metadata
    too_deep = {"deep": _nested(MAX_DEPTH)}
    r = client.put(f"/api/tasks/{task_id}/metadata", headers=h, json=too_deep)
    _refused(r, "body.deep", f"nested deeper than {MAX_DEPTH}")
    emoji = {"text": "\U0001f600 and \u00e9"}  # surrogate pairs in JSON are fine
    r = client.put(
        f"/api/tasks/{task_id}/metadata",
        headers={**h, "content-type": "application/json"},
        content=b'{"text": "\\ud83d\\ude00 and \\u00e9"}',
    )
    assert r.status_code == 200 and r.json()["metadata"] == emoji


def test_ids_and_offsets_beyond_64_bits(client, h, accounts, assignment):
    _, headers = assignment
    _refused(client.post(f"/api/assignments/{BIG}/release", headers=headers), "assignment_id")
    r = client.post(f"/api/assignments/{BIG}/submit", headers=headers, json={"response": {}})
    _refused(r, "assignment_id")
    r = client.post("/api/jobs/9223372036854775808/retry", headers=accounts["admin"].headers)
    _refused(r, "job_id")
    assert (
        client.post(f"/api/jobs/{INT64_MAX}/retry", headers=accounts["admin"].headers).status_code
        == 404
    )
    _refused(client.get("/v1/batches?offset=99999999999999999999", headers=h), "offset")
    _refused(client.get("/api/batches?offset=99999999999999999999", headers=h), "offset")
    r = client.post(f"/api/assignments/{'9' * 5000}/release", headers=headers)
    _refused(r, "assignment_id")


@pytest.mark.parametrize(
    "path",
    [
        "/api/jobs?cursor=%C3%A9",
        "/api/jobs?cursor=" + "OTk5OTk5OTk5OTk5OTk5OTk5OTk5",  # base64 of 21 nines
        "/api/jobs?cursor=wrI",  # base64 of "²", a digit to str.isdigit
        "/api/tasks?cursor=%C3%A9",
        "/v1/tasks?next_token=%C3%A9.0",
        "/v1/tasks?next_token=x.%C2%B2",
        "/v1/tasks?next_token=x." + "9" * 5000,  # past Python's limit for int("...")
        "/api/jobs?cursor=" + base64.urlsafe_b64encode(b"9" * 5000).decode(),
    ],
)
def test_malformed_cursors(client, accounts, path):
    r = client.get(path, headers=accounts["admin"].headers)
    _refused(r, "cursor" if "cursor" in path else "next_token")
