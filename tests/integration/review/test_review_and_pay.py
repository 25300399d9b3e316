"""Review queue, requester audits, annotator statistics, pay records and manual blocking."""

from __future__ import annotations

import csv
import io

import pytest

from quorum.services.accounts import users
from quorum.services.errors import Forbidden, InvalidRequest
from quorum.services.labeling import assignments
from quorum.services.projects import catalog
from quorum.services.review import reviews
from quorum.services.tasks import creation, queries
from quorum.services.workforce import annotators


@pytest.fixture
def setup(db):
    with db.session(write=True) as s:
        people = {}
        for name, role in (
            ("ann", "annotator"),
            ("bob", "annotator"),
            ("rev", "reviewer"),
            ("boss", "manager"),
        ):
            users.create_user(s, name, role)
            people[name] = users.authenticate_key(s, users.create_api_key(s, name))
        catalog.create_project(
            s,
            "p",
            "categorization",
            params={"categories": ["cat", "dog"]},
            policy={
                "min_overlap": 1,
                "max_overlap": 2,
                "confidence_target": 0.6,
                "review_rate": 1.0,
                "review_reject_limit": 1,
                "pay_per_task": 0.05,
                "pay_per_hour": 12.0,
            },
        )
        catalog.add_member(s, "p", "ann", "annotator")
        catalog.add_member(s, "p", "bob", "annotator")
        catalog.add_member(s, "p", "rev", "reviewer")
    return people


def _work(s, who, label, seconds=30.0):
    claimed = assignments.claim_next(s, who, "p")
    assignments.submit(s, who, claimed["assignment_id"], {"category": label}, seconds)
    return claimed["task_id"]


def test_review_accept_fix_reject_and_error(db, setup):
    p = setup
    with db.session(write=True) as s:
        first, second = creation.create_tasks(s, "p", [{"attachment": "a"}, {"attachment": "b"}])
        assert _work(s, p["ann"], "cat") == first
        assert _work(s, p["ann"], "cat") == second
        item = reviews.next_review(s, p["rev"], "p")
        assert item["task_id"] == first and item["answers"][0]["annotator"] == "ann"
        assert item["answers"][0]["agrees"] is True
        with pytest.raises(Forbidden):
            reviews.next_review(s, p["ann"], "p")
        reviews.decide(s, p["rev"], first, "fix", response={"category": "dog"}, comment="a dog")
        fixed = queries.task_view(s, first)
        assert fixed["response"] == {"category": "dog"} and fixed["review_status"] == "fixed"
        assert fixed["audits"][0]["audit_result"] == "fixed"
        with pytest.raises(InvalidRequest, match="response.category"):
            reviews.decide(s, p["rev"], second, "fix", response={"category": "cow"})
        assert reviews.next_review(s, p["rev"], "p")["task_id"] == second
        reviews.decide(s, p["rev"], second, "reject", comment="looks wrong")
        again = queries.task_view(s, second)
        assert again["status"] == "pending" and again["response"] is None
        assert _work(s, p["bob"], "dog") == second  # back in the queue for one more answer
        assert queries.task_view(s, second)["status"] == "completed"
        reviews.decide(s, p["rev"], second, "reject")
        assert queries.task_view(s, second)["status"] == "error"  # past the rejection limit
        audit = reviews.decide(s, p["boss"], first, "accept", comment="ok", source="customer")
        assert [a["audit_source"] for a in audit["audits"]] == ["reviewer", "customer"]
        with pytest.raises(InvalidRequest, match="only completed tasks"):
            reviews.decide(s, p["boss"], second, "accept", source="customer")


def test_annotator_table_pay_records_and_blocking(db, setup):
    p = setup
    with db.session(write=True) as s:
        creation.create_tasks(s, "p", [{"attachment": f"t{i}"} for i in range(4)])
        creation.create_tasks(s, "p", [{"attachment": "g", "gold": {"category": "cat"}}])
        _work(s, p["ann"], "cat", 1800.0)
        _work(s, p["ann"], "cat", 1800.0)
        open_one = assignments.claim_next(s, p["bob"], "p")
        table = {row["annotator"]: row for row in annotators.annotators(s, "p")}
        assert table["ann"]["answers"] == 2 and table["ann"]["earnings"] == 12.1
        assert table["ann"]["seconds_per_answer"] == 1800.0
        rows = list(csv.DictReader(io.StringIO(annotators.pay_csv(s, "p"))))
        assert rows[0] == {
            "annotator": "ann",
            "answers": "2",
            "skipped": "0",
            "time_spent_s": "3600.0",
            "earnings": "12.1",
        }
        annotators.set_blocked(s, "p", "bob", True)
        with pytest.raises(Forbidden, match="blocked by a manager"):
            assignments.claim_next(s, p["bob"], "p")
        with pytest.raises(Exception, match="already revoked"):
            assignments.submit(s, p["bob"], open_one["assignment_id"], {"category": "cat"})
        annotators.set_blocked(s, "p", "bob", False)
        assert assignments.claim_next(s, p["bob"], "p") is not None


def test_completion_and_audits_queue_callbacks(db, setup):
    from sqlalchemy import select

    from quorum.db.models import Job

    p = setup
    with db.session(write=True) as s:
        [task_id] = creation.create_tasks(
            s, "p", [{"attachment": "a", "callback_url": "https://example.com/quorum-hook"}]
        )
        _work(s, p["ann"], "cat")
        reviews.decide(s, p["rev"], task_id, "accept")
        callbacks = select(Job).where(Job.kind == "callback.task").order_by(Job.id)
        queued = [j.payload for j in s.scalars(callbacks)]
        assert [(q["task_id"], q["event"]) for q in queued] == [
            (task_id, "completed"),
            (task_id, "audited"),
        ]
        assert queued[0]["url"] == "https://example.com/quorum-hook"
