"""The unmodified official `scaleapi` client against a live `quorum serve` at `/v1`.

Requesters act only through `ScaleClient`; annotators work through Quorum's native annotator
API; callbacks arrive at a local receiver. Setup that Scale's client has no method for (users,
API keys, a project's quality policy, its callback key) goes through Quorum's own tools.
"""

from __future__ import annotations

import datetime as dt
import io
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import orjson
import pytest
from scaleapi import ScaleClient
from scaleapi.batches import BatchStatus
from scaleapi.exceptions import (
    ScaleDuplicateResource,
    ScaleException,
    ScaleInvalidRequest,
    ScaleResourceNotFound,
    ScaleUnauthorized,
)
from scaleapi.tasks import TaskReviewStatus, TaskStatus, TaskType
from scaleapi.teams import TeammateRole

from quorum.db.engine import Database
from quorum.services.accounts import users
from quorum.services.projects import catalog
from tests.callback_receiver import receiver

CATEGORIES = ["cat", "dog"]
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def private_callbacks(monkeypatch):
    """Set before `live_server` starts, so the server sees them."""
    monkeypatch.setenv("QUORUM_CALLBACK_ALLOW_PRIVATE", "1")
    monkeypatch.setenv("QUORUM_CALLBACK_RETRY_FIRST_S", "0.2")


@pytest.fixture
def keys(live_server) -> dict[str, str]:
    """A manager with a live and a test key, an admin, two annotators and an outsider."""
    db = Database(live_server.db_url, pool_size=1)
    made = {}
    with db.session(write=True) as s:
        for name, role in (
            ("boss", "manager"),
            ("root", "admin"),
            ("ann1", "annotator"),
            ("ann2", "annotator"),
            ("outsider", "annotator"),
        ):
            users.create_user(s, name, role, email=f"{name}@example.com")
            made[name] = users.create_api_key(s, name)
        made["boss_test"] = users.create_api_key(s, "boss", test=True)
    db.dispose()
    return made


def _scale(live_server, key: str) -> ScaleClient:
    return ScaleClient(key, api_instance_url=f"{live_server.url}/v1")


def _native(key: str) -> httpx.Client:
    return httpx.Client(headers={"Authorization": f"Bearer {key}"}, timeout=30)


def _work(live_server, key: str, project: str, answer) -> list[dict]:
    """Annotate through the native annotator API until the queue is empty; the params of the
    tasks answered, in the order they were served."""
    http = _native(key)
    done = []
    while True:
        claimed = http.post(f"{live_server.url}/api/projects/{project}/next")
        if claimed.status_code == 204:
            return done
        assert claimed.status_code == 200, claimed.text
        item = claimed.json()
        submitted = http.post(
            f"{live_server.url}/api/assignments/{item['assignment_id']}/submit",
            json={"response": answer(item["params"])},
        )
        assert submitted.status_code == 200, submitted.text
        done.append(item["params"])


def _as_the_api_shows(client: ScaleClient, callback_task: dict) -> None:
    """A callback's task is the object `get_task` returns (bar `callback_succeeded`, which
    only the delivery settles): Scale's shape, no annotators' answers, no gold answer."""
    shown = client.get_task(callback_task["task_id"]).as_dict()
    assert {**callback_task, "callback_succeeded": None} == {**shown, "callback_succeeded": None}
    assert not {"annotations", "review_status", "expected_response"} & set(callback_task)


