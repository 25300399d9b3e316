"""Callbacks on both databases: a real receiver on 127.0.0.1, retries with backoff, Scale's body
and header, the HMAC signature, `callback_succeeded`, URL resolution and the private-address
rule at creation and at delivery."""

from __future__ import annotations

import hashlib
import hmac
import time
from dataclasses import replace

import orjson
import pytest
from sqlalchemy import select, update
from tests.callback_receiver import receiver

from quorum import jobs
from quorum.config import Settings, get_settings
from quorum.db.models import Job, Task
from quorum.services.accounts import users
from quorum.services.callbacks import outbox
from quorum.services.callbacks import settings as callback_settings
from quorum.services.labeling import assignments
from quorum.services.ops.callback_delivery import DeliveryPolicy, handlers
from quorum.services.projects import catalog
from quorum.services.tasks import batches, creation, edits, queries

# The shipped schedule (10 s doubling to 1 h, for 24 h) compressed to run in seconds.
STRICT = DeliveryPolicy.from_settings(Settings(callback_allow_private=False))
FAST = replace(STRICT, allow_private=True, first_retry_s=0.05, max_retry_s=0.2, timeout_s=5)


@pytest.fixture
def allow_private(monkeypatch):
    """QUORUM_CALLBACK_ALLOW_PRIVATE=1, so that callback URLs may name 127.0.0.1."""
    monkeypatch.setenv("QUORUM_CALLBACK_ALLOW_PRIVATE", "1")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.fixture
def project(db):
    with db.session(write=True) as s:
        catalog.create_project(s, "p", "categorization", params={"categories": ["a", "b"]})
        return callback_settings.project_callback(s, "p")


def _completed_task(db, record: dict) -> str:
    """A task as the completion flow leaves it: completed, with its response."""
    with db.session(write=True) as s:
        [task_id] = creation.create_tasks(s, "p", [{"attachment": "x", **record}])
        s.execute(
            update(Task)
            .where(Task.id == task_id)
            .values(status="completed", response={"category": "a"}, confidence=0.97)
        )
        s.commit()
    return task_id


def _event(db, task_id: str, event: str = "completed") -> int | None:
    with db.session(write=True) as s:
        job_id = outbox.enqueue_task_callback(s, task_id, event)
        s.commit()
    return job_id


def _settle(db, job_id: int, policy: DeliveryPolicy = FAST, timeout: float = 30) -> Job:
    """Run the worker until the job has succeeded or failed for good."""
    worker = jobs.Worker(db, handlers(policy), poll_interval=0.01)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        worker.run_once()
        with db.session() as s:
            job = s.get(Job, job_id)
        if job.status in (jobs.SUCCEEDED, jobs.FAILED):
            return job
        time.sleep(0.02)
    raise AssertionError(f"job {job_id} did not finish: {job.status}, {job.last_error}")


def _callback_succeeded(db, task_id: str) -> bool | None:
    with db.session() as s:
        return queries.task_view(s, task_id)["callback_succeeded"]


