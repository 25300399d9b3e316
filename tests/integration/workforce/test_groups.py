"""Project groups through the native API, on both databases: a batch routed to groups is served
only to their members; the Studio batch order goes ahead of task priorities and keeps them."""

from __future__ import annotations

from tests import factories as make
from tests.factories import ok

from quorum.services.workforce import studio

CATS = {"categories": ["cat", "dog"]}


def _setup(client, boss, people=("ann1", "ann2", "ann3")) -> dict[str, dict[str, str]]:
    """Project `p` with the annotators as members; their auth headers by name."""
    headers = {name: make.api_person(client, boss, name) for name in people}
    make.api_project(client, boss, params=CATS, policy={"max_overlap": 1}, annotators=people)
    return headers


def _served(client, who: dict[str, str], limit: int = 100) -> list[str]:
    """Claim and answer until the queue is empty for `who` (or `limit` answers); the
    attachments served, in order."""
    seen: list[str] = []
    while len(seen) < limit:
        item = make.api_answer(client, who, {"category": "cat"})
        if item is None:
            return seen
        seen.append(item["params"]["attachment"])
    return seen


def test_groups_route_batches_to_their_members(client, accounts):
    admin = accounts["admin"].headers
    boss = accounts["manager"].headers
    people = _setup(client, admin)

    experts = {"name": "experts", "members": ["ann1"]}
    created = ok(client.post("/api/projects/p/groups", json=experts, headers=boss))
    assert [m["user"] for m in created["members"]] == ["ann1"] and created["batches"] == []
    ok(client.post("/api/projects/p/groups", json={"name": "experts"}, headers=boss), 409)
    outsider = {"name": "x", "members": ["manager"]}
    assert (
        "not members of project 'p'"
        in ok(client.post("/api/projects/p/groups", json=outsider, headers=boss), 400)["error"]
    )
    changed = ok(client.patch("/api/projects/p/groups/experts",
                               json={"add": ["ann2"], "remove": []}, headers=boss))  # fmt: skip
    assert [m["user"] for m in changed["members"]] == ["ann1", "ann2"]
    ok(client.patch("/api/projects/p/groups/nope", json={}, headers=boss), 404)

    ok(client.post("/api/batches", json={"project": "p", "name": "hard"}, headers=boss))
    routed = {"groups": ["experts"]}
    assert ok(client.put("/api/batches/hard/groups", json=routed, headers=boss))["groups"] == [
        "experts"
    ]
    ok(client.put("/api/batches/hard/groups", json={"groups": ["nope"]}, headers=boss), 404)
    tasks = [{"attachment": f"hard {i}", "batch": "hard"} for i in range(3)]
    ok(client.post("/api/projects/p/tasks/bulk", json=tasks, headers=boss))
    ok(client.post("/api/projects/p/tasks", json={"attachment": "easy"}, headers=boss))
    [group] = ok(client.get("/api/projects/p/groups", headers=boss))
    assert group["batches"] == ["hard"]

    # Outside the group: only the loose task. In it: the batch's tasks.
    assert _served(client, people["ann3"]) == ["easy"]
    assert _served(client, people["ann1"], limit=1) == ["hard 0"]

    # ann1 leaves the project, and so its group; ann2 is still in it.
    ok(client.delete("/api/projects/p/members/ann1", headers=boss))
    [group] = ok(client.get("/api/projects/p/groups", headers=boss))
    assert [m["user"] for m in group["members"]] == ["ann2"]
    assert _served(client, people["ann3"]) == []
    assert _served(client, people["ann2"], limit=1) == ["hard 1"]

    # Deleting the group opens its batches to everyone.
    ok(client.delete("/api/projects/p/groups/experts", headers=boss))
    assert _served(client, people["ann3"]) == ["hard 2"]


def test_the_studio_order_goes_ahead_of_task_priorities_and_keeps_them(client, accounts, db):
    admin = accounts["admin"].headers
    people = _setup(client, admin, ("ann1",))
    for name in ("first", "second"):
        ok(client.post("/api/batches", json={"project": "p", "name": name}, headers=admin))
    records = [
        {"attachment": "second low", "batch": "second", "priority": 1},
        {"attachment": "second high", "batch": "second", "priority": 9},
        {"attachment": "first low", "batch": "first", "priority": 0},
        {"attachment": "loose top", "priority": 100},
    ]
    ids = ok(client.post("/api/projects/p/tasks/bulk", json=records, headers=admin))["task_ids"]
    with db.session(write=True) as s:
        studio.set_priorities(s, ["second", "first"])
    # Added after the order was set: takes its batch's place too.
    late = {"attachment": "first high", "batch": "first", "priority": 5}
    ok(client.post("/api/projects/p/tasks", json=late, headers=admin))
    priorities = [ok(client.get(f"/api/tasks/{t}", headers=admin))["priority"] for t in ids]
    assert priorities == [1, 9, 0, 100]  # as the requester set them
    assert _served(client, people["ann1"]) == [
        "second high", "second low", "first high", "first low", "loose top",
    ]  # fmt: skip

    # Reset: the tasks' own priorities order the queue again.
    for name in ("third", "fourth"):
        ok(client.post("/api/batches", json={"project": "p", "name": name}, headers=admin))
    more = [{"attachment": f"{name} task", "batch": name, "priority": p}
            for name, p in (("third", 1), ("fourth", 2))]  # fmt: skip
    ok(client.post("/api/projects/p/tasks/bulk", json=more, headers=admin))
    with db.session(write=True) as s:
        studio.set_priorities(s, ["third", "fourth"])
        studio.reset_priorities(s)
    assert _served(client, people["ann1"]) == ["fourth task", "third task"]