def _project_params() -> dict[str, tuple[TaskType, dict, dict]]:
    """For every supported type: (type, project params, one task's params)."""
    image = "https://example.com/street.jpg"
    return {
        "cats": (TaskType.Categorization, {"categories": CATEGORIES}, {"attachment": "a cat"}),
        "survey": (
            TaskType.TextCollection,
            {"fields": [{"type": "text", "field_id": "summary", "title": "Summary"}]},
            {"attachments": [{"type": "text", "content": "Long text."}]},
        ),
        "entities": (
            TaskType.NamedEntityRecognition,
            {"labels": [{"name": "PER"}]},
            {"text": "Ada Lovelace wrote notes."},
        ),
        "streets": (
            TaskType.ImageAnnotation,
            {"geometries": {"box": {"objects_to_annotate": ["car"]}}},
            {"attachment": image},
        ),
        "boxes": (TaskType.Annotation, {"objects_to_annotate": ["car"]}, {"attachment": image}),
        "shapes": (
            TaskType.PolygonAnnotation,
            {"objects_to_annotate": ["roof"]},
            {"attachment": image},
        ),
        "lanes": (
            TaskType.LineAnnotation,
            {"objects_to_annotate": ["lane"]},
            {"attachment": image},
        ),
        "joints": (
            TaskType.PointAnnotation,
            {"objects_to_annotate": ["knee"]},
            {"attachment": image},
        ),
        "pairs": (
            TaskType.Comparison,
            {},
            {
                "prompt": "Say hi",
                "candidates": [{"id": "a", "content": "hi"}, {"id": "b", "content": "hello"}],
            },
        ),
        "receipts": (
            TaskType.Transcription,
            {"fields": {"total": "The total"}, "repeatable_fields": {"item": "Each item"}},
            {"attachment": image, "attachment_type": "image"},
        ),
    }


