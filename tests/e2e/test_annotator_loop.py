"""Annotators work a project over HTTP through the SDK; the requester exports the result."""

from __future__ import annotations

import pytest

from quorum.client import QuorumClient, QuorumError


def test_annotators_complete_a_project_over_http(live_server):
    cli = live_server.cli
    cli("users", "create", "boss", "--role", "manager")
    boss_key = cli("users", "create-key", "boss").stdout.splitlines()[-1]
    keys = {}
    for name in ("ann", "bob", "cyd"):
        cli("users", "create", name, "--role", "annotator")
        keys[name] = cli("users", "create-key", name).stdout.splitlines()[-1]
    with QuorumClient(live_server.url, boss_key) as boss:
        boss.create_project(
            "animals",
            "categorization",
            params={"categories": ["cat", "dog", "bird"]},
            policy={"min_overlap": 2, "max_overlap": 3, "confidence_target": 0.8},
        )
        for name in keys:
            boss.add_member("animals", name, "annotator")
        ids = boss.create_tasks("animals", [{"attachment": f"photo {i}"} for i in range(6)])
        boss.create_tasks("animals", [{"attachment": "gold", "gold": {"category": "dog"}}])

    answered = {}
    for name, key in keys.items():
        with QuorumClient(live_server.url, key) as me:
            while (claimed := me.next_task("animals")) is not None:
                assert "expected_response" not in claimed and "is_gold" not in claimed
                if claimed["params"]["attachment"] == "photo 5" and name == "ann":
                    me.skip(claimed["assignment_id"], "blurry")
                    continue
                state = me.submit(claimed["assignment_id"], {"category": "dog"}, time_spent_s=4.0)
                assert state["status"] == "submitted"
                answered[name] = answered.get(name, 0) + 1
                with pytest.raises(QuorumError) as err:
                    me.submit(claimed["assignment_id"], {"category": "dog"})
                assert err.value.status == 409

    with QuorumClient(live_server.url, boss_key) as boss:
        lines = {line["task_id"]: line for line in boss.export("animals")}
        for task_id in ids:
            line = lines[task_id]
            assert line["status"] == "completed" and line["response"] == {"category": "dog"}
            assert 2 <= len(line["annotations"]) <= 3
            assert {a["time_spent_s"] for a in line["annotations"]} == {4.0}
        with pytest.raises(QuorumError) as err:
            boss.next_task("animals")
        assert err.value.status == 403
