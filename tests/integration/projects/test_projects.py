"""Projects: unique names, versioned params, quality policy, members."""

from __future__ import annotations

import pytest
from tests import factories as make

from quorum.services.accounts.users import Principal, Role
from quorum.services.errors import Conflict, InvalidRequest, NotFound
from quorum.services.projects import catalog
from quorum.services.tasks import creation, queries
from quorum.tasktypes.base import FieldError

CATS = {"categories": ["positive", "negative"]}


def test_param_history_and_task_defaults(db):
    with db.session(write=True) as s:
        p = catalog.create_project(
            s, "reviews", "categorization", params=CATS, instruction="Read the *review*."
        )
        assert p["param_history"][0]["version"] == 0
        assert p["instruction"] == "Read the *review*."
        first = creation.create_tasks(s, "reviews", [{"attachment": "good"}])[0]
        p = catalog.set_params(s, "reviews", {"categories": ["pos", "neg", "mixed"]})
        assert [h["version"] for h in p["param_history"]] == [0, 1]
        assert p["params"]["categories"] == ["pos", "neg", "mixed"]
        assert p["instruction"] == "Read the *review*."  # kept when not given
        second, third = creation.create_tasks(
            s,
            "reviews",
            [{"attachment": "ok"}, {"attachment": "bad", "categories": ["a", "b"]}],
        )
        assert queries.task_view(s, first)["params"]["categories"] == ["positive", "negative"]
        assert queries.task_view(s, first)["param_version"] == 0
        assert queries.task_view(s, second)["params"]["categories"] == ["pos", "neg", "mixed"]
        assert queries.task_view(s, second)["param_version"] == 1
        assert queries.task_view(s, third)["params"]["categories"] == ["a", "b"]  # task wins
        patched = catalog.set_params(s, "reviews", {"allow_multiple": True}, patch=True)
        assert patched["params"] == {"categories": ["pos", "neg", "mixed"], "allow_multiple": True}


def test_duplicate_and_invalid_projects(db):
    with db.session(write=True) as s:
        catalog.create_project(s, "p", "categorization")
        with pytest.raises(Conflict):
            catalog.create_project(s, "p", "categorization")
        with pytest.raises(InvalidRequest, match="supported: audiotranscription"):
            catalog.create_project(s, "q", "segmentation")
        with pytest.raises(InvalidRequest, match="params.categories"):
            catalog.create_project(s, "q", "categorization", params={"categories": ["only"]})
        with pytest.raises(InvalidRequest) as err:
            catalog.create_project(
                s, "q", "categorization", policy={"min_overlap": 3, "max_overlap": 2}
            )
        assert err.value.errors == [
            FieldError("policy.max_overlap", "must be at least min_overlap (3)")
        ]
        with pytest.raises(InvalidRequest) as err:  # the default max_overlap (3) is checked too
            catalog.create_project(s, "q", "categorization", policy={"min_overlap": 4})
        assert err.value.errors == [
            FieldError("policy.max_overlap", "must be at least min_overlap (4)")
        ]
        with pytest.raises(InvalidRequest, match="invalid quality policy"):
            catalog.create_project(s, "q", "categorization", policy={"gold_rat": 0.1})
        assert [p["name"] for p in catalog.list_projects(s, Principal(0, "x", Role.admin))] == ["p"]


def test_policy_defaults_and_updates(db):
    with db.session(write=True) as s:
        p = catalog.create_project(s, "p", "categorization", policy={"max_overlap": 5})
        assert p["policy"] == {
            "min_overlap": 1,
            "max_overlap": 5,
            "confidence_target": 0.9,
            "gold_rate": 0.0,
            "review_rate": 0.0,
            "lease_seconds": 600,
            "qualification_count": 0,
            "qualification_pass": 0.7,
            "gold_min_accuracy": 0.0,
            "auto_block_spammers": False,
            "review_reject_limit": 2,
            "pay_per_task": 0.0,
            "pay_per_hour": 0.0,
            "stage_batches": False,
        }
        p = catalog.set_policy(s, "p", {"gold_rate": 0.1, "review_rate": 0.05})
        assert (p["policy"]["max_overlap"], p["policy"]["gold_rate"]) == (5, 0.1)


def test_members_see_their_projects_only(db):
    with db.session(write=True) as s:
        catalog.create_project(s, "mine", "categorization")
        catalog.create_project(s, "other", "categorization")
        ann = make.person(s, "ann", projects=["mine"]).principal
        make.person(s, "rex", "reviewer", projects=["mine"])
        boss = make.person(s, "max", "manager").principal
        with pytest.raises(InvalidRequest):
            catalog.add_member(s, "mine", "ann", "manager")
        assert [p["name"] for p in catalog.list_projects(s, ann)] == ["mine"]
        assert [p["name"] for p in catalog.list_projects(s, boss)] == ["mine", "other"]
        assert catalog.project_for(s, ann, "mine").name == "mine"
        with pytest.raises(NotFound):
            catalog.project_for(s, ann, "other")
        assert [m["user"] for m in catalog.list_members(s, "mine")] == ["ann", "rex"]
        catalog.remove_member(s, "mine", "ann")
        assert catalog.list_projects(s, ann) == []
        with pytest.raises(NotFound):
            catalog.remove_member(s, "mine", "ann")


