"""Callbacks from a live `quorum serve`: its in-process worker delivers them, and with the
in-process worker off, `quorum worker` does."""

from __future__ import annotations

import hashlib
import hmac

import httpx
import orjson
import pytest

from quorum.db.engine import Database
from quorum.services.accounts import users
from quorum.services.callbacks import outbox
from tests.callback_receiver import receiver


@pytest.fixture
def private_callbacks(monkeypatch):
    """Set before `live_server` starts, so the server and the CLI see them."""
    monkeypatch.setenv("QUORUM_CALLBACK_ALLOW_PRIVATE", "1")
    monkeypatch.setenv("QUORUM_CALLBACK_RETRY_FIRST_S", "0.2")


@pytest.fixture
def no_server_worker(monkeypatch):
    monkeypatch.setenv("QUORUM_RUN_WORKER", "0")


def _manager(db_url: str) -> httpx.Client:
    db = Database(db_url, pool_size=1)
    with db.session(write=True) as s:
        users.create_user(s, "boss", "manager")
        key = users.create_api_key(s, "boss")
    db.dispose()
    return httpx.Client(headers={"Authorization": f"Bearer {key}"}, timeout=30)


def _ok(response: httpx.Response) -> dict:
    assert response.status_code == 200, response.text
    return response.json()


def test_the_server_worker_delivers_batch_and_task_callbacks(private_callbacks, live_server):
    api = live_server.url
    http = _manager(live_server.db_url)
    _ok(
        http.post(
            f"{api}/api/projects",
            json={"name": "p", "type": "categorization", "params": {"categories": ["a", "b"]}},
        )
    )
    key = _ok(http.get(f"{api}/api/projects/p/callback"))["callback_key"]
    with receiver(500, 200) as rx:
        _ok(
            http.post(
                f"{api}/api/batches", json={"project": "p", "name": "b", "callback_url": rx.url}
            )
        )
        [task_id] = _ok(
            http.post(
                f"{api}/api/projects/p/tasks/bulk",
                params={"batch": "b"},
                json=[{"attachment": "x", "callback_url": f"{rx.url}/task"}],
            )
        )["task_ids"]
        _ok(http.post(f"{api}/api/batches/b/finalize"))
        _ok(http.post(f"{api}/api/tasks/{task_id}/cancel"))  # the batch completes
        # A task event, queued the way the completion flow queues it.
        db = Database(live_server.db_url, pool_size=1)
        with db.session(write=True) as s:
            outbox.enqueue_task_callback(s, task_id, "completed")
            s.commit()
        db.dispose()
        received = rx.wait_for(3, timeout=60)  # the first try of one of them got a 500
    assert len(received) == 3
    accepted = received[1:]
    assert sorted(r.path for r in accepted) == ["/", "/task"]
    for request in received:
        assert request.headers["scale-callback-auth"] == key
        digest = hmac.new(key.encode(), request.body, hashlib.sha256).hexdigest()
        assert request.headers["x-quorum-signature"] == f"sha256={digest}"
    by_path = {r.path: orjson.loads(r.body) for r in accepted}
    assert by_path["/"]["batch"]["name"] == "b" and by_path["/"]["counts"]["canceled"] == 1
    assert by_path["/task"]["task_id"] == task_id and by_path["/task"]["status"] == "canceled"
    view = _ok(http.get(f"{api}/api/tasks/{task_id}"))
    assert view["callback_succeeded"] is True


def test_quorum_worker_delivers_when_the_server_runs_none(
    private_callbacks, no_server_worker, live_server
):
    api = live_server.url
    http = _manager(live_server.db_url)
    _ok(
        http.post(
            f"{api}/api/projects",
            json={"name": "p", "type": "categorization", "params": {"categories": ["a", "b"]}},
        )
    )
    with receiver(200) as rx:
        _ok(http.patch(f"{api}/api/projects/p/callback", json={"callback_url": rx.url}))
        [task_id] = _ok(http.post(f"{api}/api/projects/p/tasks/bulk", json=[{"attachment": "x"}]))[
            "task_ids"
        ]
        db = Database(live_server.db_url, pool_size=1)
        with db.session(write=True) as s:
            outbox.enqueue_task_callback(s, task_id, "completed")
            s.commit()
        db.dispose()
        assert rx.wait_for(1, timeout=2) == []  # nobody runs jobs yet
        result = live_server.cli("worker", "--drain")
        assert result.returncode == 0, result.stderr
        [request] = rx.wait_for(1, timeout=10)
    assert orjson.loads(request.body)["task_id"] == task_id
    assert _ok(http.get(f"{api}/api/tasks/{task_id}"))["callback_succeeded"] is True
