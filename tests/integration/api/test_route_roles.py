"""Every route, walked with every role, answers as the permission it declares says.

Each route declares who may call it through its dependency (`quorum.http.deps.Permission`):
the rule on the caller's role that the dependency checks, and the rule its service (or page)
applies next to what it looks up, both predicates of `quorum.services.accounts.permissions`.
The walks read those declarations from the app's routes and check every answer against the
predicates, so the policy is written once, in the code; a route that declares no permission
fails `test_every_route_declares_a_permission`.
"""

from __future__ import annotations

import io
import zipfile

import pytest
from fastapi.routing import APIRoute

from quorum import jobs
from quorum.http.deps import Permission
from quorum.services.accounts import permissions, users
from quorum.services.exports import export_jobs
from quorum.services.exports.export import Selection
from quorum.services.files import stored_files
from quorum.services.labeling import assignments
from quorum.services.projects import catalog
from quorum.services.tasks import batches, creation
from quorum.services.workforce import groups

CALLERS = ["annotator", "reviewer", "manager", "admin", "outsider"]
"""Who calls: a user of each role, and an annotator who is a member of no project."""
OK = "allowed"
# Let in, then refused on what they ask (400): a Scale feature Quorum does not have (task
# templates) and a file_url on a loopback address. (Teams: managers invite and
# re-role labelers and members; manager and admin roles take an admin, checked in the e2e test.)
REFUSED_INPUT = {
    ("GET", "/v1/projects/{name}/taskTemplates"),
    ("POST", "/v1/files/import"),
}
# Pages that take a form (test_web_sessions walks them): logging in needs no session, logging
# out needs the CSRF token.
FORM_PAGES = {("POST", "/login"), ("POST", "/logout")}


def _zip_of_one_text() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("a.txt", "a review")
    return out.getvalue()


def _app_routes(routes):
    """Every route the app serves, walking into included routers (which FastAPI may keep as
    they were included)."""
    for route in routes:
        if hasattr(route, "original_router"):
            yield from _app_routes(route.original_router.routes)
        elif isinstance(route, APIRoute):
            yield route


def _calls(dependant):
    for sub in dependant.dependencies:
        yield sub
        yield from _calls(sub)


def _declared(route) -> Permission:
    """The one permission `route` declares through its dependencies."""
    found = [p for d in _calls(route.dependant) if (p := getattr(d.call, "permission", None))]
    assert len(found) == 1, (
        f"{sorted(route.methods)} {route.path} declares {len(found)} permissions"
    )
    return found[0]


def declared_permissions(app, *, pages: bool = False) -> dict[tuple[str, str], Permission]:
    """(method, path template) -> the declared permission, of every API route or every page
    (routes outside the OpenAPI document)."""
    return {
        (method, route.path_format): _declared(route)
        for route in _app_routes(app.routes)
        if route.include_in_schema != pages
        for method in route.methods
    }


def _service_answer(rule, principal, world):
    """What a service (or page) answers once it applies `rule` to the world's facts: a project
    the caller may not see, or a file they may not read, looks missing; a project they see
    but may not do this in is a 403; someone else's assignment is a conflict."""
    member_role = world["member_roles"].get(principal.name)
    if rule in (permissions.can_see_project, permissions.can_work, permissions.can_review):
        if not permissions.can_see_project(principal, member_role):
            return 404
        return OK if rule(principal, member_role) else 403
    if rule is permissions.can_read_file:
        shares_project = principal.name in world["file_sharers"]
        return OK if rule(principal, world["file_uploader"], shares_project) else 404
    if rule is permissions.holds_assignment:
        return OK if rule(principal, world["lease_holder"]) else 409
    raise AssertionError(f"the world below has no facts for {rule.__name__}: add them")


def _expected(permission: Permission, principal, world, *, page: bool = False):
    """OK, or the status that refuses `principal` (None: no caller), as `permission` decides."""
    if permission.rule is None:
        return OK
    if principal is None:
        return 303 if page else 401  # a page sends the browser to the login page
    if not permission.rule(principal):
        return 403
    if permission.then is None:
        return OK
    answer = _service_answer(permission.then, principal, world)
    return 404 if page and answer != OK else answer  # a page shows what it refuses as missing


