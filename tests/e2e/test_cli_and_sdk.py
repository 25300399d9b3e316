"""A live `quorum serve` driven by the real `quorum` command line and the Python SDK."""

from __future__ import annotations

import orjson
import pytest

from quorum.client import QuorumClient, QuorumError


def _ok(result):
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_operator_and_requester_flow(live_server, tmp_path):
    cli = live_server.cli
    _ok(
        cli(
            "users",
            "create",
            "boss",
            "--role",
            "manager",
            "--password-stdin",
            input="a long password\n",
        )
    )
    key = _ok(cli("users", "create-key", "boss")).strip().splitlines()[-1]
    assert key.startswith("live_")
    _ok(cli("users", "create", "ann", "--role", "annotator"))
    assert "boss" in _ok(cli("users", "list")) and "annotator" in _ok(cli("users", "list"))
    _ok(
        cli(
            "projects",
            "create",
            "reviews",
            "--type",
            "categorization",
            "--params",
            '{"categories": ["positive", "negative"]}',
            "--policy",
            '{"min_overlap": 2, "max_overlap": 4}',
        )
    )
    _ok(cli("projects", "add-member", "reviews", "ann", "--role", "annotator"))
    assert "reviews" in _ok(cli("projects", "list"))

    no_labels = cli("projects", "create", "unlabeled", "--type", "categorization")
    assert no_labels.returncode == 1
    assert no_labels.stderr.strip() == "error: params.categories: give at least one category"
    assert "unlabeled" not in _ok(cli("projects", "list"))
    duplicate = cli(
        "projects", "create", "reviews", "--type", "categorization",
        "--params", '{"categories": ["a", "b"]}',
    )  # fmt: skip
    assert duplicate.returncode == 1
    assert duplicate.stderr.strip().splitlines() == [
        "error: a project named 'reviews' already exists"
    ]
    bad_json = cli("projects", "create", "x", "--type", "categorization", "--params", "{oops")
    assert bad_json.returncode == 1 and "--params is not valid JSON" in bad_json.stderr

    good = tmp_path / "tasks.jsonl"
    good.write_text(
        "\n".join(
            orjson.dumps(
                {
                    "attachment": f"review {i}",
                    "unique_id": f"r{i}",
                    "tags": ["batch1"],
                    "metadata": {"i": i},
                }
            ).decode()
            for i in range(120)
        )
        + "\n"
    )
    assert "imported 120 tasks" in _ok(cli("import", str(good), "--project", "reviews"))
    bad = tmp_path / "bad.csv"
    bad.write_text('attachment,categories\nfine,\nworse,"[""only one""]"\n')
    failed = cli("import", str(bad), "--project", "reviews")
    assert failed.returncode == 1
    assert f"{bad}, line 3, field categories" in failed.stderr
    assert "nothing was imported" in failed.stderr

    with QuorumClient(live_server.url, key) as q:
        assert q.me()["role"] == "manager"
        assert q.get_project("reviews")["policy"]["min_overlap"] == 2
        assert q.count_tasks(project="reviews") == 120
        listed = list(q.iter_tasks(project="reviews", tags=["batch1"], page_size=50))
        assert len(listed) == 120 and len({t["task_id"] for t in listed}) == 120
        assert {t["unique_id"] for t in listed} == {f"r{i}" for i in range(120)}

        q.create_batch("reviews", "week-1", metadata={"source": "app store"})
        ids = q.create_tasks("reviews", [{"attachment": "late review"}], batch="week-1")
        assert q.batch_status("week-1")["pending"] == 1
        assert q.finalize_batch("week-1")["status"] == "in_progress"
        assert q.cancel_task(ids[0])["status"] == "canceled"
        assert q.get_batch("week-1")["status"] == "completed"
        with pytest.raises(QuorumError) as err:
            q.cancel_task(ids[0])
        assert err.value.status == 400
        with pytest.raises(QuorumError) as err:
            q.create_tasks("reviews", [{"attachment": "dup", "unique_id": "r1"}])
        assert err.value.status == 409

        q.set_params("reviews", {"categories": ["positive", "negative", "mixed"]})
        assert [h["version"] for h in q.get_project("reviews")["param_history"]] == [0, 1]
        [new] = q.create_tasks("reviews", [{"attachment": "so-so"}])
        assert q.get_task(new)["params"]["categories"][-1] == "mixed"

        via_sdk = list(q.export("reviews"))
        out = tmp_path / "export.jsonl"
        _ok(cli("export", "--project", "reviews", "--format", "jsonl", "--out", str(out)))
        via_cli = [orjson.loads(line) for line in out.read_bytes().splitlines()]
        assert via_sdk == via_cli and len(via_cli) == 122
        assert q.export_to("reviews", tmp_path / "sdk.jsonl") == out.stat().st_size
        assert not list(tmp_path.glob("*.part"))
        sure = {t["task_id"] for t in q.export("reviews", min_confidence=0.5)}
        rest = {t["task_id"] for t in q.export("reviews", min_confidence=0.5, below=True)}
        assert not sure & rest and len(sure | rest) == 122
        assert all(t["confidence"] >= 0.5 for t in via_cli if t["task_id"] in sure)
        with pytest.raises(QuorumError) as refused:
            q.export_to("reviews", tmp_path / "never.jsonl", format="coco")
        assert refused.value.status == 400 and not list(tmp_path.glob("never*"))

    with QuorumClient(live_server.url, "live_wrong") as stranger, pytest.raises(QuorumError) as e:
        stranger.list_projects()
    assert e.value.status == 401


def test_api_key_as_basic_auth_user(live_server):
    import httpx

    key = (
        _ok(live_server.cli("users", "create", "root", "--role", "admin"))
        and _ok(live_server.cli("users", "create-key", "root")).splitlines()[-1]
    )
    r = httpx.get(f"{live_server.url}/api/me", auth=(key, ""))
    assert r.status_code == 200 and r.json()["name"] == "root"
    assert (
        httpx.get(f"{live_server.url}/openapi.json").json()["paths"]["/api/tasks"]["get"][
            "operationId"
        ]
        == "listTasks"
    )