def test_a_failing_receiver_gets_the_callback_on_the_third_attempt(db, project, allow_private):
    with receiver(500, 500, 200) as rx:
        task_id = _completed_task(db, {"callback_url": f"{rx.url}/hook", "gold": {"category": "a"}})
        job_id = _event(db, task_id)
        job = _settle(db, job_id)
    assert (job.status, job.attempts) == ("succeeded", 3)
    assert "HTTP 500" in job.last_error  # the last failure is kept
    assert len(rx.requests) == 3 and {r.path for r in rx.requests} == {"/hook"}
    last = rx.requests[-1]
    body = orjson.loads(last.body)
    assert set(body) == {"task", "response", "task_id", "status"}
    assert (body["task_id"], body["status"], body["response"]) == (
        task_id,
        "completed",
        {"category": "a"},
    )
    assert body["task"]["task_id"] == task_id and body["task"]["params"]["attachment"] == "x"
    assert "expected_response" not in body["task"]  # a gold task's answer never leaves
    assert last.headers["content-type"] == "application/json"
    assert last.headers["scale-callback-auth"] == project["callback_key"]
    assert (last.headers["x-quorum-event"], last.headers["x-quorum-delivery"]) == (
        "task.completed",
        str(job_id),
    )
    expected = hmac.new(project["callback_key"].encode(), last.body, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(last.headers["x-quorum-signature"], f"sha256={expected}")
    assert _callback_succeeded(db, task_id) is True


def test_a_project_with_a_scale_type_sends_tasks_as_v1_shows_them(
    db, project, allow_private, client, accounts
):
    """A native project's callbacks carry the native view, also once tasks come into it through
    `/v1`, until a manager sets its `scale_type`: from then on they carry the `/v1` task
    object. (`allow_private` comes before `client`, so the app's own job worker, which may
    deliver too, has the same rule.)"""
    manager = (accounts["manager"].key, "")
    with receiver(200) as rx:
        native = _completed_task(db, {"callback_url": f"{rx.url}/hook"})
        _settle(db, _event(db, native))
        created = client.post(
            "/v1/task/categorization", json={"project": "p", "attachment": "y"}, auth=manager
        )
        assert created.status_code == 200, created.text
        _settle(db, _event(db, native))
        changed = client.patch(
            "/api/projects/p", json={"scale_type": "categorization"}, auth=manager
        )
        assert changed.status_code == 200 and changed.json()["scale_type"] == "categorization"
        _settle(db, _event(db, native))
    before, still, after = (orjson.loads(r.body)["task"] for r in rx.requests)
    assert {"annotations", "review_status"} <= set(before) and set(before) == set(still)
    assert after["type"] == "categorization" and not {"annotations", "review_status"} & set(after)
    shown = client.get(f"/v1/task/{native}", auth=manager).json()
    assert {**after, "callback_succeeded": None} == {**shown, "callback_succeeded": None}


def test_a_receiver_that_always_fails_ends_false_after_the_retry_budget(db, project, allow_private):
    policy = replace(FAST, max_retry_s=0.1, give_up_after_s=0.6)
    with receiver(503) as rx:
        task_id = _completed_task(db, {"callback_url": rx.url})
        job = _settle(db, _event(db, task_id), policy)
    assert job.status == "failed" and job.attempts >= 3 and len(rx.requests) == job.attempts
    assert "HTTP 503" in job.last_error and "gave up" in job.last_error
    assert _callback_succeeded(db, task_id) is False


def test_an_unreachable_receiver_is_retried_like_a_failing_one(db, project, allow_private):
    with receiver() as rx:
        url = rx.url  # closed when the block ends: nothing listens there any more
    task_id = _completed_task(db, {"callback_url": url})
    policy = replace(FAST, give_up_after_s=0.3)
    job = _settle(db, _event(db, task_id), policy)
    assert job.status == "failed" and job.attempts >= 2 and "ConnectError" in job.last_error
    assert _callback_succeeded(db, task_id) is False


def test_a_host_name_resolving_to_loopback_is_refused_at_delivery(db, project):
    with receiver() as rx:
        port = rx.url.rsplit(":", 1)[1]
        # A name, not an IP literal: accepted when given, refused once resolved.
        task_id = _completed_task(db, {"callback_url": f"http://localhost:{port}/hook"})
        job = _settle(db, _event(db, task_id), STRICT)
    assert (job.status, job.attempts) == ("failed", 1)  # refused at once, no retries
    assert "refused" in job.last_error and "non-public address" in job.last_error
    assert rx.requests == []
    assert _callback_succeeded(db, task_id) is False


def test_callback_urls_are_resolved_task_then_batch_then_project(db, project, allow_private):
    with db.session(write=True) as s:
        batches.create_batch(s, "p", "b", callback_url="http://127.0.0.1:1/batch")
        ids = creation.create_tasks(
            s,
            "p",
            [
                {"attachment": "1", "callback_url": "http://127.0.0.1:1/task", "batch": "b"},
                {"attachment": "2", "batch": "b"},
                {"attachment": "3"},
            ],
        )
    first = [_event(db, i) for i in ids]
    assert first[0] and first[1] and first[2] is None  # no URL anywhere: no job
    with db.session(write=True) as s:
        callback_settings.set_project_callback(
            s, "p", {"callback_url": "http://127.0.0.1:1/project"}
        )
    second = [_event(db, i, "audited") for i in ids]
    with db.session() as s:
        payloads = [s.get(Job, j).payload for j in second]
    assert [p["url"].rsplit("/", 1)[1] for p in payloads] == ["task", "batch", "project"]
    assert payloads[2] == {"task_id": ids[2], "event": "audited", "url": payloads[2]["url"]}
    with pytest.raises(ValueError, match="unknown task event"), db.session(write=True) as s:
        outbox.enqueue_task_callback(s, ids[0], "exploded")


@pytest.mark.parametrize("level", ["task", "batch", "project"])
def test_a_task_completed_by_its_last_answer_calls_back_where_it_says(db, allow_private, level):
    """The submission that completes a task queues its event at the task's URL, else its
    batch's, else its project's: the annotator loop reads the precedence the outbox uses."""
    with db.session(write=True) as s:
        policy = {"min_overlap": 2, "max_overlap": 2, "confidence_target": 0.5}
        catalog.create_project(
            s, "p", "categorization", params={"categories": ["a", "b"]}, policy=policy
        )
        callback_settings.set_project_callback(
            s, "p", {"callback_url": "http://127.0.0.1:1/project"}
        )
        batches.create_batch(
            s, "p", "b", callback_url=None if level == "project" else "http://127.0.0.1:1/batch"
        )
        record = {"attachment": "x", **({} if level == "project" else {"batch": "b"})}
        if level == "task":
            record["callback_url"] = "http://127.0.0.1:1/task"
        [task_id] = creation.create_tasks(s, "p", [record])
        people = []
        for name in ("w0", "w1"):
            users.create_user(s, name, "annotator")
            catalog.add_member(s, "p", name, "annotator")
            people.append(users.authenticate_key(s, users.create_api_key(s, name)))

    def jobs_of_task() -> list[dict]:
        with db.session() as s:
            found = s.scalars(select(Job).where(Job.kind == outbox.TASK_CALLBACK)).all()
            return [j.payload for j in found if j.payload["task_id"] == task_id]

    for n, principal in enumerate(people):
        with db.session(write=True) as s:
            claimed = assignments.claim_next(s, principal, "p")
            assert claimed["task_id"] == task_id
            assignments.submit(s, principal, claimed["assignment_id"], {"category": "a"}, 1.0)
        if n == 0:
            assert jobs_of_task() == []  # one answer of two: not completed, no event
    with db.session() as s:
        assert s.get(Task, task_id).status == "completed"
    assert jobs_of_task() == [
        {"task_id": task_id, "event": "completed", "url": f"http://127.0.0.1:1/{level}"}
    ]


def test_batch_completion_sends_the_batch_and_its_counts(db, project, allow_private):
    with receiver(200) as rx:
        with db.session(write=True) as s:
            batches.create_batch(s, "p", "b", callback_url=f"{rx.url}/batch")
            creation.create_tasks(s, "p", [{"attachment": "outside the batch"}])
            [in_batch] = creation.create_tasks(s, "p", [{"attachment": "1"}], batch="b")
            batches.finalize_batch(s, "b")
        with db.session(write=True) as s:
            callbacks = s.query(Job).filter(Job.kind.like("callback.%"))
            assert callbacks.count() == 0
            edits.cancel_task(s, in_batch)  # the batch's last open task: the batch completes
            [job] = callbacks.all()
        _settle(db, job.id)
    [request] = rx.requests
    body = orjson.loads(request.body)
    assert body["batch"]["name"] == "b" and body["status"] == "completed"
    assert body["counts"] == {"pending": 0, "completed": 0, "canceled": 1, "error": 0}
    assert request.headers["x-quorum-event"] == "batch.completed"
    assert request.headers["scale-callback-auth"] == project["callback_key"]


def test_project_callback_settings(db, project, client, accounts):
    manager, annotator = accounts["manager"].headers, accounts["annotator"].headers
    with db.session(write=True) as s:
        catalog.add_member(s, "p", "annotator", "annotator")
    got = client.get("/api/projects/p/callback", headers=manager).json()
    assert got == {"project": "p", "callback_url": None, "callback_key": project["callback_key"]}
    assert len(got["callback_key"]) >= 40
    changed = client.patch(
        "/api/projects/p/callback",
        json={"callback_url": "https://hooks.example.com/q", "rotate_key": True},
        headers=manager,
    ).json()
    assert changed["callback_url"] == "https://hooks.example.com/q"
    assert changed["callback_key"] != got["callback_key"]
    # Annotators read the project, never its key.
    seen = client.get("/api/projects/p", headers=annotator).json()
    assert "callback_key" not in seen and changed["callback_key"] not in orjson.dumps(seen).decode()
    assert client.get("/api/projects/p/callback", headers=annotator).status_code == 403
    cleared = client.patch("/api/projects/p/callback", json={"callback_url": None}, headers=manager)
    assert cleared.json()["callback_url"] is None
    assert cleared.json()["callback_key"] == changed["callback_key"]
    bad = client.patch("/api/projects/p/callback", json={"url": "x"}, headers=manager)
    assert bad.status_code == 400 and "unknown field 'url'" in bad.json()["error"]


PRIVATE_LITERALS = (
    "http://127.0.0.1:9/hook",
    "http://10.0.0.7/hook",
    "http://169.254.169.254/latest/meta-data",
    "http://[::1]/hook",
    "http://[::ffff:192.168.0.1]/hook",
    "http://0.0.0.0/hook",
    # Legacy IPv4 spellings that resolvers turn into loopback or 0.0.0.0.
    "http://0/hook",
    "http://2130706433/hook",
    "http://0x7f000001/hook",
    "http://127.1/hook",
    "http://0177.0.0.1/hook",
    "https://0x7f.1:8443/hook",
)


def test_private_address_literals_are_refused_when_given(db, project, client, accounts):
    headers = accounts["manager"].headers
    for url in PRIVATE_LITERALS:
        created = client.post(
            "/api/projects/p/tasks", json={"attachment": "x", "callback_url": url}, headers=headers
        )
        assert created.status_code == 400, url
        assert created.json()["errors"][0]["loc"] == "task.callback_url"
        assert "non-public address" in created.json()["error"]
        bulk = client.post(
            "/api/projects/p/tasks/bulk",
            json=[{"attachment": "ok"}, {"attachment": "x", "callback_url": url}],
            headers=headers,
        )
        assert bulk.status_code == 400 and "record 2, field callback_url" in bulk.json()["error"]
        batch = client.post(
            "/api/batches", json={"project": "p", "name": "b", "callback_url": url}, headers=headers
        )
        assert batch.status_code == 400 and batch.json()["error"].startswith("callback_url points")
        project_url = client.patch(
            "/api/projects/p/callback", json={"callback_url": url}, headers=headers
        )
        assert project_url.status_code == 400 and "callback_url" in project_url.json()["error"]
    with db.session() as s:
        assert queries.count_tasks(s, queries.TaskFilter(project="p")) == 0


def test_public_addresses_and_host_names_are_accepted_when_given(db, project, client, accounts):
    headers = accounts["manager"].headers
    for url in ("https://hooks.example.com/q", "http://93.184.216.34/q", "http://localhost:1/q"):
        record = {"attachment": "x", "callback_url": url}
        assert client.post("/api/projects/p/tasks", json=record, headers=headers).status_code == 200