def _request(method, path, world):
    """A concrete, well-formed call for each route (so allowed roles do not fail on input)."""
    reviewed = path.endswith(("/review", "/audit", "/send-to-review"))
    task_id = world["done"] if reviewed else world["v1" if path.startswith("/v1/") else "task"]
    url = (
        path.replace("{name}", "p" if "/projects/" in path else "b")
        .replace("{project}", "p")
        .replace("{task_id}", task_id)
        .replace("{user}", "annotator")
        .replace("{assignment_id}", str(world["leases"].get(path.rsplit("/", 1)[-1], 0)))
        .replace("{task_type}", "categorization")
        .replace("{group}", "g")
        .replace("{file_id}", world["file"])
        .replace("{job_id}", str(world["failed_job"]))
        .replace("{export_id}", str(world["export"]))
    )
    if path.startswith("/api/users/{name}"):
        url = path.replace("{name}", "reviewer").replace("{prefix}", world["reviewer_key"][:12])
    if method == "DELETE" and path.endswith("/groups/{group}"):
        url = url.replace("/groups/g", "/groups/gone")
    bodies = {
        ("POST", "/api/users"): {"json": {"name": "new", "role": "annotator"}},
        ("POST", "/api/users/{name}/role"): {"json": {"role": "reviewer"}},
        ("PATCH", "/api/users/{name}"): {"json": {"is_active": True}},
        ("POST", "/api/users/{name}/password"): {"json": {"password": "a new password"}},
        ("POST", "/api/projects"): {
            "json": {"name": "p2", "type": "categorization", "labels": ["a", "b"]}
        },
        ("PUT", "/api/projects/{name}/labels"): {"json": {"labels": ["a", "b", "c"]}},
        ("POST", "/api/projects/{name}/params"): {"json": {"params": {"categories": ["a", "b"]}}},
        ("PATCH", "/api/projects/{name}"): {"json": {"scale_type": None}},
        ("PATCH", "/api/projects/{name}/policy"): {"json": {"gold_rate": 0.1}},
        ("PATCH", "/api/projects/{name}/callback"): {"json": {"rotate_key": True}},
        ("POST", "/api/projects/{name}/members"): {
            "json": {"user": "reviewer", "role": "reviewer"}
        },
        ("POST", "/api/batches"): {"json": {"project": "p", "name": "b2"}},
        ("PUT", "/api/batches/{name}/groups"): {"json": {"groups": ["g"]}},
        ("POST", "/api/projects/{name}/groups"): {"json": {"name": "g2", "members": ["reviewer"]}},
        ("PATCH", "/api/projects/{name}/groups/{group}"): {"json": {"add": ["reviewer"]}},
        ("POST", "/api/projects/{project}/tasks"): {"json": {"attachment": "x"}},
        ("POST", "/api/projects/{project}/exports"): {"json": {"format": "jsonl"}},
        ("POST", "/api/projects/{project}/tasks/bulk"): {"json": [{"attachment": "x"}]},
        ("POST", "/api/projects/{project}/tasks/import"): {
            "content": b'{"attachment": "x"}\n',
            "params": {"format": "jsonl"},
        },
        ("POST", "/api/projects/{project}/tasks/import-folder"): {"content": _zip_of_one_text()},
        ("PUT", "/api/tasks/{task_id}/metadata"): {"json": {"k": "v"}},
        ("PATCH", "/api/tasks/{task_id}"): {"json": {"priority": 1}},
        ("PUT", "/api/tasks/{task_id}/tags"): {"json": ["t"]},
        ("POST", "/api/tasks/{task_id}/tags"): {"json": ["t"]},
        ("DELETE", "/api/tasks/{task_id}/tags"): {"json": ["t"]},
        ("POST", "/api/assignments/{assignment_id}/submit"): {
            "json": {"response": {"category": "a"}}
        },
        ("POST", "/api/assignments/{assignment_id}/skip"): {"json": {"reason": "x"}},
        ("POST", "/api/assignments/{assignment_id}/correct"): {
            "json": {"response": {"category": "b"}}
        },
        ("POST", "/api/tasks/{task_id}/review"): {"json": {"decision": "accept"}},
        ("POST", "/api/tasks/{task_id}/audit"): {"json": {"accepted": True}},
        ("POST", "/api/markdown"): {"json": {"texts": ["*x*"]}},
        ("POST", "/v1/task/{task_type}"): {"json": {"project": "p", "attachment": "x"}},
        ("POST", "/v1/evaluation_tasks/{task_type}"): {
            "json": {"project": "p", "attachment": "g", "expected_response": {"category": "a"}}
        },
        ("POST", "/v1/training_tasks/{task_type}"): {
            "json": {"project": "p", "attachment": "t", "expected_response": {"category": "a"}}
        },
        ("POST", "/v1/task/{task_id}/audit"): {"json": {"accepted": True}},
        ("POST", "/v1/task/{task_id}/unique_id"): {"json": {"unique_id": "v1-uid"}},
        ("POST", "/v1/task/{task_id}/setMetadata"): {"json": {"k": "v"}},
        ("POST", "/v1/task/{task_id}/tags"): {"json": ["t"]},
        ("PUT", "/v1/task/{task_id}/tags"): {"json": ["t"]},
        ("DELETE", "/v1/task/{task_id}/tags"): {"json": ["t"]},
        ("POST", "/v1/batches"): {"json": {"project": "p", "name": "b3"}},
        ("POST", "/v1/batches/{name}/setMetadata"): {"json": {"k": "v"}},
        ("POST", "/v1/projects"): {
            "json": {"name": "p3", "type": "categorization", "params": {"categories": ["a", "b"]}}
        },
        ("POST", "/v1/projects/{name}/setParams"): {"json": {"patch": True, "instruction": "x"}},
        ("POST", "/v1/files/upload"): {"files": {"file": ("f.txt", b"x")}},
        ("POST", "/v1/files/import"): {"json": {"file_url": "http://127.0.0.1:9/x.png"}},
        ("POST", "/v1/teams/invite"): {
            "json": {"emails": ["new@example.com"], "team_role": "labeler"}
        },
        ("POST", "/v1/teams/set_role"): {
            "json": {"emails": ["new@example.com"], "team_role": "member"}
        },
        ("POST", "/v1/studio/assignments/add"): {
            "json": {"emails": ["reviewer"], "projects": ["p"]}
        },
        ("POST", "/v1/studio/assignments/remove"): {
            "json": {"emails": ["reviewer"], "projects": ["p"]}
        },
        ("POST", "/v1/studio/batches/set_priorities"): {"json": {"batches": [{"name": "b"}]}},
        ("POST", "/v1/studio/projects/{project}/groups"): {
            "json": {"name": "g3", "emails": ["labeler"]}
        },
        ("PUT", "/v1/studio/projects/{project}/groups/{group}"): {
            "json": {"add_emails": ["labeler"], "remove_emails": []}
        },
        ("PUT", "/v1/studio/batches/{name}"): {"json": {"groups": ["g"]}},
    }
    return url, bodies.get((method, path), {})


