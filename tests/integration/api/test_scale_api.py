"""Scale's v1 face in process: shapes, status codes and error bodies the official client reads."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import event
from tests import factories as make
from tests.factories import ok

from quorum.services.accounts import users
from quorum.services.projects import catalog


@pytest.fixture
def scale(client, accounts):
    """Calls as the manager, with HTTP Basic auth and the key as user name (Scale's way)."""
    auth = (accounts["manager"].key, "")

    def call(method, path, **kwargs):
        return client.request(method, f"/v1/{path}", auth=auth, **kwargs)

    return call


def _error(response, status: int) -> str:
    assert response.status_code == status, response.text
    body = response.json()
    assert isinstance(body, dict) and isinstance(body["error"], str)
    return body["error"]


def _project(scale, name="p", type="categorization", params=None) -> dict:
    params = {"categories": ["a", "b"]} if params is None else params
    return ok(scale("POST", "projects", json={"name": name, "type": type, "params": params}))


def test_names_with_slashes_and_reserved_suffixes_route_on_the_raw_path(scale):
    _project(scale, "team a/50% done")
    assert ok(scale("GET", "projects/team%20a%2F50%25%20done"))["name"] == "team a/50% done"
    # A batch named like a sub-resource is still the batch, not the sub-resource.
    ok(scale("POST", "batches", json={"project": "team a/50% done", "name": "x/status"}))
    got = ok(scale("GET", "batches/x%2Fstatus"))
    assert got["name"] == "x/status" and got["project"] == "team a/50% done"
    assert ok(scale("GET", "batches/x%2Fstatus/status"))["status"] == "in_progress"
    _error(scale("GET", "batches/x"), 404)


def test_task_shape_errors_and_no_409_where_the_client_would_crash(scale):
    _project(scale)
    task = ok(scale("POST", "task/categorization", json={"project": "p", "attachment": "t"}))
    assert task["metadata"] == {} and "tags" not in task and "unique_id" not in task
    assert task["type"] == "categorization" and task["status"] == "pending"
    # Cancel twice: the second is 400 (a 409 would crash the client on its `None` body).
    ok(scale("POST", f"task/{task['task_id']}/cancel"))
    assert "only pending" in _error(scale("POST", f"task/{task['task_id']}/cancel"), 400)
    _error(scale("GET", "task/" + "0" * 24), 404)
    assert "tags" in _error(scale("POST", f"task/{task['task_id']}/tags", json="x"), 400)
    assert "metadata" in _error(scale("POST", f"task/{task['task_id']}/setMetadata", json=[]), 400)
    _error(scale("POST", f"task/{task['task_id']}/audit", json={"accepted": True}), 400)
    assert "accepted" in _error(scale("POST", f"task/{task['task_id']}/audit", json={}), 400)


def test_task_types_are_checked_against_the_registry_and_the_project(scale):
    _project(scale)
    message = _error(scale("POST", "task/videoannotation", json={"project": "p"}), 400)
    assert "supported:" in message and "categorization" in message
    assert "document-layout" in _error(scale("POST", "task/documenttranscription", json={}), 400)
    wrong = scale("POST", "task/textcollection", json={"project": "p"})
    assert "has task type categorization" in _error(wrong, 400)
    # No project: the type's default project, where the task is checked like any other.
    assert "attachment" in _error(scale("POST", "task/categorization", json={}), 400)
    assert "project must be" in _error(
        scale("POST", "task/categorization", json={"project": 1}), 400
    )
    _error(scale("POST", "task/categorization", json={"project": "nope", "attachment": "x"}), 404)
    missing = scale("POST", "task/categorization", json={"project": "p"})
    assert "attachment" in _error(missing, 400)
    # Scale's legacy comparison (a question about attachments) names the supported form.
    _project(scale, "pairs", "comparison", {})
    legacy = {"project": "pairs", "attachments": ["https://x/a.png"], "choices": ["same", "not"]}
    message = _error(scale("POST", "task/comparison", json=legacy), 400)
    assert message.startswith("attachments: ") and "prompt, candidates" in message
    bad_default = {"name": "pairs2", "type": "comparison", "params": {"choices": ["a"]}}
    assert "choices: " in _error(scale("POST", "projects", json=bad_default), 400)


def test_legacy_geometry_types_map_onto_imageannotation_with_hypotheses(scale):
    project = _project(scale, "boxes", "annotation", {"objects_to_annotate": ["car"]})
    assert project["type"] == "annotation"
    assert project["params"] == {"geometries": {"box": {"objects_to_annotate": ["car"]}}}
    box = {"label": "car", "left": 1, "top": 2, "width": 3, "height": 4}
    task = ok(
        scale(
            "POST",
            "task/annotation",
            json={
                "project": "boxes",
                "attachment": "https://x/y.png",
                "hypothesis": {"annotations": [box]},
            },
        )
    )
    assert task["params"]["hypothesis"]["annotations"][0]["type"] == "box"
    bad = scale(
        "POST",
        "task/annotation",
        json={
            "project": "boxes",
            "attachment": "https://x/y.png",
            "hypothesis": {"annotations": [{**box, "label": "bus"}]},
        },
    )
    assert "hypothesis" in _error(bad, 400)
    # A polygon task in the same imageannotation project brings its own geometry.
    polygon = scale(
        "POST",
        "task/polygonannotation",
        json={"project": "boxes", "attachment": "https://x/y.png", "objects_to_annotate": ["roof"]},
    )
    assert ok(polygon)["params"]["geometries"]["polygon"]["objects_to_annotate"] == ["roof"]


def test_transcription_is_a_text_form_shown_in_scales_shape(scale, db, client, accounts):
    manager = accounts["manager"]
    params = {"fields": {"total": "Total"}, "repeatable_fields": {"item": "Items"}}
    assert _project(scale, "r", "transcription", params)["type"] == "transcription"
    created = scale(
        "POST",
        "evaluation_tasks/transcription",
        json={
            "project": "r",
            "attachment": "https://x/r.png",
            "expected_response": {
                "fields": {"total": "9.50"},
                "repeatable_fields": {"item": ["tea", "cake"]},
            },
        },
    )
    gold = ok(created)
    assert gold["expected_response"]["fields"] == {"total": "9.50"}
    assert gold["params"]["attachments"] == [{"type": "image", "content": "https://x/r.png"}]
    assert "expected_response" not in ok(scale("GET", f"task/{gold['task_id']}"))
    with db.session() as s:
        assert catalog.get_project(s, "r").task_type == "textcollection"
    _project(
        scale,
        "plain",
        "textcollection",
        {"fields": [{"type": "text", "field_id": "a", "title": "A"}]},
    )
    wrong = scale("POST", "task/transcription", json={"project": "plain", "attachment": "x"})
    assert "whose scale_type is transcription" in _error(wrong, 400)
    set_ = client.patch(
        "/api/projects/plain", json={"scale_type": "transcription"}, auth=(manager.key, "")
    )
    assert set_.status_code == 200 and set_.json()["scale_type"] == "transcription"
    make.ok(scale("POST", "task/transcription", json={"project": "plain", "attachment": "x"}))
    assert make.ok(scale("GET", "projects/plain"))["type"] == "transcription"
    assert "expected_response" in _error(
        scale("POST", "evaluation_tasks/transcription", json={"project": "r", "attachment": "x"}),
        400,
    )


def test_test_keys_complete_tasks_through_both_faces(client, db, accounts):
    with db.session(write=True) as s:
        key = users.create_api_key(s, "manager", test=True)
        make.project(s)
    auth = {"auth": (key, "")}
    task = client.post("/v1/task/categorization", json={"project": "p", "attachment": "x"}, **auth)
    assert task.json()["status"] == "completed" and task.json()["response"] == {"category": "a"}
    native = client.post("/api/projects/p/tasks", json={"attachment": "y"}, **auth)
    assert native.json()["status"] == "completed"
    gold = client.post(
        "/v1/evaluation_tasks/categorization",
        json={"project": "p", "attachment": "g", "expected_response": {"category": "b"}},
        **auth,
    )
    assert gold.json()["status"] == "pending"  # gold waits for annotators


def test_listing_pages_filters_and_bad_parameters(scale):
    _project(scale)
    ids = [
        ok(scale("POST", "task/categorization", json={"project": "p", "attachment": str(i)}))[
            "task_id"
        ]
        for i in range(5)
    ]
    first = ok(scale("GET", "tasks", params={"project": "p", "limit": 2}))
    assert (first["total"], first["offset"], first["has_more"]) == (5, 0, True)
    second = ok(
        scale(
            "GET", "tasks", params={"project": "p", "limit": 2, "next_token": first["next_token"]}
        )
    )
    assert second["offset"] == 2
    third = ok(
        scale(
            "GET", "tasks", params={"project": "p", "limit": 2, "next_token": second["next_token"]}
        )
    )
    seen = [d["task_id"] for page in (first, second, third) for d in page["docs"]]
    assert seen == ids[::-1] and third["has_more"] is False and third["next_token"] is None
    assert "start_time" in _error(scale("GET", "tasks", params={"start_time": "yesterday"}), 400)
    assert "customer_review_status" in _error(
        scale("GET", "tasks", params={"customer_review_status": "accepted,great"}), 400
    )
    _error(scale("GET", "tasks", params={"next_token": "junk"}), 400)
    _error(scale("GET", "tasks", params={"limit": 101}), 400)
    _error(scale("GET", "tasks", params={"type": "lidarannotation"}), 400)
    window = {"project": "p", "start_time": "2000-01-01", "end_time": "2000-01-02T00:00:00+02:00"}
    assert ok(scale("GET", "tasks", params=window))["docs"] == []

    for name in ("b1", "b2", "b3"):
        ok(scale("POST", "batches", json={"project": "p", "name": name, "callback": ""}))
    page = ok(scale("GET", "batches", params={"project": "p", "limit": 2, "offset": 2}))
    assert (page["totalDocs"], page["offset"], page["has_more"]) == (3, 2, False)
    assert [b["name"] for b in page["docs"]] == ["b1"]  # newest first
    assert "callback" in _error(
        scale("POST", "batches", json={"project": "p", "name": "b4", "callback": "a@b.c"}), 400
    )
    _error(scale("POST", "batches", json={"project": "p", "name": "b1"}), 409)


def test_a_listed_page_costs_the_same_queries_whatever_its_size(scale, db):
    """Listed tasks are read in a batch (tasks, tags, audits), not one task at a time, and
    each is the object `GET task/{id}` shows."""
    _project(scale)

    def add(n: int) -> None:
        for i in range(n):
            body = {"project": "p", "attachment": "x", "tags": [f"t{i}", "all"]}
            ok(scale("POST", "task/categorization", json=body))

    def listed() -> tuple[list[dict], int]:
        statements = []

        def count(*_args) -> None:
            if not threading.current_thread().name.startswith("jobs-"):  # not the job worker
                statements.append(1)

        event.listen(db.engine, "before_cursor_execute", count)
        try:
            docs = ok(scale("GET", "tasks", params={"project": "p", "tags": "all"}))["docs"]
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
        return docs, len(statements)

    add(2)
    few, few_queries = listed()
    add(30)
    many, many_queries = listed()
    assert (len(few), len(many)) == (2, 32) and many_queries == few_queries
    for doc in many[:3]:
        assert doc == ok(scale("GET", f"task/{doc['task_id']}"))


def test_files_are_bounded_refused_from_private_addresses_and_access_controlled(
    scale, client, accounts, db
):
    _project(scale)
    client.app.state.settings.max_upload_bytes = 500
    _error(scale("POST", "files/upload", files={"file": ("big.bin", b"x" * 1000)}), 413)
    assert "file" in _error(scale("POST", "files/upload", data={"project_name": "p"}), 400)
    stored = ok(scale("POST", "files/upload", files={"file": ("a.png", b"png!")}))
    assert stored["mime_type"] == "image/png" and stored["project_names"] == []
    refused = scale("POST", "files/import", json={"file_url": "http://10.0.0.1/a.png"})
    assert "non-public" in _error(refused, 400)
    _error(
        scale("POST", "files/import", json={"file_url": "https://x/y", "project_name": "q"}), 404
    )

    url = f"/api/files/{stored['id']}"
    annotator = accounts["annotator"].headers
    assert client.get(url, headers=annotator).status_code == 404  # not in any project of theirs
    with db.session(write=True) as s:
        catalog.add_member(s, "p", "annotator", "annotator")
    attachment = {"project": "p", "attachment": stored["attachment_url"]}
    ok(scale("POST", "task/categorization", json=attachment))  # using it links it to `p`
    served = client.get(url, headers=annotator)
    assert served.status_code == 200 and served.content == b"png!"
    assert served.headers["content-type"] == "image/png"
    assert ok(scale("GET", "tasks", params={"project": "p"}))["docs"][0]["params"] == {
        "attachment_type": "text",
        "attachment": stored["attachment_url"],
        "categories": ["a", "b"],
        "allow_multiple": False,
    }


def test_teams_and_studio(scale, client, accounts):
    _project(scale)
    invite = {"emails": ["boss@example.com"], "team_role": "manager"}
    assert "admin" in _error(scale("POST", "teams/invite", json=invite), 403)
    admin = client.post("/v1/teams/invite", json=invite, auth=(accounts["admin"].key, ""))
    assert admin.json()[0]["role"] == "manager"
    bad = {"emails": ["not-an-address"], "team_role": "labeler"}
    assert "email" in _error(scale("POST", "teams/invite", json=bad), 400)
    assert "team_role" in _error(
        scale("POST", "teams/invite", json={"emails": ["a@b.c"], "team_role": "boss"}), 400
    )
    demote = {"emails": ["boss@example.com"], "team_role": "labeler"}
    _error(scale("POST", "teams/set_role", json=demote), 403)
    _error(scale("POST", "teams/set_role", json={**demote, "emails": ["x@y.z"]}), 404)

    added = scale(
        "POST", "studio/assignments/add", json={"emails": ["annotator"], "projects": ["p"]}
    )
    assert ok(added) == {"annotator": ["p"]}
    missing = {"emails": ["annotator"], "projects": ["p", "nope"]}
    _error(scale("POST", "studio/assignments/remove", json=missing), 404)
    assert ok(scale("GET", "studio/assignments")) == {"annotator": ["p"]}

    for name in ("b1", "b2"):
        ok(scale("POST", "batches", json={"project": "p", "name": name}))
        ok(
            scale(
                "POST",
                "task/categorization",
                json={"project": "p", "batch": name, "attachment": "x"},
            )
        )
    ordered = ok(
        scale(
            "POST",
            "studio/batches/set_priorities",
            json={"batches": [{"name": "b2"}, {"name": "b1"}]},
        )
    )
    assert [(b["name"], b["studioPriority"], b["total"]) for b in ordered] == [
        ("b2", 1, 1),
        ("b1", 2, 1),
    ]
    [b2_task] = ok(scale("GET", "tasks", params={"batch": "b2"}))["docs"]
    assert b2_task["priority"] == 0  # the batch order leaves the task's own priority alone
    _error(scale("POST", "studio/batches/set_priorities", json={"batches": [{"name": "zz"}]}), 404)
    _error(scale("POST", "studio/batches/set_priorities", json={"batches": ["b1"]}), 400)
    reset = ok(scale("POST", "studio/batches/reset_priorities"))
    assert [b["name"] for b in reset] == ["b1", "b2"]
    assert ok(scale("GET", "tasks", params={"batch": "b2"}))["docs"][0]["priority"] == 0
    assert "no group named 'g'" in _error(
        scale("PUT", "studio/batches/b1", json={"groups": ["g"]}), 404
    )
    _error(scale("GET", "studio/projects/nope/groups"), 404)