def test_requester_workflow_with_annotators_and_callbacks(private_callbacks, live_server, keys):
    client = _scale(live_server, keys["boss"])
    api = live_server.url

    # Projects of every supported type, each with one task; a name with a slash works too.
    for name, (task_type, params, task_params) in _project_params().items():
        project = client.create_project(name, task_type, params={**params, "instruction": "Go"})
        assert (project.name, project.type, project.version) == (name, task_type.value, 0)
        task = client.create_task(task_type, project=name, **task_params)
        assert task.status == "pending" and task.type == task_type.value
    assert {p.name for p in client.get_projects()} >= set(_project_params())
    with pytest.raises(ScaleDuplicateResource):
        client.create_project("cats", TaskType.Categorization, params={"categories": CATEGORIES})
    with pytest.raises(ScaleInvalidRequest, match="supported: annotation"):
        client.create_project("docs", TaskType.DocumentTranscription)
    slashed = client.create_project(
        "team a/cats", TaskType.Categorization, {"categories": CATEGORIES}
    )
    assert client.get_project(slashed.name).name == "team a/cats"

    # A new params version; patch keeps the categories.
    updated = client.update_project("cats", patch=True, instruction="Pick the animal")
    assert updated.version == 1 and updated.instruction == "Pick the animal"
    assert updated.params["params"]["categories"] == CATEGORIES
    assert [h["version"] for h in client.get_project("cats").as_dict()["param_history"]] == [0, 1]

    # The callback key is a Quorum setting (Scale's dashboard has it).
    boss = _native(keys["boss"])
    callback_key = boss.get(f"{api}/api/projects/cats/callback").json()["callback_key"]
    policy = boss.patch(f"{api}/api/projects/cats/policy", json={"max_overlap": 1})
    assert policy.status_code == 200, policy.text
    boss.post(f"{api}/api/projects/cats/members", json={"user": "ann1", "role": "annotator"})

    with receiver(200) as rx:
        batch = client.create_batch("cats", "week 1/a", callback=f"{rx.url}/batch")
        assert batch.status == BatchStatus.InProgress.value and batch.project == "cats"
        with pytest.raises(ScaleDuplicateResource):
            client.create_batch("cats", "week 1/a")
        assert client.set_batch_metadata("week 1/a", {"owner": "ml"}).metadata == {"owner": "ml"}
        assert client.get_batch("week 1/a").name == "week 1/a"

        # Quality tasks: the training task is the qualification though created last.
        evaluation = client.create_evaluation_task(
            TaskType.Categorization,
            project="cats",
            attachment="gold",
            expected_response={"category": "dog"},
        )
        training = client.create_training_task(
            TaskType.Categorization,
            project="cats",
            attachment="train",
            expected_response={"category": "cat"},
        )
        assert training.expected_response == {"category": "cat"}
        assert evaluation.id != training.id

        created = []
        for i in range(5):
            task = client.create_task(
                TaskType.Categorization,
                project="cats",
                batch="week 1/a",
                attachment=f"pet {i}",
                unique_id=f"u-{i}",
                metadata={"i": i},
                callback_url=f"{rx.url}/task",
                **({"tags": ["odd"]} if i % 2 else {}),
            )
            created.append(task)
        assert created[0].metadata == {"i": 0} and "tags" not in created[0].as_dict()
        assert created[1].tags == ["odd"] and created[1].unique_id == "u-1"
        with pytest.raises(ScaleDuplicateResource):
            client.create_task(
                TaskType.Categorization, project="cats", attachment="x", unique_id="u-0"
            )
        with pytest.raises(ScaleInvalidRequest, match="attachment"):
            client.create_task(TaskType.Categorization, project="cats")

        # Metadata, tags, unique ids.
        first = created[0].id
        assert client.set_task_metadata(first, {"k": "v"}).metadata == {"k": "v"}
        assert client.set_task_tags(first, ["a", "b"]).tags == ["a", "b"]
        assert client.add_task_tags(first, ["b", "c"]).tags == ["a", "b", "c"]
        assert client.delete_task_tags(first, ["a"]).tags == ["b", "c"]
        assert client.update_task_unique_id(first, "u-first").unique_id == "u-first"
        with pytest.raises(ScaleDuplicateResource):
            client.update_task_unique_id(first, "u-1")
        assert "unique_id" not in client.clear_task_unique_id(first).as_dict()
        with pytest.raises(ScaleResourceNotFound):
            client.get_task("0" * 24)

        # Cancel a pending one; cancelling again is an invalid request (never a 409).
        canceled = client.cancel_task(created[4].id, clear_unique_id=True)
        assert canceled.status == "canceled" and "unique_id" not in canceled.as_dict()
        with pytest.raises(ScaleInvalidRequest):
            client.cancel_task(created[4].id)

        # Listing: every filter, and more than one page.
        listed = list(client.get_tasks(project_name="cats", limit=2))
        assert len(listed) == 8  # five in the batch, one without, two gold ones: newest first
        assert [t.id for t in listed] == sorted((t.id for t in listed), reverse=True)
        page = client.tasks(project="cats", limit=2)
        assert page.total == 8 and page.has_more and page.next_token and len(page.docs) == 2
        assert client.get_tasks_count(project_name="cats") == 8
        assert client.get_tasks_count(batch_name="week 1/a") == 5
        assert client.get_tasks_count(project_name="cats", status=TaskStatus.Canceled) == 1
        assert client.get_tasks_count(project_name="cats", tags=["odd"]) == 2
        assert client.get_tasks_count(project_name="cats", tags=["b", "c"]) == 1
        assert client.get_tasks_count(project_name="cats", unique_id=["u-1", "u-2"]) == 2
        assert client.get_tasks_count(project_name="cats", task_type=TaskType.Categorization) == 8
        assert client.get_tasks_count(project_name="cats", task_type=TaskType.Comparison) == 0
        later = (dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)).isoformat()
        earlier = "2020-01-01"
        assert client.get_tasks_count(project_name="cats", created_after=later) == 0
        assert client.get_tasks_count(project_name="cats", created_before=later) == 8
        assert client.get_tasks_count(project_name="cats", updated_after=earlier) == 8
        assert client.get_tasks_count(project_name="cats", completed_after=earlier) == 0
        assert client.get_tasks_count(project_name="cats", completed_before=later) == 0
        assert client.tasks(unique_id="u-2").docs[0].unique_id == "u-2"  # no project needed
        brief = list(client.get_tasks(project_name="cats", limited_response=True))
        assert set(brief[0].as_dict()) == {"task_id", "status", "metadata", "project"}
        assert client.tasks(project="cats", start_time=later, end_time=later).docs == []

        # Studio: the batch is pending; priorities order it.
        assert [b.name for b in client.list_studio_batches()] == ["week 1/a"]
        [ordered] = client.set_studio_batches_priorities(["week 1/a"])
        assert ordered.studio_priority == 1 and ordered.total == 5
        assert client.reset_studio_batches_priorities()[0].studio_priority is None

        # Finalize; annotators work through the native API.
        assert client.finalize_batch("week 1/a").status == BatchStatus.InProgress.value
        expected = {"train": {"category": "cat"}, "gold": {"category": "dog"}}
        served = _work(
            live_server,
            keys["ann1"],
            "cats",
            lambda p: expected.get(p["attachment"], {"category": "cat"}),
        )
        # The training task, then the four pending tasks and the loose one.
        assert len(served) == 6 and served[0]["attachment"] == "train"
        status = client.batch_status("week 1/a")
        assert status == {
            "status": "completed",
            "pending": 0,
            "completed": 4,
            "canceled": 1,
            "error": 0,
        }

        # Four task completions and the batch's completion arrive, signed with the key.
        received = rx.wait_for(5, timeout=60)
        assert len(received) == 5, [r.path for r in received]
        for request in received:
            assert request.headers["scale-callback-auth"] == callback_key
        task_bodies = [orjson.loads(r.body) for r in received if r.path == "/task"]
        assert {b["task_id"] for b in task_bodies} == {t.id for t in created[:4]}
        for body in task_bodies:
            assert body["status"] == "completed" and body["response"] == {"category": "cat"}
            assert body["task"]["task_id"] == body["task_id"]
            assert body["task"]["type"] == "categorization"
            _as_the_api_shows(client, body["task"])
        [batch_body] = [orjson.loads(r.body) for r in received if r.path == "/batch"]
        assert batch_body["batch"]["name"] == "week 1/a" and batch_body["status"] == "completed"

        done = client.get_task(created[1].id)
        assert done.status == "completed" and done.response == {"category": "cat"}
        assert client.get_tasks_count(project_name="cats", status=TaskStatus.Completed) == 5
        with pytest.raises(ScaleInvalidRequest):
            client.cancel_task(done.id)

        # Audits: accepted, and rejected (back to the queue).
        client.audit_task(created[1].id, True)
        client.audit_task(created[2].id, False, "look again")
        accepted = client.get_task(created[1].id)
        assert accepted.customer_review_status == "accepted"
        assert accepted.audits[0]["audit_source"] == "customer"
        rejected = client.get_task(created[2].id)
        assert rejected.status == "pending" and rejected.customer_review_comments == ["look again"]
        assert (
            client.get_tasks_count(project_name="cats", review_status=TaskReviewStatus.Accepted)
            == 1
        )
        assert (
            client.get_tasks_count(
                project_name="cats",
                review_status=[TaskReviewStatus.Accepted, TaskReviewStatus.Rejected],
            )
            == 2
        )
        # The accepted audit is sent again; the rejected task is pending once more.
        audited = rx.wait_for(6, timeout=60)[5:]
    [again] = audited
    assert again.headers["x-quorum-event"] == "task.audited"
    again_body = orjson.loads(again.body)
    assert again_body["task_id"] == created[1].id
    assert again_body["task"]["customer_review_status"] == "accepted"
    _as_the_api_shows(client, again_body["task"])