@pytest.fixture
def world(db, accounts, client, tmp_path):
    """Project `p`, worked on by the annotator and the reviewer (member roles as named), with a
    batch and groups; its tasks: one the annotator completed (for review and audit routes, and
    to correct), one the reviewer answered, three leased to the annotator (one each to submit,
    skip and release), and two pending (one for the native routes, one for Scale's). Project
    `q`, worked on by the annotator alone, uses a file that another annotator uploaded. A
    failed job, a finished export job of `p`, and an outsider: an annotator of no project.
    Uploaded and exported files go to a temporary data directory."""
    settings = client.app.state.settings
    settings.data_dir = tmp_path
    member_roles = {"annotator": "annotator", "reviewer": "reviewer"}
    with db.session(write=True) as s:
        catalog.create_project(
            s, "p", "categorization", params={"categories": ["a", "b"]}, policy={"max_overlap": 1}
        )
        for name, role in member_roles.items():
            catalog.add_member(s, "p", name, role)
        users.create_user(s, "labeler", "annotator")  # stays a member, for the groups below
        catalog.add_member(s, "p", "labeler", "annotator")
        users.create_user(s, "outsider", "annotator", password="outsider-password")
        keys = {name: account.key for name, account in accounts.items()}
        keys["outsider"] = users.create_api_key(s, "outsider")
        principals = {name: users.authenticate_key(s, key) for name, key in keys.items()}
        batches.create_batch(s, "p", "b")
        groups.create_group(s, "p", "g", ["annotator"])
        groups.create_group(s, "p", "gone")
        [done] = creation.create_tasks(s, "p", [{"attachment": "done", "priority": 9}])
        annotator = principals["annotator"]
        claimed = assignments.claim_next(s, annotator, "p")
        assignments.submit(s, annotator, claimed["assignment_id"], {"category": "a"})
        # The reviewer answers too, so that each worker has a previous answer to correct.
        creation.create_tasks(s, "p", [{"attachment": "reviewed", "priority": 8}])
        reviewers = assignments.claim_next(s, principals["reviewer"], "p")
        assignments.submit(s, principals["reviewer"], reviewers["assignment_id"], {"category": "a"})
        creation.create_tasks(s, "p", [{"attachment": f"leased {i}"} for i in range(3)])
        leases = {
            action: assignments.claim_next(s, annotator, "p")["assignment_id"]
            for action in ("submit", "skip", "release")
        }
        leases["correct"] = claimed["assignment_id"]
        [task_id, v1] = creation.create_tasks(s, "p", [{"attachment": "x"}, {"attachment": "y"}])
        catalog.create_project(s, "q", "categorization", params={"categories": ["a", "b"]})
        catalog.add_member(s, "q", "annotator", "annotator")
        uploader = users.authenticate_key(s, users.create_api_key(s, "labeler"))
        stored = stored_files.store(
            s, settings, uploader, io.BytesIO(b"x"), filename="f.txt", project_name="q"
        )
        failed_job = jobs.enqueue(s, "test.unhandled", {})
        s.commit()
    with db.begin() as s:
        jobs.fail(s, jobs.claim(s, "w", ["test.unhandled"], lease_seconds=60), "boom")
    with db.session(write=True) as s:
        export = export_jobs.start(s, "p", "jsonl", Selection(), "manager")
    jobs.Worker(db, {export_jobs.KIND: export_jobs.handler(settings)}).run_once()
    return {
        "task": task_id,
        "done": done,
        "v1": v1,
        "failed_job": failed_job,
        "export": export["id"],
        "reviewer_key": keys["reviewer"],
        "leases": leases,
        "file": stored.id,
        "principals": principals,
        "headers": {name: {"Authorization": f"Bearer {key}"} for name, key in keys.items()},
        # The facts the services' rules decide on (`_service_answer`).
        "member_roles": member_roles,
        "lease_holder": annotator.user_id,
        "file_uploader": uploader.user_id,
        "file_sharers": {"annotator"},
    }


