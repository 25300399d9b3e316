"""A project's label set: required when a manager defines a project, changeable afterwards,
optional where Scale's face creates projects (Scale's tasks may bring their own labels)."""

from __future__ import annotations

import pytest
from tests import factories as make

from quorum.services.projects.labels import EFFECT

MISSING = {
    "categorization": ("params.categories", "give at least one category"),
    "namedentityrecognition": ("params.labels", "give at least one entity label"),
    "imageannotation": ("params.geometries", "give at least one object label"),
}


@pytest.fixture
def boss(client, accounts):
    return accounts["manager"].headers


def _create(client, headers, name, task_type, **more):
    return client.post(
        "/api/projects", headers=headers, json={"name": name, "type": task_type, **more}
    )


@pytest.mark.parametrize("task_type", MISSING)
def test_a_labelled_type_needs_its_labels_named_in_plain_words(client, boss, task_type):
    loc, msg = MISSING[task_type]
    for body in ({}, {"params": {loc.split(".")[1]: []}}, {"labels": []}):
        r = _create(client, boss, "p", task_type, **body)
        assert r.status_code == 400, r.text
        assert r.json()["errors"] == [{"loc": loc, "msg": msg}]
        assert r.json()["error"] == f"{loc}: {msg}"
    assert client.get("/api/projects/p", headers=boss).status_code == 404  # nothing written


def test_labels_go_where_each_type_keeps_them(client, boss):
    made = {t: _create(client, boss, t, t, labels=["A", "B"]).json()["params"] for t in MISSING}
    assert made["categorization"] == {"categories": ["A", "B"]}
    assert made["namedentityrecognition"] == {"labels": [{"name": "A"}, {"name": "B"}]}
    assert made["imageannotation"] == {"geometries": {"box": {"objects_to_annotate": ["A", "B"]}}}
    pairs = _create(client, boss, "pairs", "comparison")  # no label set: none needed
    assert pairs.status_code == 200, pairs.text
    refused = _create(client, boss, "more", "comparison", labels=["a"])
    assert refused.status_code == 400
    assert refused.json()["errors"] == [
        {"loc": "labels", "msg": "comparison projects have no label set"}
    ]
    one = _create(client, boss, "one", "categorization", labels=["only"])
    assert one.status_code == 400 and one.json()["errors"][0]["loc"] == "params.categories"


def test_scale_creates_projects_without_labels_as_scale_does(client, boss):
    made = client.post("/v1/projects", headers=boss, json={"name": "s", "type": "categorization"})
    assert made.status_code == 200, made.text
    task = client.post(  # no project: Scale's face makes its default project, label-free
        "/v1/task/categorization", headers=boss, json={"attachment": "x", "categories": ["a", "b"]}
    )
    assert task.status_code == 200, task.text
    assert (
        client.post(
            "/v1/task/categorization",
            headers=boss,
            json={"project": "s", "attachment": "y", "categories": ["c", "d"]},
        ).status_code
        == 200
    )


def test_changing_labels_says_what_happens_to_existing_tasks_and_answers(
    client, db, boss, accounts
):
    make.api_project(client, boss, "p", params={"categories": ["cat", "dog"]})
    with db.session(write=True) as s:
        ann = make.person(s, "ann", "annotator", projects=("p",))
    old = client.post("/api/projects/p/tasks", headers=boss, json={"attachment": "x"}).json()[
        "task_id"
    ]
    claimed = client.post("/api/projects/p/next", headers=ann.headers).json()
    answered = client.post(
        f"/api/assignments/{claimed['assignment_id']}/submit",
        headers=ann.headers,
        json={"response": {"category": "dog"}},
    )
    assert answered.status_code == 200, answered.text

    assert client.get("/api/projects/p/labels", headers=boss).json() == {
        "project": "p", "field": "categories", "title": "Categories", "labels": ["cat", "dog"],
        "effect": EFFECT, "locked": None,
    }  # fmt: skip
    changed = client.put("/api/projects/p/labels", headers=boss, json={"labels": ["cat", "puppy"]})
    assert changed.status_code == 200, changed.text
    body = changed.json()
    assert (body["labels"], body["added"], body["removed"], body["version"]) == (
        ["cat", "puppy"], ["puppy"], ["dog"], 1,
    )  # fmt: skip
    assert "removed label stays in old answers and exports" in body["effect"]
    assert "renamed label counts as one removed and one added" in body["effect"]
    task = client.get(f"/api/tasks/{old}", headers=boss).json()
    assert task["params"]["categories"] == ["cat", "dog"]  # the old task keeps its labels
    new = client.post("/api/projects/p/tasks", headers=boss, json={"attachment": "y"}).json()[
        "task_id"
    ]
    assert client.get(f"/api/tasks/{new}", headers=boss).json()["params"]["categories"] == [
        "cat", "puppy",
    ]  # fmt: skip
    exported = client.get("/api/projects/p/export?format=jsonl", headers=boss).text
    assert '"dog"' in exported  # the answer with the removed label is still exported

    for labels, loc in (([], "labels"), (["cat", "cat"], "labels.1"), (["ok", ""], "labels.1")):
        r = client.put("/api/projects/p/labels", headers=boss, json={"labels": labels})
        assert r.status_code == 400, r.text
        assert r.json()["errors"][0]["loc"] == loc, r.json()
    assert client.get("/api/projects/p/labels", headers=boss).json()["labels"] == ["cat", "puppy"]


