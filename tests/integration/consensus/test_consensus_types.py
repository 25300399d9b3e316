"""Consensus of entity spans and image annotations through the API, on both databases: two nearly
identical answers complete the task with their merged response; split answers buy a third."""

from __future__ import annotations

import pytest
from tests import factories as make

from quorum.db.models import Assignment

POLICY = {"min_overlap": 2, "max_overlap": 3, "confidence_target": 0.8}
ANNOTATORS = ("ann1", "ann2", "ann3")


def _car(left: float) -> dict:
    return {"type": "box", "label": "car", "left": left, "top": 10, "width": 100, "height": 50}


CASES = {
    "namedentityrecognition": {
        "params": {
            "text": "Ada Lovelace moved to New York City.",
            "labels": [{"name": "PER"}, {"name": "LOC"}],
        },
        "near": [  # "New York" or "New York City"
            {"annotations": [{"start": 0, "end": 12, "label": "PER"},
                             {"start": 22, "end": 30, "label": "LOC"}]},
            {"annotations": [{"start": 0, "end": 12, "label": "PER"},
                             {"start": 22, "end": 35, "label": "LOC"}]},
        ],
        "merged": {"annotations": [
            {"start": 0, "end": 12, "label": "PER", "text": "Ada Lovelace"},
            {"start": 22, "end": 35, "label": "LOC", "text": "New York City"},
        ]},
        "split": [{"annotations": [{"start": 0, "end": 12, "label": "PER"}]}, {"annotations": []}],
    },
    "imageannotation": {
        "params": {
            "attachment": "https://example.com/street.jpg",
            "geometries": {"box": {"objects_to_annotate": ["car"]}},
        },
        "near": [{"annotations": [_car(10)]}, {"annotations": [_car(15)]}],  # IoU 0.9
        "merged": {
            "annotations": [{**_car(12.5), "attributes": {}}],
            "links": [],
            "global_attributes": {},
        },
        "split": [{"annotations": [_car(10)]}, {"annotations": []}],
    },
}  # fmt: skip


@pytest.fixture
def annotators(client, accounts) -> dict[str, dict[str, str]]:
    """Three annotators' auth headers."""
    return {name: make.api_person(client, accounts["admin"].headers, name) for name in ANNOTATORS}


def _answer(client, db, headers: dict[str, str], project: str, response: dict) -> str:
    """Claim, answer, and return the id of the task served (read from the database: annotators
    are not shown task ids)."""
    claimed = make.api_answer(client, headers, response, project, time_spent_s=5)
    assert claimed is not None
    with db.session() as s:
        return s.get(Assignment, claimed["assignment_id"]).task_id


@pytest.mark.parametrize("task_type", CASES)
def test_near_answers_merge_and_split_ones_buy_another(client, db, accounts, annotators, task_type):
    case, manager = CASES[task_type], accounts["manager"].headers
    make.api_project(
        client, manager, "p", task_type, params=case["params"], policy=POLICY, annotators=ANNOTATORS
    )

    near = client.post("/api/projects/p/tasks", headers=manager, json={}).json()["task_id"]
    for name, response in zip(ANNOTATORS, case["near"], strict=False):
        assert _answer(client, db, annotators[name], "p", response) == near
    task = client.get(f"/api/tasks/{near}", headers=manager).json()
    assert task["status"] == "completed" and task["response"] == case["merged"]
    assert task["confidence"] >= POLICY["confidence_target"] and not task["low_confidence"]
    assert client.post("/api/projects/p/next", headers=annotators["ann3"]).status_code == 204

    split = client.post("/api/projects/p/tasks", headers=manager, json={}).json()["task_id"]
    for name, response in zip(ANNOTATORS, case["split"], strict=False):
        assert _answer(client, db, annotators[name], "p", response) == split
    task = client.get(f"/api/tasks/{split}", headers=manager).json()
    assert task["status"] == "pending" and task["confidence"] is None
    assert _answer(client, db, annotators["ann3"], "p", case["split"][0]) == split
    task = client.get(f"/api/tasks/{split}", headers=manager).json()
    assert task["status"] == "completed" and len(task["annotations"]) == 3
