"""The annotator loop on both databases: claims, answers, overlap, leases, skips, gold."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select, update

from quorum.db.models import Assignment, Project, ProjectAnnotator, Task
from quorum.services.accounts import users
from quorum.services.errors import Conflict, Forbidden, InvalidRequest
from quorum.services.labeling import assignments
from quorum.services.projects import catalog
from quorum.services.tasks import batches, creation, queries

CATS = {"categories": ["cat", "dog"]}


@pytest.fixture
def team(db):
    """Five annotators (a0..a4) on project `p`, as principals."""
    with db.session(write=True) as s:
        people = {}
        for i in range(5):
            users.create_user(s, f"a{i}", "annotator")
            people[f"a{i}"] = users.authenticate_key(s, users.create_api_key(s, f"a{i}"))
        users.create_user(s, "boss", "manager")
        people["boss"] = users.authenticate_key(s, users.create_api_key(s, "boss"))
    return people


def _project(s, policy, n=3, **extra):
    catalog.create_project(s, "p", "categorization", params=CATS, policy=policy)
    for i in range(5):
        catalog.add_member(s, "p", f"a{i}", "annotator")
    return creation.create_tasks(s, "p", [{"attachment": f"t{i}"} for i in range(n)], **extra)


def _answer(s, who, label, project="p"):
    claimed = assignments.claim_next(s, who, project)
    assert claimed is not None
    assignments.submit(s, who, claimed["assignment_id"], {"category": label}, 2.0)
    return claimed["task_id"]


def test_unanimous_answers_stop_early_and_split_ones_go_to_max(db, team):
    policy = {"min_overlap": 2, "max_overlap": 5, "confidence_target": 0.9}
    with db.session(write=True) as s:
        [easy] = _project(s, policy, n=1)
        for who in ("a0", "a1", "a2"):
            assert _answer(s, team[who], "cat") == easy
        view = queries.task_view(s, easy)
        assert view["status"] == "completed" and view["response"] == {"category": "cat"}
        assert view["confidence"] >= 0.9 and len(view["annotations"]) == 3
        assert assignments.claim_next(s, team["a3"], "p") is None

        [hard] = creation.create_tasks(s, "p", [{"attachment": "hard"}])
        labels = ("cat", "dog", "cat", "dog", "cat")
        votes = zip(("a0", "a1", "a2", "a3", "a4"), labels, strict=True)
        for who, label in votes:
            assert _answer(s, team[who], label) == hard
        row = s.get(Task, hard)
        s.refresh(row)
        assert (row.status, row.answered, row.low_confidence) == ("completed", 5, True)
        assert row.response == {"category": "cat"} and row.review_status == "pending"


def test_never_twice_to_the_same_annotator_and_overlap_is_capped(db, team):
    policy = {"min_overlap": 2, "max_overlap": 2, "confidence_target": 0.99}
    with db.session(write=True) as s:
        ids = _project(s, policy, n=2)
        first = assignments.claim_next(s, team["a0"], "p")
        second = assignments.claim_next(s, team["a0"], "p")
        assert first["task_id"] != second["task_id"]  # a0 holds both, one each
        assert assignments.claim_next(s, team["a0"], "p") is None
        assert assignments.claim_next(s, team["a1"], "p")["task_id"] == ids[0]
        assert assignments.claim_next(s, team["a1"], "p")["task_id"] == ids[1]
        assert assignments.claim_next(s, team["a2"], "p") is None  # every slot is leased
        assert "is_gold" not in first and "expected_response" not in first


def test_lease_expiry_returns_the_slot_and_a_late_answer_counts_if_still_free(db, team):
    policy = {"min_overlap": 1, "max_overlap": 1, "lease_seconds": 10}
    with db.session(write=True) as s:
        [only] = _project(s, policy, n=1)
        late = assignments.claim_next(s, team["a0"], "p")
        assert assignments.claim_next(s, team["a1"], "p") is None
        past = dt.datetime.now(dt.UTC).replace(tzinfo=None) - dt.timedelta(seconds=60)
        s.execute(update(Assignment).values(lease_expires_at=past))
        s.commit()
        # Nobody took the slot yet: the late answer is accepted.
        assignments.submit(s, team["a0"], late["assignment_id"], {"category": "dog"})
        assert s.get(Task, only).status == "completed"

        [again] = creation.create_tasks(s, "p", [{"attachment": "again"}])
        late = assignments.claim_next(s, team["a0"], "p")
        s.execute(
            update(Assignment)
            .where(Assignment.id == late["assignment_id"])
            .values(lease_expires_at=past)
        )
        s.commit()
        taken = assignments.claim_next(s, team["a1"], "p")
        assert taken["task_id"] == again
        with pytest.raises(Conflict, match="expired and the task went to someone else"):
            assignments.submit(s, team["a0"], late["assignment_id"], {"category": "dog"})


def test_foreign_and_finished_assignments_are_refused(db, team):
    with db.session(write=True) as s:
        _project(s, {"min_overlap": 2}, n=1)
        claimed = assignments.claim_next(s, team["a0"], "p")
        with pytest.raises(Conflict, match="belongs to another annotator"):
            assignments.submit(s, team["a1"], claimed["assignment_id"], {"category": "cat"})
        with pytest.raises(InvalidRequest, match="response.category"):
            assignments.submit(s, team["a0"], claimed["assignment_id"], {"category": "cow"})
        assignments.submit(s, team["a0"], claimed["assignment_id"], {"category": "cat"})
        with pytest.raises(Conflict, match="already submitted"):
            assignments.submit(s, team["a0"], claimed["assignment_id"], {"category": "cat"})
        with pytest.raises(Forbidden, match="not an annotator"):
            assignments.claim_next(s, team["boss"], "p")


def test_skip_and_release(db, team):
    with db.session(write=True) as s:
        [only] = _project(s, {"min_overlap": 1, "max_overlap": 1}, n=1)
        claimed = assignments.claim_next(s, team["a0"], "p")
        with pytest.raises(InvalidRequest):
            assignments.skip(s, team["a0"], claimed["assignment_id"], " ")
        assignments.skip(s, team["a0"], claimed["assignment_id"], "image does not load")
        assert assignments.claim_next(s, team["a0"], "p") is None  # skipped: not again
        other = assignments.claim_next(s, team["a1"], "p")
        assert other["task_id"] == only
        assignments.release(s, team["a1"], other["assignment_id"])
        assert assignments.claim_next(s, team["a1"], "p")["task_id"] == only  # may come back
        record = s.get(ProjectAnnotator, (s.get(Task, only).project_id, team["a0"].user_id))
        assert record.skipped == 1


def test_staging_batches_wait_for_finalize_and_priority_orders_the_queue(db, team):
    with db.session(write=True) as s:
        catalog.create_project(s, "p", "categorization", params=CATS)
        catalog.add_member(s, "p", "a0", "annotator")
        batches.create_batch(s, "p", "later", staging=True)
        creation.create_tasks(s, "p", [{"attachment": "staged"}], batch="later")
        low, high = creation.create_tasks(
            s, "p", [{"attachment": "low"}, {"attachment": "high", "priority": 5}]
        )
        assert assignments.claim_next(s, team["a0"], "p")["task_id"] == high
        assert assignments.claim_next(s, team["a0"], "p")["task_id"] == low
        assert assignments.claim_next(s, team["a0"], "p") is None
        batches.finalize_batch(s, "later")
        assert assignments.claim_next(s, team["a0"], "p")["params"]["attachment"] == "staged"


def test_qualification_gold_first_and_failing_blocks(db, team):
    policy = {"min_overlap": 1, "qualification_count": 2, "qualification_pass": 1.0}
    with db.session(write=True) as s:
        catalog.create_project(s, "p", "categorization", params=CATS, policy=policy)
        for who in ("a0", "a1"):
            catalog.add_member(s, "p", who, "annotator")
        creation.create_tasks(s, "p", [{"attachment": f"n{i}"} for i in range(3)])
        gold_ids = creation.create_tasks(
            s, "p", [{"attachment": f"g{i}", "gold": {"category": "cat"}} for i in range(2)]
        )
        # Both annotators are served the two gold tasks first, which look like any other.
        served = [assignments.claim_next(s, team["a0"], "p") for _ in range(2)]
        assert {c["task_id"] for c in served} == set(gold_ids)
        assert all(
            set(c)
            == {"assignment_id", "task_id", "type", "params", "instruction", "lease_expires_at"}
            for c in served
        )
        for claimed in served:
            assignments.submit(s, team["a0"], claimed["assignment_id"], {"category": "cat"})
        assert assignments.claim_next(s, team["a0"], "p")["params"]["attachment"].startswith("n")

        first = assignments.claim_next(s, team["a1"], "p")
        assignments.submit(s, team["a1"], first["assignment_id"], {"category": "dog"})
        second = assignments.claim_next(s, team["a1"], "p")
        assignments.submit(s, team["a1"], second["assignment_id"], {"category": "cat"})
        with pytest.raises(Forbidden, match="failed the qualification"):
            assignments.claim_next(s, team["a1"], "p")
        assert queries.task_view(s, gold_ids[0])["status"] == "pending"  # gold stays open


def test_training_tasks_are_the_qualification_whenever_they_were_created(db, team):
    policy = {"min_overlap": 1, "qualification_count": 3}
    with db.session(write=True) as s:
        catalog.create_project(s, "p", "categorization", params=CATS, policy=policy)
        catalog.add_member(s, "p", "a0", "annotator")
        creation.create_tasks(s, "p", [{"attachment": "n0"}])
        gold = [{"attachment": f"g{i}", "gold": {"category": "cat"}} for i in range(2)]
        training = [{**g, "attachment": f"t{i}", "tags": ["training"]} for i, g in enumerate(gold)]
        creation.create_tasks(s, "p", gold)
        creation.create_tasks(s, "p", training)
        served = []
        for _ in range(4):
            claimed = assignments.claim_next(s, team["a0"], "p")
            served.append(claimed["params"]["attachment"])
            assignments.submit(s, team["a0"], claimed["assignment_id"], {"category": "cat"})
        # Training first, then the oldest other gold, then ordinary work.
        assert served == ["t0", "t1", "g0", "n0"]


def test_gold_accuracy_blocks_and_returns_open_tasks(db, team):
    policy = {"min_overlap": 1, "max_overlap": 1, "gold_rate": 0.0, "gold_min_accuracy": 0.8}
    with db.session(write=True) as s:
        catalog.create_project(s, "p", "categorization", params=CATS, policy=policy)
        catalog.add_member(s, "p", "a0", "annotator")
        creation.create_tasks(s, "p", [{"attachment": f"n{i}"} for i in range(30)])
        creation.create_tasks(
            s, "p", [{"attachment": f"g{i}", "gold": {"category": "cat"}} for i in range(30)]
        )
        held = assignments.claim_next(s, team["a0"], "p")  # an ordinary task stays open
        catalog.set_policy(s, "p", {"gold_rate": 1.0})
        with pytest.raises(Forbidden, match="gold accuracy"):
            for _ in range(60):
                claimed = assignments.claim_next(s, team["a0"], "p")
                assignments.submit(s, team["a0"], claimed["assignment_id"], {"category": "dog"})
        record = s.scalar(select(ProjectAnnotator))
        assert record.blocked and record.gold_answered == 2 and record.gold_correct == 0
        assert s.get(Assignment, held["assignment_id"]).status == "revoked"
        assert s.get(Task, held["task_id"]).active == 0


def test_a_comparison_task_completes_on_the_preferred_candidate(db, team):
    with db.session(write=True) as s:
        catalog.create_project(
            s,
            "pairs",
            "comparison",
            params={
                "prompt": "Say hi",
                "candidates": [{"id": "m1", "content": "Hi"}, {"id": "m2", "content": "Hello!"}],
            },
            policy={"min_overlap": 2, "max_overlap": 3, "confidence_target": 0.8},
        )
        for who in ("a0", "a1"):
            catalog.add_member(s, "pairs", who, "annotator")
        [task_id] = creation.create_tasks(s, "pairs", [{}])
        for who in ("a0", "a1"):
            claimed = assignments.claim_next(s, team[who], "pairs")
            assignments.submit(
                s,
                team[who],
                claimed["assignment_id"],
                {"choice": "m2", "justification": f"{who}: friendlier"},
            )
        view = queries.task_view(s, task_id)
        assert view["status"] == "completed" and view["response"]["choice"] == "m2"


def test_every_gold_task_reaches_an_annotator_in_turn(db, team):
    """Training gold first in the qualification, then every other gold task in id order from
    where the annotator left off, including gold of a batch finalized later and gold released
    and taken back; nothing is skipped and nothing comes twice."""
    policy = {"min_overlap": 1, "max_overlap": 1, "gold_rate": 1.0, "qualification_count": 2}
    gold = {"gold": {"category": "cat"}}
    with db.session(write=True) as s:
        _project(s, policy, n=20)
        batches.create_batch(s, "p", "later")
        # Created first, so the gold cursor passes it while it waits for the batch.
        staged = creation.create_tasks(s, "p", [{"attachment": "staged", **gold}], batch="later")
        early = creation.create_tasks(s, "p", [{"attachment": f"g{i}", **gold} for i in range(4)])
        training = creation.create_tasks(
            s, "p", [{"attachment": f"tr{i}", "tags": ["training"], **gold} for i in range(2)]
        )
        served = []

        def claim_gold():
            claimed = assignments.claim_next(s, team["a0"], "p")
            task_id = claimed["task_id"]
            served.append(task_id)
            return claimed, task_id

        for _ in range(3):
            claimed, _ = claim_gold()
            assignments.submit(s, team["a0"], claimed["assignment_id"], {"category": "cat"})
        held, _ = claim_gold()
        assignments.release(s, team["a0"], held["assignment_id"])
        again, _ = claim_gold()
        assert again["assignment_id"] == held["assignment_id"]
        assignments.submit(s, team["a0"], again["assignment_id"], {"category": "cat"})
        batches.finalize_batch(s, "later")
        for _ in range(4):
            claimed, _ = claim_gold()
            assignments.submit(s, team["a0"], claimed["assignment_id"], {"category": "cat"})
        assert served[:2] == training  # the qualification is the training set
        gold_served = [t for t in served if s.get(Task, t).is_gold]
        assert sorted(set(gold_served)) == sorted(early + staged + training)
        assert len(served) - 1 == len(set(served))  # only the released one came twice
        assert not s.get(Task, served[-1]).is_gold  # gold ran out: regular tasks go on


def test_a_policy_stored_without_a_field_reads_the_models_default(db, team):
    """qualification_pass was read as 0.0 where the model says 0.7: a policy stored before the
    field existed let everyone pass the qualification."""
    with db.session(write=True) as s:
        _project(s, {"min_overlap": 1, "max_overlap": 1, "qualification_count": 2}, n=5)
        creation.create_tasks(
            s, "p", [{"attachment": f"g{i}", "gold": {"category": "cat"}} for i in range(3)]
        )
        project = s.scalar(select(Project))
        project.policy = {k: v for k, v in project.policy.items() if k != "qualification_pass"}
        s.commit()
        first = assignments.claim_next(s, team["a0"], "p")
        assignments.submit(s, team["a0"], first["assignment_id"], {"category": "cat"})
        second = assignments.claim_next(s, team["a0"], "p")
        assignments.submit(s, team["a0"], second["assignment_id"], {"category": "dog"})  # 50 %
        with pytest.raises(Forbidden, match="failed the qualification"):
            assignments.claim_next(s, team["a0"], "p")