def test_entity_labels_keep_their_descriptions_and_comparisons_have_none(client, boss):
    labels = [{"name": "PER", "description": "a person"}, {"name": "ORG"}]
    make.api_project(client, boss, "ner", "namedentityrecognition", params={"labels": labels})
    r = client.put("/api/projects/ner/labels", headers=boss, json={"labels": ["PER", "LOC"]})
    assert r.status_code == 200, r.text
    params = client.get("/api/projects/ner", headers=boss).json()["params"]
    assert params["labels"] == [{"name": "PER", "description": "a person"}, {"name": "LOC"}]
    geometries = {"polygon": {"objects_to_annotate": ["roof"], "min_vertices": 4}}
    make.api_project(client, boss, "img", "imageannotation", params={"geometries": geometries})
    r = client.put("/api/projects/img/labels", headers=boss, json={"labels": ["roof", "door"]})
    assert r.status_code == 200 and r.json()["added"] == ["door"]
    params = client.get("/api/projects/img", headers=boss).json()["params"]
    assert params["geometries"] == {
        "polygon": {"objects_to_annotate": ["roof", "door"], "min_vertices": 4}
    }
    _create(client, boss, "pairs", "comparison")
    for method in ("GET", "PUT"):
        r = client.request(
            method, "/api/projects/pairs/labels", headers=boss, json={"labels": ["a"]}
        )
        assert r.status_code == 400 and r.json()["errors"][0]["loc"] == "labels"
    assert client.get("/api/projects/nope/labels", headers=boss).status_code == 404


def test_replacing_params_cannot_drop_the_labels(client, boss):
    make.api_project(client, boss, "p", params={"categories": ["cat", "dog"]})

    def post(**body):
        return client.post("/api/projects/p/params", headers=boss, json=body)

    for body in ({"params": {"instruction": "new"}}, {"params": {}, "instruction": "x"}):
        r = post(**body)  # a replacement without categories: refused, nothing written
        assert r.status_code == 400, r.text
        assert r.json()["errors"] == [
            {"loc": "params.categories", "msg": "give at least one category"}
        ]
    r = post(params={"categories": []}, patch=True)
    assert r.status_code == 400 and r.json()["errors"][0]["loc"] == "params.categories"
    project = client.get("/api/projects/p", headers=boss).json()
    assert len(project["param_history"]) == 1
    r = post(params={}, patch=True, instruction="kept")  # the dashboard's instruction save
    assert r.status_code == 200 and r.json()["params"] == {"categories": ["cat", "dog"]}
    r = post(params={"categories": ["a", "b"]})
    assert r.status_code == 200 and r.json()["params"] == {"categories": ["a", "b"]}
    geometries = {"box": {"objects_to_annotate": ["car"]}}
    make.api_project(client, boss, "img", "imageannotation", params={"geometries": geometries})
    r = client.post(
        "/api/projects/img/params",
        headers=boss,
        json={"params": {"geometries": {"box": {"objects_to_annotate": []}}}},
    )
    assert r.status_code == 400
    assert r.json()["errors"] == [
        {"loc": "params.geometries", "msg": "give at least one object label"}
    ]


def test_a_project_scale_made_without_labels_takes_changes_that_leave_them_alone(client, boss):
    made = client.post("/v1/projects", headers=boss, json={"name": "s", "type": "categorization"})
    assert made.status_code == 200, made.text
    for body in ({"params": {}, "patch": True, "instruction": "read"}, {"params": {}}):
        r = client.post("/api/projects/s/params", headers=boss, json=body)
        assert r.status_code == 200, r.text
    r = client.post("/api/projects/s/params", headers=boss, json={"params": {"categories": []}})
    assert r.status_code == 400 and r.json()["errors"][0]["loc"] == "params.categories"
    make.api_project(client, boss, "p", params={"categories": ["cat", "dog"]})
    r = client.post("/v1/projects/p/setParams", headers=boss, json={"instruction": "Scale's"})
    assert r.status_code == 200, r.text  # Scale's face replaces, as Scale does
    assert client.get("/api/projects/p", headers=boss).json()["params"] == {}


NESTED = {
    "box": {
        "objects_to_annotate": [
            {"choice": "vehicle", "subchoices": ["car", "truck"]},
            "person",
        ]
    },
    "polygon": {"objects_to_annotate": ["road"]},
}


@pytest.mark.parametrize(
    ("geometries", "reason"),
    [
        (NESTED, "nest choices"),
        ({"box": NESTED["polygon"], "point": {"objects_to_annotate": ["pole"]}}, "box, point"),
    ],
)
def test_structured_image_labels_are_shown_not_flattened(client, boss, geometries, reason):
    make.api_project(client, boss, "img", "imageannotation", params={"geometries": geometries})
    view = client.get("/api/projects/img/labels", headers=boss).json()
    assert reason in view["locked"] and "params.geometries" in view["locked"]
    r = client.put("/api/projects/img/labels", headers=boss, json={"labels": ["car"]})
    assert r.status_code == 409, r.text
    assert r.json()["errors"] == [{"loc": "labels", "msg": view["locked"]}]
    project = client.get("/api/projects/img", headers=boss).json()
    assert project["params"]["geometries"] == geometries and len(project["param_history"]) == 1
    if reason == "nest choices":
        assert view["labels"] == ["car", "truck", "person", "road"]
    flat = {"box": {"objects_to_annotate": ["a"]}, "line": {"objects_to_annotate": ["a"]}}
    make.api_project(client, boss, "same", "imageannotation", params={"geometries": flat})
    assert client.get("/api/projects/same/labels", headers=boss).json()["locked"] is None
    r = client.put("/api/projects/same/labels", headers=boss, json={"labels": ["a", "b"]})
    assert r.status_code == 200 and r.json()["locked"] is None
