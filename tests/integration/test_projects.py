"""Projects: unique names, versioned params, quality policy, members."""

from __future__ import annotations

import pytest
from tests import factories as make

from quorum.services.accounts.users import Principal, Role
from quorum.services.errors import Conflict, InvalidRequest, NotFound
from quorum.services.projects import catalog
from quorum.services.tasks import creation, queries

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
        assert "max_overlap must be at least min_overlap" in str(err.value.errors)
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