def test_transcription_callbacks_carry_scale_shapes(private_callbacks, live_server, keys):
    """The callback of a mapped type shows the task and response as `/v1` does: Scale's
    `{fields, repeatable_fields}`, not the textcollection form annotators fill in."""
    client = _scale(live_server, keys["boss"])
    client.create_project(
        "receipts",
        TaskType.Transcription,
        {"fields": {"total": "The total"}, "repeatable_fields": {"item": "Each item"}},
    )
    boss = _native(keys["boss"])
    api = live_server.url
    assert boss.patch(f"{api}/api/projects/receipts/policy", json={"max_overlap": 1}).is_success
    boss.post(f"{api}/api/projects/receipts/members", json={"user": "ann1", "role": "annotator"})
    answers = {"total": ["9.50"], "item": ["tea", "cake"]}
    scale_response = {"fields": {"total": "9.50"}, "repeatable_fields": {"item": ["tea", "cake"]}}
    with receiver(200) as rx:
        task = client.create_task(
            TaskType.Transcription,
            project="receipts",
            attachment="https://example.com/receipt.png",
            callback_url=f"{rx.url}/task",
        )
        [served] = _work(
            live_server,
            keys["ann1"],
            "receipts",
            lambda p: {
                "annotations": {
                    f["field_id"]: {
                        "type": "text",
                        "field_id": f["field_id"],
                        "response": answers[f["field_id"]],
                    }
                    for f in p["fields"]
                }
            },
        )
        assert {f["field_id"] for f in served["fields"]} == {"total", "item"}
        [completed] = rx.wait_for(1, timeout=60)
        body = orjson.loads(completed.body)
        assert body["task_id"] == task.id and body["status"] == "completed"
        assert body["response"] == scale_response == body["task"]["response"]
        assert body["task"]["type"] == "transcription"
        _as_the_api_shows(client, body["task"])

        # An audit sends the callback again, in the same shape.
        client.audit_task(task.id, True, "tidy")
        audited = rx.wait_for(2, timeout=60)[1]
    assert audited.headers["x-quorum-event"] == "task.audited"
    body = orjson.loads(audited.body)
    assert body["response"] == scale_response
    assert body["task"]["customer_review_status"] == "accepted"
    assert body["task"]["customer_review_comments"] == ["tidy"]
    _as_the_api_shows(client, body["task"])


