"""An annotator cannot tell gold tasks apart: each known way of trying, played over the API.

Each strategy turns what the annotator can observe into a guess "this claim was gold"; the test
scores the guesses against the truth (read as a manager) by balanced accuracy, which is 0.5 for
a guess that carries no information whatever the share of gold. On the code before this test
every strategy scored 1.0.
"""

from __future__ import annotations

import orjson
import pytest
from sqlalchemy import update

from quorum.db.models import Assignment, Project
from quorum.services.labeling.gold import SHOWN_EVERY

CLAIMS = 240
GOLD_RATE = 0.25
QUALIFICATION = 3
CHANCE_MARGIN = 0.12  # about three standard errors of balanced accuracy at 60 gold / 180 not


def balanced_accuracy(guesses: list[bool], truth: list[bool]) -> float:
    gold = [g for g, t in zip(guesses, truth, strict=True) if t]
    regular = [not g for g, t in zip(guesses, truth, strict=True) if not t]
    return (sum(gold) / len(gold) + sum(regular) / len(regular)) / 2


@pytest.fixture
def project(client, accounts, db):
    manager = accounts["manager"].headers
    policy = {
        "min_overlap": 1,
        "max_overlap": 1,
        "gold_rate": GOLD_RATE,
        "qualification_count": QUALIFICATION,
        "qualification_pass": 0.0,
    }
    r = client.post("/api/projects", headers=manager, json={
        "name": "blind", "type": "categorization",
        "params": {"categories": ["cat", "dog"]}, "policy": policy,
    })  # fmt: skip
    assert r.status_code == 200, r.text
    # The gold set arrives in an upload of its own, after the rest, as requesters often do.
    for records in (
        [{"attachment": f"t{i}"} for i in range(CLAIMS + 60)],
        [{"attachment": f"g{i}", "gold": {"category": "cat"}} for i in range(CLAIMS // 2)],
    ):
        r = client.post(
            "/api/projects/blind/tasks/bulk", headers=manager, content=orjson.dumps(records)
        )
        assert r.status_code == 200, r.text
    r = client.post(
        "/api/projects/blind/members",
        headers=manager,
        json={"user": "annotator", "role": "annotator"},
    )
    assert r.status_code == 200, r.text
    with db.session(write=True) as s:  # a fixed secret makes gold placement reproducible
        s.execute(update(Project).values(callback_key="seed-for-a-reproducible-test"))
        s.commit()
    return manager


def test_no_strategy_tells_gold_apart(client, accounts, project, db):
    me = accounts["annotator"].headers

    def open_tasks() -> int:
        [mine] = client.get("/api/me/projects", headers=me).json()
        return mine["open_tasks"]

    def claim() -> dict:
        r = client.post("/api/projects/blind/next", headers=me)
        assert r.status_code == 200, r.text
        return r.json()

    view = client.get("/api/projects/blind", headers=me)
    assert view.status_code == 200 and "policy" not in view.json()
    assert "gold_rate" not in view.text and "qualification" not in view.text

    def gold_band():
        mine = client.get("/api/me/stats", headers=me).json()["projects"]
        return (mine[0]["answers"], mine[0]["gold_accuracy_band"]) if mine else (0, None)

    truth, by_count, by_release, by_schedule, by_stats = [], [], [], [], []
    band_moves = []
    band = gold_band()[1]
    bodies: dict[bool, set] = {True: set(), False: set()}
    guessed_gold = 0
    for k in range(CLAIMS):
        before = open_tasks()
        first = claim()
        by_count.append(open_tasks() == before)  # "the count did not move: gold"
        released = client.post(f"/api/assignments/{first['assignment_id']}/release", headers=me)
        assert released.status_code == 200
        again = claim()
        by_release.append(again["params"] != first["params"])  # "did not come back: gold"
        # The old fixed schedule, played by an annotator who counts their own guesses.
        schedule_gold = guessed_gold < QUALIFICATION or guessed_gold < GOLD_RATE * (k + 1)
        by_schedule.append(schedule_gold)
        guessed_gold += schedule_gold
        assert "task_id" not in first  # ids tell when a task was created: gold apart
        with db.session() as s:
            is_gold = s.get(Assignment, first["assignment_id"]).is_gold
        truth.append(is_gold)
        answer = "cat" if k % 3 else "dog"  # some gold answers wrong, so the record moves
        done = client.post(
            f"/api/assignments/{again['assignment_id']}/submit",
            headers=me,
            json={"response": {"category": answer}},
        )
        assert done.status_code == 200
        answers, new_band = gold_band()
        by_stats.append(new_band != band)  # "my gold accuracy just moved: that was gold"
        if new_band != band:
            band_moves.append(answers)
        band = new_band
        shape = (sorted(first), sorted(released.json()), sorted(done.json()))
        bodies[is_gold].add(orjson.dumps(shape))

    scored = slice(QUALIFICATION, None)  # qualification gold comes first, by design
    rate = sum(truth[scored]) / len(truth[scored])
    assert abs(rate - GOLD_RATE) < 0.08, f"gold share {rate:.2f} is far from the policy's rate"
    for name, guesses in (
        ("open_tasks count", by_count),
        ("release and claim again", by_release),
        ("fixed schedule", by_schedule),
        ("own gold accuracy band", by_stats),
    ):
        score = balanced_accuracy(guesses[scored], truth[scored])
        assert score <= 0.5 + CHANCE_MARGIN, f"{name} tells gold apart: {score:.2f}"
    assert bodies[True] == bodies[False]  # the same response shapes for both
    # The shown accuracy moves only on its schedule, never right after a particular answer.
    assert band_moves and all(n % SHOWN_EVERY == 0 for n in band_moves), band_moves


def test_gold_placement_is_reproducible_and_differs_by_annotator():
    from quorum.services.labeling.gold import CHECK, QUALIFICATION, gold_due
    from quorum.services.projects.policy import QualityPolicy

    policy = QualityPolicy(gold_rate=0.3, qualification_count=2)
    run = [gold_due(k, 2, policy, "s", 7) for k in range(2, 400)]
    assert set(run) == {CHECK, None}
    assert run == [gold_due(k, 2, policy, "s", 7) for k in range(2, 400)]
    assert run != [gold_due(k, 2, policy, "s", 8) for k in range(2, 400)]
    assert run != [gold_due(k, 2, policy, "other", 7) for k in range(2, 400)]
    assert 0.22 < run.count(CHECK) / len(run) < 0.38
    assert gold_due(0, 0, policy, "s", 7) == gold_due(1, 1, policy, "s", 7) == QUALIFICATION


def _seen(response) -> tuple:
    """What a correction's answer shows, less what differs from one task to the next anyway
    (the assignment's number, the task's data, the clock)."""
    body = response.json()
    varying = {"assignment_id", "params", "submitted_at", "correctable_until"}
    return response.status_code, orjson.dumps(
        {k: v for k, v in body.items() if k not in varying}, option=orjson.OPT_SORT_KEYS
    )


def test_correcting_the_previous_answer_tells_nothing(client, accounts, project, db):
    """An annotator who, after every answer, looks at it again, corrects it with a bad answer,
    then a good one, and tries to correct the one before it sees the same answers (status,
    body, error) whether the task was gold or not."""
    me = accounts["annotator"].headers
    seen: dict[bool, set] = {True: set(), False: set()}
    before = None
    for k in range(CLAIMS):
        claimed = client.post("/api/projects/blind/next", headers=me).json()
        aid = claimed["assignment_id"]
        with db.session() as s:
            is_gold = s.get(Assignment, aid).is_gold
        answer = {"category": "cat" if k % 3 else "dog"}
        done = client.post(f"/api/assignments/{aid}/submit", headers=me, json={"response": answer})
        assert done.status_code == 200

        def correct(assignment_id: int, response: object):
            return client.post(f"/api/assignments/{assignment_id}/correct", headers=me,
                               json={"response": response, "time_spent_s": 1.0})  # fmt: skip

        shown = client.get("/api/projects/blind/previous", headers=me)
        assert shown.status_code == 200 and shown.json()["assignment_id"] == aid
        assert shown.json()["params"] == claimed["params"]
        observed = [
            _seen(shown),
            _seen(correct(aid, {"category": "zebra"})),
            _seen(correct(aid, {"category": "cat"})),
            _seen(client.get("/api/projects/blind/previous", headers=me)),
        ]
        seen[is_gold].update((i, o) for i, o in enumerate(observed))
        if before is not None:  # one step back only, gold or not
            stale_id, stale_gold = before
            seen[stale_gold].add(("stale", _seen(correct(stale_id, {"category": "cat"}))))
        before = (aid, is_gold)
    assert seen[True] and seen[True] == seen[False]
