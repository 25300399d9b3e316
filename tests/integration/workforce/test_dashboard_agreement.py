"""The dashboard's agreement measures for a project of each task type, built with two
annotators answering the same two tasks, read through the dashboard API; and the setup stage
a new project goes through before its charts mean anything."""

from __future__ import annotations

import pytest
from tests import factories as make

from quorum.services.tasks import creation
from quorum.services.workforce import dashboard

TWO_EACH = {"min_overlap": 2, "max_overlap": 2, "confidence_target": 0.01}


def box(left: float) -> dict:
    return {"type": "box", "label": "car", "left": left, "top": 0, "width": 10, "height": 10}


def shapes(*objects: dict) -> dict:
    return {"annotations": list(objects), "links": [], "global_attributes": {}}


def form(n: float, note: str) -> dict:
    return {"annotations": {
        "n": {"type": "number", "field_id": "n", "response": [n]},
        "note": {"type": "text", "field_id": "note", "response": [note]},
    }}  # fmt: skip


ADA, BOB = {"start": 0, "end": 3, "label": "PER"}, {"start": 8, "end": 11, "label": "PER"}
CANDIDATES = [{"id": c, "content": f"answer {c}"} for c in "abc"]

# type, params, task record, the answers of a1 and of a2 to the two tasks, expected measures
CASES = [
    ("categorization", {"categories": ["a", "b"]}, {"attachment": "ticket"},
     [{"category": "a"}, {"category": "a"}], [{"category": "a"}, {"category": "b"}],
     # coincidences a-a 2, a-b 1, b-a 1: alpha = 1 - 3 * 2 / (2 * 3 * 1) = 0
     {"Krippendorff's alpha": 0.0, "Percent agreement": 0.5}, 0.5),
    ("namedentityrecognition", {"labels": [{"name": "PER"}]}, {"text": "Ada met Bob."},
     [{"annotations": [ADA, BOB]}, {"annotations": []}],
     [{"annotations": [ADA]}, {"annotations": []}],
     {"Span F1 between annotators": 0.8333}, 0.8333),
    ("imageannotation", {"geometries": {"box": {"objects_to_annotate": ["car"]}}},
     {"attachment": "https://example.com/a.png"},
     [shapes(box(0)), shapes(box(0))], [shapes(box(5)), shapes(box(0))],
     # IoU of the shifted boxes 50 / 150, below the 0.5 match of object F1
     {"Mean IoU between annotators": 0.6667, "Object F1 between annotators": 0.5}, 0.5),
    ("audiotranscription", {"language": "en"}, {"attachment": "https://example.com/a.wav"},
     [{"transcript": "the cat sat"}, {"transcript": "yes"}],
     [{"transcript": "the bat sat"}, {"transcript": "yes"}],
     {"Word error rate between annotators": 0.1667}, 0.8333),
    ("comparison", {"mode": "ranking"}, {"prompt": "Best?", "candidates": CANDIDATES},
     [{"ranking": ["a", "b", "c"]}, {"ranking": ["a", "b", "c"]}],
     [{"ranking": ["a", "c", "b"]}, {"ranking": ["a", "b", "c"]}],
     {"Kendall's tau between annotators": 0.6667, "Pairs in the same order": 0.8333}, 0.8333),
    ("textcollection",
     {"fields": [{"type": "number", "field_id": "n", "title": "Count"},
                 {"type": "text", "field_id": "note", "title": "Note"}]},
     {"attachments": [{"type": "text", "content": "Count the items."}]},
     [form(100, "a b"), form(7, "x y z w")], [form(104, "a c"), form(7, "x y z v")],
     {"Whole form": 0.8125, "Field “Count”": 1.0, "Field “Note”": 0.625}, 0.8125),
]  # fmt: skip


@pytest.mark.parametrize(
    ("kind", "params", "record", "first", "second", "expected", "each"),
    CASES,
    ids=[c[0] for c in CASES],
)
def test_dashboard_measures_agreement_of_every_type(
    client, accounts, db, kind, params, record, first, second, expected, each
):
    with db.session(write=True) as s:
        make.project(s, "p", kind, params=params, policy=TWO_EACH)
        p = make.people(s, "a1", "a2", projects=["p"])
        creation.create_tasks(s, "p", [record, record])
        for who, answers in (("a1", first), ("a2", second)):
            for response in answers:
                make.answer(s, p[who], response, "p", time_spent_s=3.0)
    got = make.ok(client.get("/api/projects/p/dashboard", headers=accounts["manager"].headers))
    agreement = got["agreement"]
    assert agreement["sample"] == 2
    measured = {m["name"]: m["value"] for m in agreement["measures"]}
    assert measured == pytest.approx(expected, abs=1e-4)
    assert all(m["n"] == 2 and m["explanation"] for m in agreement["measures"])
    assert [(a["annotator"], a["pairs"]) for a in agreement["per_annotator"]] == [
        ("a1", 2), ("a2", 2),
    ]  # fmt: skip
    assert [a["agreement"] for a in agreement["per_annotator"]] == pytest.approx([each] * 2)
    assert got["setup"]["stage"] == "running"


def test_tasks_with_one_answer_are_not_measured(db):
    with db.session(write=True) as s:
        make.project(s, "one", policy={"min_overlap": 1, "max_overlap": 1})
        p = make.people(s, "a1", projects=["one"])
        make.tasks(s, "one", 2)
        make.answer(s, p["a1"], {"category": "a"}, "one")
        got = dashboard.dashboard(s, "one", 1)["agreement"]
    assert got["sample"] == 0 and got["per_annotator"] == []
    assert [(m["value"], m["n"]) for m in got["measures"]] == [(None, 0), (None, 0)]


def test_the_sample_is_the_latest_tasks(db, monkeypatch):
    monkeypatch.setattr("quorum.services.workforce.dashboard_agreement.AGREEMENT_SAMPLE", 1)
    with db.session(write=True) as s:
        make.project(s, "p", policy=TWO_EACH)
        p = make.people(s, "a1", "a2", projects=["p"])
        make.tasks(s, "p", 2)
        for who, labels in (("a1", "ab"), ("a2", "aa")):  # agree on the first task only
            for label in labels:
                make.answer(s, p[who], {"category": label}, "p")
        got = dashboard.dashboard(s, "p", 1)["agreement"]
    assert got["sample"] == 1
    assert {m["name"]: m["value"] for m in got["measures"]}["Percent agreement"] == 0.0


def test_setup_stage_follows_a_new_project(client, accounts, db):
    def stage() -> dict:
        url = "/api/projects/new/dashboard"
        return make.ok(client.get(url, headers=accounts["manager"].headers))["setup"]

    with db.session(write=True) as s:
        make.project(s, "new", policy={"min_overlap": 1, "max_overlap": 1})
    first = stage()
    assert first["stage"] == "no_tasks" and "task records" in first["next_step"]
    assert first["link"] == {"text": "Upload tasks", "href": "#h-upload-tasks"}
    assert [s["done"] for s in first["steps"]] == [False, False, False]
    with db.session(write=True) as s:
        make.tasks(s, "new", 2)
    assert stage()["stage"] == "no_annotators"
    with db.session(write=True) as s:
        ann = make.person(s, "ann", projects=["new"])
    then = stage()
    assert then["stage"] == "no_answers" and then["link"]["href"] == "/work/new"
    with db.session(write=True) as s:
        make.answer(s, ann, {"category": "a"}, "new")
    running = stage()
    assert running["stage"] == "running" and running["link"]["href"] == "/review/new"
    assert all(s["done"] for s in running["steps"])