@contextmanager
def _file_server(data: bytes) -> Iterator[str]:
    """A local HTTP server answering every GET with `data` (for files/import)."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_files_teams_and_studio(private_callbacks, live_server, keys):
    client = _scale(live_server, keys["boss"])
    client.create_project(
        "photos",
        TaskType.ImageAnnotation,
        {"geometries": {"box": {"objects_to_annotate": ["car"]}}},
    )

    # Upload a file and use it as an attachment; import another from a URL.
    uploaded = client.upload_file(io.BytesIO(PNG), project_name="photos")
    assert uploaded.attachment_url.endswith(f"/api/files/{uploaded.id}")
    assert uploaded.as_dict()["size"] == len(PNG) and uploaded.as_dict()["project_names"] == [
        "photos"
    ]
    with _file_server(PNG) as origin:
        imported = client.import_file(f"{origin}/street.png")
    assert imported.as_dict()["mime_type"] == "image/png"
    task = client.create_task(
        TaskType.ImageAnnotation, project="photos", attachment=imported.attachment_url
    )
    assert task.params["attachment"] == imported.attachment_url
    with pytest.raises(ScaleInvalidRequest, match="file_url"):
        client.import_file("ftp://example.com/x.png")

    # Teams: invite, list, set roles; making a manager takes an admin.
    invited = client.invite_teammates(
        ["new1@example.com", "new2@example.com"], TeammateRole.Labeler
    )
    assert [(t.email, t.role) for t in invited] == [
        ("new1@example.com", "labeler"),
        ("new2@example.com", "labeler"),
    ]
    assert {"new1@example.com", "boss@example.com"} <= {t.email for t in client.list_teammates()}
    [member] = client.update_teammates_role(["new2@example.com"], TeammateRole.Member)
    assert member.role == "member"
    with pytest.raises(ScaleException) as refused:
        client.update_teammates_role(["new2@example.com"], TeammateRole.Manager)
    assert refused.value.code == 403
    admin = _scale(live_server, keys["root"])
    assert (
        admin.update_teammates_role(["new2@example.com"], TeammateRole.Manager)[0].role == "manager"
    )

    # Studio assignments are project memberships: members may read the project's files.
    assignments = client.add_studio_assignments(["ann1@example.com"], ["photos"])
    assert assignments["ann1@example.com"].assigned_projects == ["photos"]
    assert client.list_studio_assignments()["ann1@example.com"].assigned_projects == ["photos"]
    for url in (uploaded.attachment_url, imported.attachment_url):
        assert _native(keys["ann1"]).get(url).content == PNG
        assert _native(keys["outsider"]).get(url).status_code == 404
    assert httpx.get(uploaded.attachment_url).status_code == 401
    assert "ann1@example.com" not in client.remove_studio_assignments(
        ["ann1@example.com"], ["photos"]
    )
    with pytest.raises(ScaleResourceNotFound):
        client.add_studio_assignments(["nobody@example.com"], ["photos"])
    with pytest.raises(ScaleInvalidRequest, match="not members of project 'photos'"):
        client.create_project_group("photos", ["ann1@example.com"], "g")


def test_test_keys_complete_tasks_at_once_and_bad_keys_are_refused(live_server, keys):
    test_client = _scale(live_server, keys["boss_test"])
    test_client.create_project("try", TaskType.Categorization, {"categories": CATEGORIES})
    task = test_client.create_task(TaskType.Categorization, project="try", attachment="x")
    assert task.status == "completed" and task.response == {"category": "cat"}
    receipts = test_client.create_project(
        "receipts", TaskType.Transcription, {"fields": {"total": "Total"}}
    )
    assert receipts.type == "transcription"
    done = test_client.create_task(
        TaskType.Transcription, project="receipts", attachment="https://example.com/r.png"
    )
    assert done.status == "completed" and set(done.response["fields"]) == {"total"}
    with pytest.raises(ScaleUnauthorized):
        _scale(live_server, "live_not-a-key").get_projects()
    db = Database(live_server.db_url, pool_size=1)
    with db.session() as s:  # the project exists for Quorum too
        assert catalog.get_project(s, "receipts").task_type == "textcollection"
    db.dispose()


def _claim_one(live_server, key: str, project: str) -> str | None:
    """One task through the native annotator API, answered; its attachment (None: nothing)."""
    http = _native(key)
    claimed = http.post(f"{live_server.url}/api/projects/{project}/next")
    if claimed.status_code == 204:
        return None
    assert claimed.status_code == 200, claimed.text
    item = claimed.json()
    answer = {"response": {"category": "cat"}}
    done = http.post(
        f"{live_server.url}/api/assignments/{item['assignment_id']}/submit", json=answer
    )
    assert done.status_code == 200, done.text
    return item["params"]["attachment"]


def test_tasks_without_a_project_go_to_the_default_project_of_their_type(live_server, keys):
    """Older client code creates tasks with no project at all, as Scale's v1 API allows."""
    client = _scale(live_server, keys["boss"])
    task = client.create_task(
        TaskType.Categorization, callback_url="https://example.com/cb", attachment="a cat",
        categories=CATEGORIES,
    )  # fmt: skip
    assert task.status == "pending" and task.project == "default-categorization"
    again = client.create_task(TaskType.Categorization, attachment="a dog", categories=CATEGORIES)
    assert again.project == task.project
    [default] = [p for p in client.get_projects() if p.name == "default-categorization"]
    assert default.type == "categorization"
    assert client.get_tasks_count(project_name="default-categorization") == 2
    # A mapped type gets its own default project, created as that Scale type.
    receipt = client.create_task(
        TaskType.Transcription, attachment="https://example.com/r.png", fields={"total": "Total"}
    )
    assert receipt.project == "default-transcription"
    assert client.get_project("default-transcription").type == "transcription"
    page = (Path(__file__).parents[2] / "docs" / "scale-compatibility.md").read_text()
    assert "default-categorization" in page


