"""Every route, walked with every role: who gets in, who gets 403, and 401 without a key.

The table below is the access policy written out by hand; a route missing from it fails the
test, so a new route cannot ship without a decision about who may call it.
"""

from __future__ import annotations

import pytest

from quorum.services import assignments, batches, projects, task_create, users

ORDER = ["annotator", "reviewer", "manager", "admin"]

# (method, path template) -> lowest role allowed; None = no key needed.
POLICY = {
    ("GET", "/healthz"): None,
    ("GET", "/api/me"): "annotator",
    ("POST", "/api/users"): "admin",
    ("GET", "/api/users"): "manager",
    ("POST", "/api/users/{name}/role"): "admin",
    ("POST", "/api/users/{name}/keys"): "admin",
    ("POST", "/api/projects"): "manager",
    ("GET", "/api/projects"): "annotator",
    ("GET", "/api/projects/{name}"): "annotator",
    ("POST", "/api/projects/{name}/params"): "manager",
    ("PATCH", "/api/projects/{name}/policy"): "manager",
    ("GET", "/api/projects/{name}/callback"): "manager",
    ("PATCH", "/api/projects/{name}/callback"): "manager",
    ("GET", "/api/projects/{name}/members"): "manager",
    ("POST", "/api/projects/{name}/members"): "manager",
    ("DELETE", "/api/projects/{name}/members/{user}"): "manager",
    ("POST", "/api/batches"): "manager",
    ("GET", "/api/batches"): "manager",
    ("GET", "/api/batches/{name}"): "manager",
    ("POST", "/api/batches/{name}/finalize"): "manager",
    ("GET", "/api/batches/{name}/status"): "manager",
    ("POST", "/api/projects/{project}/tasks"): "manager",
    ("POST", "/api/projects/{project}/tasks/bulk"): "manager",
    ("POST", "/api/projects/{project}/tasks/import"): "manager",
    ("GET", "/api/tasks"): "manager",
    ("GET", "/api/tasks/count"): "manager",
    ("GET", "/api/tasks/{task_id}"): "manager",
    ("POST", "/api/tasks/{task_id}/cancel"): "manager",
    ("PUT", "/api/tasks/{task_id}/metadata"): "manager",
    ("PATCH", "/api/tasks/{task_id}"): "manager",
    ("PUT", "/api/tasks/{task_id}/tags"): "manager",
    ("POST", "/api/tasks/{task_id}/tags"): "manager",
    ("DELETE", "/api/tasks/{task_id}/tags"): "manager",
    ("GET", "/api/projects/{project}/export"): "manager",
    # The annotator loop: any signed-in user may call; the service admits project members
    # who annotate or review (checked separately below).
    ("POST", "/api/projects/{project}/next"): "member",
    ("POST", "/api/assignments/{assignment_id}/submit"): "member",
    ("POST", "/api/assignments/{assignment_id}/skip"): "member",
    ("POST", "/api/assignments/{assignment_id}/release"): "member",
    # Review: reviewers who are members of the project, and managers.
    ("POST", "/api/projects/{project}/reviews/next"): "reviewer",
    ("POST", "/api/tasks/{task_id}/review"): "reviewer",
    ("POST", "/api/tasks/{task_id}/audit"): "manager",
    ("GET", "/api/projects/{project}/annotators"): "manager",
    ("GET", "/api/projects/{project}/pay.csv"): "manager",
    ("POST", "/api/projects/{project}/annotators/{user}/block"): "manager",
    ("POST", "/api/projects/{project}/annotators/{user}/unblock"): "manager",
}
MEMBERS = ("annotator", "reviewer")


def _routes(app):
    """Every (method, path) the app serves, read from its OpenAPI document."""
    for path, operations in app.openapi()["paths"].items():
        for method in operations:
            yield method.upper(), path


