"""The manager's dashboard figures, the reviewer's queues, and per-answer agreement in review."""

from __future__ import annotations

from tests import factories as make

from quorum.services.review import reviews
from quorum.services.tasks import creation
from quorum.services.workforce import dashboard


def _answer(s, who, project, response):
    make.answer(s, who, response, project, time_spent_s=12.0)


def test_dashboard_counts_and_confusion(db):
    with db.session(write=True) as s:
        make.project(
            s, "d", params={"categories": ["cat", "dog"]},
            policy={"min_overlap": 2, "max_overlap": 2, "confidence_target": 0.5},
        )  # fmt: skip
        p = make.people(s, "a1", "a2", projects=["d"])
        make.person(s, "boss", "manager")
        make.tasks(s, "d", 4)
        for _ in range(3):
            _answer(s, p["a1"], "d", {"category": "cat"})
        for label in ("cat", "dog", "cat"):
            _answer(s, p["a2"], "d", {"category": label})
        got = dashboard.dashboard(s, "d", 24)
    assert len(got["throughput"]) == 24
    assert got["throughput"][-1]["answers"] == 6
    assert got["throughput"][-1]["completed"] == got["queue"]["by_status"]["completed"] == 3
    assert got["queue"]["total"] == 4 and got["queue"]["completion"] == 0.75
    assert sum(got["confidence"]) == 3
    confusion = got["confusion"]
    assert confusion["labels"] == ["cat", "dog"]
    assert sum(map(sum, confusion["matrix"])) == 6
    assert got["label_agreement"] == {"cat": 0.8333, "dog": None}  # 5 of 6 answers say cat
    assert [a["answers"] for a in got["annotators"]] == [3, 3]


def test_review_queues_and_partial_agreement(db):
    with db.session(write=True) as s:
        make.project(
            s, "ner", "namedentityrecognition", params={"labels": [{"name": "PER"}]},
            policy={"min_overlap": 2, "max_overlap": 2, "confidence_target": 0.01,
                    "review_rate": 1.0},
        )  # fmt: skip
        make.project(s, "other", params={"categories": ["x", "y"]})
        p = make.people(s, "a1", "a2", projects=["ner"])
        rev = make.person(s, "rev", "reviewer", projects=["ner"])
        creation.create_tasks(s, "ner", [{"text": "Ada met Bob and Cy."}])
        ada, bob = {"start": 0, "end": 3, "label": "PER"}, {"start": 8, "end": 11, "label": "PER"}
        _answer(s, p["a1"], "ner", {"annotations": [ada, bob]})
        _answer(s, p["a2"], "ner", {"annotations": [ada]})
        assert reviews.queues(s, rev.principal) == [
            {"name": "ner", "type": "namedentityrecognition", "waiting": 1}
        ]
        item = reviews.next_review(s, rev.principal, "ner")
        per_label = dashboard.dashboard(s, "ner", 1)["label_agreement"]
    assert per_label is not None and 0 < per_label["PER"] < 1
    scores = [a["agreement"] for a in item["answers"]]
    assert all(0 <= x <= 1 for x in scores)
    assert any(0 < x < 1 for x in scores)  # partial credit, not all-or-nothing


def test_agreement_per_label_of_image_objects(db):
    with db.session(write=True) as s:
        make.project(
            s, "img", "imageannotation",
            params={"geometries": {"box": {"objects_to_annotate": ["car", "person"]}}},
            policy={"min_overlap": 2, "max_overlap": 2, "confidence_target": 0.01},
        )  # fmt: skip
        make.tasks(s, "img", attachment="https://example.com/a.png")
        p = make.people(s, "a1", "a2", projects=["img"])
        for name, boxes in (("a1", [("car", 10), ("person", 200)]), ("a2", [("car", 14)])):
            drawn = [
                {"type": "box", "label": label, "left": x, "top": 10, "width": 50, "height": 40}
                for label, x in boxes
            ]
            _answer(s, p[name], "img", {"annotations": drawn, "links": [], "global_attributes": {}})
        got = dashboard.dashboard(s, "img", 1)
    assert got["confusion"] is None
    assert got["label_agreement"]["car"] == 1.0  # the two cars overlap enough to match
    assert 0 < got["label_agreement"]["person"] < 1  # one of the two answers has the person


def test_dashboard_route_refuses_bad_input(client, accounts, db):
    with db.session(write=True) as s:
        make.project(s, "q", params={"categories": ["x", "y"]})
    headers = accounts["manager"].headers
    assert client.get("/api/projects/q/dashboard?hours=0", headers=headers).status_code == 400
    assert client.get("/api/projects/q/dashboard?hours=x", headers=headers).status_code == 400
    assert client.get("/api/projects/nope/dashboard", headers=headers).status_code == 404
    got = client.get("/api/projects/q/dashboard?hours=720", headers=headers).json()
    assert len(got["throughput"]) == 720 and got["queue"]["completion"] is None