def test_batches_serve_at_once_unless_staged_and_list_newest_first(live_server, keys):
    client = _scale(live_server, keys["boss"])
    client.create_project("plain", TaskType.Categorization, {"categories": CATEGORIES})
    boss = _native(keys["boss"])
    boss.post(f"{live_server.url}/api/projects/plain/members",
              json={"user": "ann1", "role": "annotator"})  # fmt: skip

    # An ordinary project: in progress at once, its tasks served straight away.
    batch = client.create_batch("plain", "now")
    assert batch.status == BatchStatus.InProgress.value
    client.create_task(TaskType.Categorization, project="plain", batch="now", attachment="t")
    assert client.batch_status("now")["status"] == "in_progress"
    assert _claim_one(live_server, keys["ann1"], "plain") == "t"
    assert client.finalize_batch("now").status in ("in_progress", "completed")  # a no-op

    # A Rapid or Studio project stages its batches until they are finalized.
    for flag in ("rapid", "studio"):
        name = f"{flag}-project"
        client.create_project(name, TaskType.Categorization, {"categories": CATEGORIES},
                              **{flag: True})  # fmt: skip
        boss.post(f"{live_server.url}/api/projects/{name}/members",
                  json={"user": "ann1", "role": "annotator"})  # fmt: skip
        staged = client.create_batch(name, f"{flag}-batch")
        assert staged.status == BatchStatus.Staging.value
        client.create_task(TaskType.Categorization, project=name, batch=staged.name,
                           attachment="held")  # fmt: skip
        assert _claim_one(live_server, keys["ann1"], name) is None
        assert client.finalize_batch(staged.name).status == BatchStatus.InProgress.value
        assert _claim_one(live_server, keys["ann1"], name) == "held"
    # v2's flag, which the v1 client does not send: a raw request asks for staging.
    flagged = httpx.post(
        f"{live_server.url}/v1/batches", auth=(keys["boss"], ""),
        json={"project": "plain", "name": "flagged", "staging_batch": True},
    )  # fmt: skip
    assert flagged.status_code == 200 and flagged.json()["status"] == "staging"

    # Newest first: the three batches just made are the first page of three.
    for name in ("n1", "n2", "n3"):
        client.create_batch("plain", name)
    assert [b.name for b in client.batches(limit=3).docs] == ["n3", "n2", "n1"]
    assert [b.name for b in client.get_batches(project_name="plain")][:4] == [
        "n3", "n2", "n1", "flagged",
    ]  # fmt: skip
    # Tasks: descending created_at, as the reference says.
    made = [
        client.create_task(TaskType.Categorization, project="plain", attachment=f"o{i}")
        for i in range(3)
    ]
    listed = client.tasks(project="plain", limit=3).docs
    assert [t.id for t in listed] == [t.id for t in reversed(made)]
    assert [t.created_at for t in listed] == sorted((t.created_at for t in listed), reverse=True)