def test_every_route_declares_a_permission(client):
    """Every route declares one permission (`deps.Permission`, through its dependency) made of
    the rules in `quorum.services.accounts.permissions`: a new route without one fails here."""
    app = client.app
    documented = {
        (method.upper(), path)
        for path, operations in app.openapi()["paths"].items()
        for method in operations
    }
    routes = declared_permissions(app)
    assert set(routes) == documented
    pages = declared_permissions(app, pages=True)
    assert {where for where, p in pages.items() if p.rule is None} >= FORM_PAGES
    for where, permission in {**routes, **pages}.items():
        for rule in (permission.rule, permission.then):
            assert rule is None or getattr(permissions, rule.__name__) is rule, where


def test_the_world_tells_every_rule_apart(client, world):
    """Every rule a service or page applies lets some caller in and keeps another out, so that
    the walks below test it."""
    declared = [*declared_permissions(client.app).values(),
                *declared_permissions(client.app, pages=True).values()]  # fmt: skip
    rules = {p.then for p in declared if p.then}
    assert rules
    for rule in rules:
        answers = {_service_answer(rule, world["principals"][c], world) for c in CALLERS}
        assert OK in answers and len(answers) > 1, rule.__name__


def _log_in(client, role) -> dict[str, str]:
    """Sign `role` in with its password; the CSRF header the session's pages send."""
    client.cookies.clear()
    response = client.post(
        "/login", data={"name": role, "password": f"{role}-password"}, follow_redirects=False
    )
    assert response.status_code == 303, response.text
    page = client.get("/stats").text
    return {"X-CSRF-Token": page.split('name="csrf-token" content="')[1].split('"')[0]}