def _error(response, status: int) -> dict:
    assert response.status_code == status, response.text
    return response.json()


def test_scale_type_is_a_setting_checked_against_the_task_type(client, accounts):
    """Which shape callbacks carry is a project setting: given on create or change, shown in
    the view, refused with the field named when it is no Scale type of the project's type."""
    auth = {"auth": (accounts["manager"].key, "")}

    def create(name: str, type: str, **more):
        return client.post("/api/projects", json={"name": name, "type": type, **more}, **auth)

    def change(**settings):
        return client.patch("/api/projects/r", json=settings, **auth)

    form = {"fields": [{"type": "text", "field_id": "a", "title": "A"}]}
    made = create("r", "textcollection", params=form, scale_type="transcription")
    assert made.status_code == 200 and made.json()["scale_type"] == "transcription"
    assert create("p", "categorization", params=CATS).json()["scale_type"] is None
    wrong = _error(create("q", "categorization", params=CATS, scale_type="transcription"), 400)
    assert [e["loc"] for e in wrong["errors"]] == ["scale_type"]
    assert "must be null or one of categorization, not 'transcription'" in wrong["error"]
    assert client.get("/api/projects/q", **auth).status_code == 404  # nothing half-written
    assert "body.scale_type" in _error(create("q", "categorization", scale_type=5), 400)["error"]
    assert change(scale_type=None).json()["scale_type"] is None
    bogus = _error(change(scale_type="annotation"), 400)
    assert bogus["errors"][0]["loc"] == "scale_type" and "transcription" in bogus["error"]
    assert "body.colour" in _error(change(colour=1), 400)["error"]
    assert change(scale_type="textcollection").json()["scale_type"] == "textcollection"
    shown = client.get("/api/projects/r", **auth).json()
    assert (shown["scale_type"], shown["archived"]) == ("textcollection", False)  # others kept
    reviewer = client.patch(
        "/api/projects/r", json={"archived": True}, auth=(accounts["reviewer"].key, "")
    )
    assert reviewer.status_code == 403


def test_projects_made_through_v1_have_their_scale_type_written(client, accounts):
    auth = {"auth": (accounts["manager"].key, "")}
    v1 = client.post(
        "/v1/projects", json={"name": "s", "type": "transcription", "params": {}}, **auth
    )
    assert v1.status_code == 200, v1.text
    assert client.get("/api/projects/s", **auth).json()["scale_type"] == "transcription"
    loose = client.post("/v1/task/categorization", json={"attachment": "x", **CATS}, **auth)
    assert loose.status_code == 200, loose.text
    default = client.get("/api/projects/default-categorization", **auth).json()
    assert default["scale_type"] == "categorization"
    # A native project fed through /v1 keeps its setting: no implicit switch.
    client.post(
        "/api/projects", json={"name": "n", "type": "categorization", "params": CATS}, **auth
    )
    fed = client.post("/v1/task/categorization", json={"project": "n", "attachment": "y"}, **auth)
    assert fed.status_code == 200, fed.text
    assert client.get("/api/projects/n", **auth).json()["scale_type"] is None


def test_an_archived_project_takes_no_tasks_and_leaves_the_workers_lists(client, accounts):
    auth = {"auth": (accounts["manager"].key, "")}
    annotator = {"auth": (accounts["annotator"].key, "")}
    reviewer = {"auth": (accounts["reviewer"].key, "")}
    client.post(
        "/api/projects", json={"name": "p", "type": "categorization", "params": CATS}, **auth
    )
    for who in ("annotator", "reviewer"):
        client.post("/api/projects/p/members", json={"user": who, "role": who}, **auth)
    assert client.post("/api/projects/p/tasks", json={"attachment": "a"}, **auth).is_success

    def listed() -> tuple[list[str], list[str]]:
        mine = client.get("/api/me/projects", **annotator).json()
        queues = client.get("/api/me/reviews", **reviewer).json()
        return [p["name"] for p in mine], [q["name"] for q in queues]

    assert listed() == (["p"], ["p"])
    archived = client.patch("/api/projects/p", json={"archived": True}, **auth)
    assert archived.status_code == 200 and archived.json()["archived"] is True
    assert [p["archived"] for p in client.get("/api/projects", **auth).json()] == [True]
    refused = client.post("/api/projects/p/tasks", json={"attachment": "b"}, **auth)
    assert _error(refused, 409)["error"] == "project 'p' is archived: unarchive it to add tasks"
    through_v1 = client.post(
        "/v1/task/categorization", json={"project": "p", "attachment": "c"}, **auth
    )
    assert through_v1.status_code == 409
    assert listed() == ([], [])
    assert client.patch("/api/projects/p", json={"archived": False}, **auth).is_success
    assert client.post("/api/projects/p/tasks", json={"attachment": "d"}, **auth).is_success
    assert listed() == (["p"], ["p"])