def test_project_groups_route_batches_and_the_batch_order_keeps_priorities(live_server, keys):
    client = _scale(live_server, keys["boss"])
    client.create_project("studio", TaskType.Categorization, {"categories": CATEGORIES})
    client.add_studio_assignments(["ann1@example.com", "ann2@example.com"], ["studio"])
    policy = _native(keys["boss"]).patch(
        f"{live_server.url}/api/projects/studio/policy", json={"max_overlap": 1}
    )
    assert policy.status_code == 200, policy.text

    group = client.create_project_group("studio", ["ann1@example.com"], "experts")
    assert (group.name, group.numWorkers, group.isSingleton) == ("experts", 1, False)
    assert group.as_dict()["workers"][0]["email"] == "ann1@example.com"
    with pytest.raises(ScaleDuplicateResource):
        client.create_project_group("studio", [], "experts")
    client.create_project_group("studio", [], "empty")
    assert [g.name for g in client.list_project_groups("studio")] == ["empty", "experts"]
    updated = client.update_project_group("studio", "empty", ["ann2@example.com"], [])
    assert updated.numWorkers == 1
    updated = client.update_project_group("studio", "empty", [], ["ann2@example.com"])
    assert updated.numWorkers == 0
    with pytest.raises(ScaleResourceNotFound):
        client.update_project_group("studio", "nope", [], [])

    client.create_batch("studio", "expert work")
    client.create_batch("studio", "anyone")
    assigned = client.assign_studio_batches("expert work", ["experts"])
    assert assigned.name == "expert work" and assigned.groups == ["experts"]
    with pytest.raises(ScaleResourceNotFound):
        client.assign_studio_batches("expert work", ["nope"])
    for i, priority in enumerate((1, 7)):
        client.create_task(TaskType.Categorization, project="studio", batch="expert work",
                           attachment=f"expert {i}", priority=priority)  # fmt: skip
    anyone = [
        client.create_task(TaskType.Categorization, project="studio", batch="anyone",
                           attachment=f"anyone {i}", priority=priority)
        for i, priority in enumerate((3, 5))
    ]  # fmt: skip

    # Studio order: "anyone" first. It must not overwrite what the requester set.
    ordered = client.set_studio_batches_priorities(["anyone", "expert work"])
    assert [(b.name, b.studio_priority, b.groups) for b in ordered] == [
        ("anyone", 1, []), ("expert work", 2, ["experts"]),
    ]  # fmt: skip
    assert [client.get_task(t.id).priority for t in anyone] == [3, 5]

    # ann2 is not in the group: only the other batch, highest task priority first.
    assert _claim_one(live_server, keys["ann2"], "studio") == "anyone 1"
    assert _claim_one(live_server, keys["ann2"], "studio") == "anyone 0"
    assert _claim_one(live_server, keys["ann2"], "studio") is None
    # ann1 is: the experts' batch, by task priority.
    assert _claim_one(live_server, keys["ann1"], "studio") == "expert 1"
    assert client.reset_studio_batches_priorities()[0].studio_priority is None
    assert _claim_one(live_server, keys["ann1"], "studio") == "expert 0"