def _request(method, path, world):
    """A concrete, well-formed call for each route (so allowed roles do not fail on input)."""
    reviewed = path.endswith(("/review", "/audit"))
    task_id = world["done"] if reviewed else world["task"]
    url = (
        path.replace("{name}", "p" if "/projects/" in path else "b")
        .replace("{project}", "p")
        .replace("{task_id}", task_id)
        .replace("{user}", "annotator")
        .replace("{assignment_id}", "999999")
    )
    if path.startswith("/api/users/{name}"):
        url = path.replace("{name}", "reviewer")
    bodies = {
        ("POST", "/api/users"): {"json": {"name": "new", "role": "annotator"}},
        ("POST", "/api/users/{name}/role"): {"json": {"role": "reviewer"}},
        ("POST", "/api/projects"): {"json": {"name": "p2", "type": "categorization"}},
        ("POST", "/api/projects/{name}/params"): {"json": {"params": {"categories": ["a", "b"]}}},
        ("PATCH", "/api/projects/{name}/policy"): {"json": {"gold_rate": 0.1}},
        ("PATCH", "/api/projects/{name}/callback"): {"json": {"rotate_key": True}},
        ("POST", "/api/projects/{name}/members"): {
            "json": {"user": "reviewer", "role": "reviewer"}
        },
        ("POST", "/api/batches"): {"json": {"project": "p", "name": "b2"}},
        ("POST", "/api/projects/{project}/tasks"): {"json": {"attachment": "x"}},
        ("POST", "/api/projects/{project}/tasks/bulk"): {"json": [{"attachment": "x"}]},
        ("POST", "/api/projects/{project}/tasks/import"): {
            "content": b'{"attachment": "x"}\n',
            "params": {"format": "jsonl"},
        },
        ("PUT", "/api/tasks/{task_id}/metadata"): {"json": {"k": "v"}},
        ("PATCH", "/api/tasks/{task_id}"): {"json": {"priority": 1}},
        ("PUT", "/api/tasks/{task_id}/tags"): {"json": ["t"]},
        ("POST", "/api/tasks/{task_id}/tags"): {"json": ["t"]},
        ("DELETE", "/api/tasks/{task_id}/tags"): {"json": ["t"]},
        ("POST", "/api/assignments/{assignment_id}/submit"): {"json": {"response": {}}},
        ("POST", "/api/assignments/{assignment_id}/skip"): {"json": {"reason": "x"}},
        ("POST", "/api/tasks/{task_id}/review"): {"json": {"decision": "accept"}},
        ("POST", "/api/tasks/{task_id}/audit"): {"json": {"accepted": True}},
    }
    return url, bodies.get((method, path), {})


@pytest.fixture
def world(db, accounts):
    """Project `p` with a member annotator and reviewer, a batch, a pending task, and a task
    the annotator completed (for review and audit routes)."""
    with db.session(write=True) as s:
        projects.create_project(
            s, "p", "categorization", params={"categories": ["a", "b"]}, policy={"max_overlap": 1}
        )
        projects.add_member(s, "p", "annotator", "annotator")
        projects.add_member(s, "p", "reviewer", "reviewer")
        batches.create_batch(s, "p", "b")
        [done] = task_create.create_tasks(s, "p", [{"attachment": "done", "priority": 9}])
        annotator = users.authenticate_key(s, accounts["annotator"].key)
        claimed = assignments.claim_next(s, annotator, "p")
        assignments.submit(s, annotator, claimed["assignment_id"], {"category": "a"})
        [task_id] = task_create.create_tasks(s, "p", [{"attachment": "x"}])
    return {"task": task_id, "done": done}


def test_every_route_is_in_the_policy(client):
    assert set(_routes(client.app)) == set(POLICY)


@pytest.mark.parametrize("role", ["anonymous", *ORDER])
def test_route_access_by_role(client, accounts, world, role):
    for (method, path), lowest in sorted(POLICY.items()):
        url, kwargs = _request(method, path, world)
        headers = accounts[role].headers if role != "anonymous" else {}
        response = client.request(method, url, headers=headers, **kwargs)
        where = f"{method} {path} as {role}: {response.status_code} {response.text[:200]}"
        if lowest is None:
            assert response.status_code == 200, where
        elif role == "anonymous":
            assert response.status_code == 401, where
        elif lowest == "member" and path.endswith("/next"):
            assert response.status_code == (200 if role in MEMBERS else 403), where
        elif lowest == "member":  # someone else's (here: no) assignment: never a 401/403
            assert response.status_code == 404, where
        elif ORDER.index(role) < ORDER.index(lowest):
            assert response.status_code == 403, where
        else:
            assert response.status_code in (200, 204), where


def test_non_members_do_not_see_projects(client, accounts, world, db):
    with db.session(write=True) as s:
        users.create_user(s, "outsider", "annotator")
        key = users.create_api_key(s, "outsider")
    headers = {"Authorization": f"Bearer {key}"}
    assert client.get("/api/projects", headers=headers).json() == []
    assert client.get("/api/projects/p", headers=headers).status_code == 404
    assert client.get("/api/projects/p", headers=accounts["annotator"].headers).status_code == 200
