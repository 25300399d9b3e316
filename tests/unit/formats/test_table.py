"""The csv export: one row a task, one column a field, read back by the `csv` import."""

from __future__ import annotations

import csv
import io

from quorum.formats import table
from quorum.formats.exporters import ExportContext
from quorum.formats.importers import ImportContext

from .exported_tasks import task

CATS = {"categories": ["yes", "no", "[odd]", "true"]}
FIELDS = [
    {"type": "text", "field_id": "summary", "title": "Summary", "max_responses_required": 2},
    {"type": "number", "field_id": "score", "title": "Score"},
    {"type": "boolean", "field_id": "ok", "title": "OK"},
    {"type": "category", "field_id": "tone", "title": "Tone", "max_choice": 2,
     "choices": [{"label": "A", "value": "calm"}, {"label": "B", "value": "angry"}]},
    {"type": "text", "field_id": "title", "title": "A field named as a record key"},
]  # fmt: skip


def _answer(field: dict, entries: list) -> dict:
    return {"type": field["type"], "field_id": field["field_id"], "response": entries}


def _round_trip(tasks, task_type: str, params: dict):
    data = b"".join(table.encode(tasks, ExportContext("p", task_type, params)))
    rows = list(csv.DictReader(io.StringIO(data.decode())))
    return rows, list(table.read(io.BytesIO(data), ImportContext(task_type, params)))


def test_categorization_rows_and_round_trip():
    labels = ["yes", "[odd]", "true", None]
    tasks = [
        task(i, {"attachment": f"text {i}"}, c and {"category": c}) for i, c in enumerate(labels)
    ]
    rows, items = _round_trip(tasks, "categorization", CATS)
    assert list(rows[0]) == [*table.FACTS, "attachment_type", "attachment", "category"]
    assert [r["category"] for r in rows] == ["yes", '["[odd]"]', '["true"]', ""]
    assert rows[0]["task_id"] == "task_0" and rows[0]["confidence"] == "0.9"
    assert [i.label for i in items] == [{"category": c} if c else None for c in labels]
    assert items[0].record == {"unique_id": "u0", "attachment": "text 0"}
    assert items[0].where == "line 2"


def test_multiple_categories_stay_a_list():
    params = {**CATS, "allow_multiple": True}
    tasks = [task(0, {"attachment": "x"}, {"category": ["yes"]})]
    rows, items = _round_trip(tasks, "categorization", params)
    assert rows[0]["category"] == '["yes"]' and items[0].label == {"category": ["yes"]}


def test_form_fields_are_columns_and_round_trip():
    summary, score, ok, tone, title = FIELDS
    answers = [
        {"summary": _answer(summary, ["short"]), "score": _answer(score, [3.5]),
         "ok": _answer(ok, [False]), "tone": _answer(tone, [["calm"]]),
         "title": _answer(title, ["true"])},
        {"summary": _answer(summary, ["[draft] one", "two"]), "score": _answer(score, [2]),
         "tone": _answer(tone, [["calm", "angry"]])},
    ]  # fmt: skip
    attachments = [{"type": "text", "content": "read me"}]
    tasks = [task(i, {"fields": FIELDS, "attachments": attachments}, {"annotations": a})
             for i, a in enumerate(answers)]  # fmt: skip
    rows, items = _round_trip(tasks, "textcollection", {"fields": FIELDS})
    columns = [f"answer.{f}" for f in ("summary", "score", "ok", "tone", "title")]
    assert list(rows[0])[4:] == ["title", "attachments", *columns]
    assert [rows[0][c] for c in columns] == ["short", "3.5", "false", "calm", '["true"]']
    assert rows[1]["answer.summary"] == '["[draft] one","two"]' and rows[1]["answer.ok"] == ""
    assert [i.label for i in items] == [{"annotations": a} for a in answers]
    assert items[0].record["attachments"] == attachments