@pytest.mark.parametrize("auth", ["key", "cookie"])
@pytest.mark.parametrize("caller", ["anonymous", *CALLERS])
def test_route_access_by_role(client, world, caller, auth):
    """Every route answers as its declared permission says, whether the caller sends an API
    key or a browser session cookie."""
    headers = {}
    if caller != "anonymous":
        headers = world["headers"][caller] if auth == "key" else _log_in(client, caller)
    principal = world["principals"].get(caller)
    for (method, path), permission in sorted(declared_permissions(client.app).items()):
        url, kwargs = _request(method, path, world)
        response = client.request(method, url, headers=headers, **kwargs)
        where = f"{method} {path} as {caller}: {response.status_code} {response.text[:200]}"
        expected = _expected(permission, principal, world)
        if expected != OK:
            assert response.status_code == expected, where
        elif (method, path) in REFUSED_INPUT:
            assert response.status_code == 400, where
        else:
            assert response.status_code in (200, 204), where


def test_non_members_do_not_see_projects(client, accounts, world):
    headers = world["headers"]["outsider"]
    assert client.get("/api/projects", headers=headers).json() == []
    assert client.get("/api/projects/p", headers=headers).status_code == 404
    assert client.get("/api/projects/p", headers=accounts["annotator"].headers).status_code == 200
    claims = [client.post(f"/api/projects/{p}/next", headers=headers) for p in ("p", "nope")]
    assert [c.status_code for c in claims] == [404, 404]
    assert claims[0].json()["error"].replace("'p'", "'nope'") == claims[1].json()["error"]


def test_non_members_cannot_tell_another_projects_tasks_from_missing_ones(
    client, accounts, world, db
):
    """A reviewer of `p` learns nothing about project `p2`: its review queue and its tasks
    answer exactly as a missing project and a missing task do."""
    with db.session(write=True) as s:
        catalog.create_project(s, "p2", "categorization", params={"categories": ["a", "b"]})
        [other] = creation.create_tasks(s, "p2", [{"attachment": "secret"}])
    reviewer = accounts["reviewer"].headers
    verdict = {"decision": "accept"}

    def answer(url):
        response = client.post(url, json=verdict, headers=reviewer)
        return response.status_code, response.json()["error"].replace(other, "ID")

    assert answer(f"/api/tasks/{other}/review") == answer("/api/tasks/ID/review")
    assert answer(f"/api/tasks/{other}/review")[0] == 404
    queue = client.post("/api/projects/p2/reviews/next", headers=reviewer)
    missing = client.post("/api/projects/nope/reviews/next", headers=reviewer)
    assert (queue.status_code, missing.status_code) == (404, 404)
    assert "p2" in queue.json()["error"] and "reviewer" not in queue.json()["error"]
    # A member who does not review is told so: the project is no secret to them.
    member = client.post(f"/api/tasks/{world['done']}/review", json=verdict,
                         headers=accounts["annotator"].headers)  # fmt: skip
    assert member.status_code == 403 and "not a reviewer of project 'p'" in member.json()["error"]
    assert client.post(f"/api/tasks/{other}/review", json=verdict,
                       headers=accounts["manager"].headers).status_code == 400  # fmt: skip


@pytest.mark.parametrize("caller", ["anonymous", *CALLERS])
def test_page_access_by_role(client, world, caller):
    """Every page answers as its declared permission says."""
    if caller != "anonymous":
        _log_in(client, caller)
    principal = world["principals"].get(caller)
    pages = declared_permissions(client.app, pages=True)
    for (method, path), permission in sorted(pages.items()):
        if (method, path) in FORM_PAGES:
            continue
        response = client.request(method, path.replace("{project}", "p"), follow_redirects=False)
        where = f"{method} {path} as {caller}: {response.status_code} {response.text[:200]}"
        expected = _expected(permission, principal, world, page=True)
        if expected == 303:
            assert response.status_code == 303, where
            assert response.headers["location"].startswith("/login?next=/"), where
        elif expected != OK:
            assert response.status_code == expected, where
        elif path == "/":
            assert response.status_code == 303, where
            home = "/manage" if permissions.can_manage(principal) else "/work"
            assert response.headers["location"] == home, where
        else:
            assert response.status_code == 200, where
