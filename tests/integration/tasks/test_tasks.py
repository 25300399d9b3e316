"""Task creation (all or nothing), idempotency, listing, cancel, metadata and tags."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select
from tests import factories as make

from quorum.db.models import GoldAnswer, Task, TaskTag
from quorum.services.errors import InvalidRequest, NotFound
from quorum.services.tasks import creation, edits, queries
from quorum.services.tasks.creation import DuplicateUniqueIds, RecordsInvalid
from quorum.services.tasks.queries import TaskFilter


@pytest.fixture
def session(db):
    with db.session(write=True) as s:
        make.project(s)
        yield s


def _count(s):
    return s.scalar(select(func.count()).select_from(Task))


def test_a_bad_record_imports_nothing_and_is_named(session):
    records = [
        {"attachment": "ok"},
        {"attachment": "ok", "priority": "high"},
        {"attachment_type": "sound", "attachment": "x"},
    ]
    with pytest.raises(RecordsInvalid) as err:
        creation.create_tasks(session, "p", records, describe=lambda i: f"line {i + 1}")
    assert str(err.value).startswith("line 2, field priority: must be an integer")
    assert "(and 1 more)" in str(err.value)
    assert [e.index for e in err.value.record_errors] == [1, 2]
    assert err.value.record_errors[1].field == "attachment_type"
    assert _count(session) == 0


def test_unique_id_is_an_idempotency_key(session):
    creation.create_tasks(session, "p", [{"attachment": "x", "unique_id": "u1"}])
    with pytest.raises(DuplicateUniqueIds, match="'u1'") as err:
        creation.create_tasks(
            session,
            "p",
            [{"attachment": "y", "unique_id": "u2"}, {"attachment": "z", "unique_id": "u1"}],
        )
    assert err.value.status == 409
    assert _count(session) == 1  # u2 was not written either
    with pytest.raises(RecordsInvalid, match="repeats the unique_id of record 1"):
        creation.create_tasks(
            session,
            "p",
            [{"attachment": "a", "unique_id": "u3"}, {"attachment": "b", "unique_id": "u3"}],
        )
    assert queries.count_tasks(session, TaskFilter(unique_ids=["u1"])) == 1


def test_gold_answer_is_kept_apart(session):
    [gold, plain] = creation.create_tasks(
        session,
        "p",
        [{"attachment": "g", "gold": {"category": "a"}}, {"attachment": "n"}],
    )
    assert session.scalar(select(GoldAnswer.expected_response)) == {"category": "a"}
    view = queries.task_view(session, gold)
    assert view["is_gold"] and "expected_response" not in view
    assert queries.task_view(session, gold, with_gold=True)["expected_response"] == {
        "category": "a"
    }
    assert "expected_response" not in queries.task_view(session, plain, with_gold=True)
    with pytest.raises(RecordsInvalid, match="gold.category"):
        creation.create_tasks(session, "p", [{"attachment": "g", "gold": {"category": "z"}}])


def test_listing_filters_and_cursor(session):
    records = [
        {
            "attachment": f"t{i}",
            "tags": ["even"] if i % 2 == 0 else ["odd"],
            "metadata": {"i": i},
            "priority": i,
        }
        for i in range(25)
    ]
    ids = creation.create_tasks(session, "p", records)
    edits.change_tags(session, ids[0], ["even", "first"], mode="set")
    seen, cursor = [], None
    while True:
        page = queries.list_tasks(session, TaskFilter(project="p"), limit=10, cursor=cursor)
        seen.extend(d["task_id"] for d in page["docs"])
        cursor = page["next_cursor"]
        if not page["has_more"]:
            break
    assert seen == list(reversed(ids))  # newest first, no repeats, nothing lost
    assert "params" not in page["docs"][0] and "response" not in page["docs"][0]
    f = TaskFilter(project="p", tags=["even"])
    assert queries.count_tasks(session, f) == 13
    assert queries.count_tasks(session, TaskFilter(tags=["even", "first"])) == 1
    assert queries.list_tasks(session, TaskFilter(tags=["first"]))["docs"][0]["tags"] == [
        "even",
        "first",
    ]
    future = dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)
    assert queries.count_tasks(session, TaskFilter(created_after=future)) == 0
    assert queries.count_tasks(session, TaskFilter(created_before=future)) == 25
    assert queries.count_tasks(session, TaskFilter(status="pending")) == 25
    assert queries.count_tasks(session, TaskFilter(completed_after=future)) == 0
    with pytest.raises(InvalidRequest):
        queries.count_tasks(session, TaskFilter(status="done"))
    with pytest.raises(NotFound):
        queries.count_tasks(session, TaskFilter(project="nope"))
    with pytest.raises(InvalidRequest, match="cursor"):
        queries.list_tasks(session, TaskFilter(), cursor="garbage")


def test_cancel_metadata_tags_priority(session):
    [a, b] = creation.create_tasks(
        session, "p", [{"attachment": "a", "unique_id": "ua"}, {"attachment": "b"}]
    )
    edits.cancel_task(session, a, clear_unique_id=True)
    view = queries.task_view(session, a)
    assert (view["status"], view["unique_id"]) == ("canceled", None)
    with pytest.raises(InvalidRequest, match="only pending tasks can be canceled"):
        edits.cancel_task(session, a)
    creation.create_tasks(session, "p", [{"attachment": "again", "unique_id": "ua"}])
    edits.set_metadata(session, b, {"source": "web"})
    assert queries.task_view(session, b)["metadata"] == {"source": "web"}
    with pytest.raises(InvalidRequest):
        edits.set_metadata(session, b, {"big": "x" * 20_000})
    assert edits.change_tags(session, b, ["x", "y"], mode="add") == ["x", "y"]
    assert edits.change_tags(session, b, ["y", "z"], mode="add") == ["x", "y", "z"]
    assert edits.change_tags(session, b, ["x"], mode="remove") == ["y", "z"]
    assert edits.change_tags(session, b, ["q"], mode="set") == ["q"]
    assert session.scalar(select(func.count()).select_from(TaskTag)) == 1
    edits.set_priority(session, b, 7)
    assert queries.task_view(session, b)["priority"] == 7
    with pytest.raises(NotFound):
        queries.task_view(session, "0" * 24)
