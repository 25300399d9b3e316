"""Scale's task types onto Quorum's (`quorum.formats.scale`): params and responses both ways,
and the task object (no database needed)."""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest
from scaleapi import ScaleClient

from quorum import tasktypes
from quorum.formats.scale import SUPPORTED, of_project, scale_type, task_out
from quorum.tasktypes import TaskValidationError


def test_every_supported_type_lands_on_a_registered_quorum_type():
    for stype in SUPPORTED.values():
        assert tasktypes.get(stype.quorum_type).name == stype.quorum_type


def test_unknown_types_name_the_supported_ones():
    with pytest.raises(TaskValidationError, match="supported: annotation, audiotranscription"):
        scale_type("lidarannotation")
    with pytest.raises(TaskValidationError):
        scale_type(None)


@pytest.mark.parametrize(
    ("name", "geometry", "extra"),
    [
        ("annotation", "box", {"min_width": 5, "with_labels": True}),
        ("polygonannotation", "polygon", {"max_vertices": 8}),
        ("lineannotation", "line", {}),
        ("pointannotation", "point", {}),
    ],
)
def test_legacy_geometry_params_validate_as_imageannotation(name, geometry, extra):
    stype = scale_type(name)
    params = stype.params_in(
        {"attachment": "https://x/y.png", "objects_to_annotate": ["a"], **extra}
    )
    extra.pop("with_labels", None)
    assert params["geometries"] == {geometry: {"objects_to_annotate": ["a"], **extra}}
    validated = tasktypes.get("imageannotation").validate_params(params)
    answer = {"annotations": [{"label": "a", **_coordinates(geometry)}]}
    tasktypes.get("imageannotation").validate_response(validated, stype.response_in(answer, params))


def _coordinates(geometry: str) -> dict:
    if geometry == "box":
        return {"left": 1, "top": 1, "width": 10, "height": 10}
    if geometry == "point":
        return {"x": 1, "y": 2}
    return {"vertices": [{"x": 0, "y": 0}, {"x": 5, "y": 0}, {"x": 5, "y": 5}]}


def test_legacy_params_without_geometry_keys_leave_the_project_default_alone():
    assert "geometries" not in scale_type("annotation").params_in({"attachment": "u"})


def test_transcription_round_trip():
    stype = scale_type("transcription")
    params = stype.params_in(
        {
            "attachment": "https://x/r.png",
            "attachment_type": "pdf",
            "fields": {"total": "Total"},
            "repeatable_fields": {"item": "Item"},
        }
    )
    validated = tasktypes.get("textcollection").validate_params(params)
    scale_answer = {"fields": {"total": "9"}, "repeatable_fields": {"item": ["tea", "cake"]}}
    ours = tasktypes.get("textcollection").validate_response(
        validated, stype.response_in(scale_answer, validated)
    )
    assert stype.response_out(ours, validated) == scale_answer
    machine = tasktypes.get("textcollection").machine_response(validated)
    assert set(stype.response_out(machine, validated)["fields"]) == {"total"}
    with pytest.raises(TaskValidationError, match="fields: must be an object"):
        stype.params_in({"fields": "total"})


def test_legacy_comparison_is_refused_naming_the_supported_form():
    stype = scale_type("comparison")
    legacy = {"attachments": ["https://x/a.png", "https://x/b.png"], "choices": ["same", "other"]}
    with pytest.raises(TaskValidationError, match="attachments: .*prompt, candidates") as refused:
        stype.params_in(legacy)
    assert refused.value.errors[0].loc == "attachments"
    with pytest.raises(TaskValidationError, match="choices: .*textcollection"):
        stype.params_in({"choices": ["a", "b"]})
    ours = {"prompt": "Say hi", "candidates": [{"id": "a", "content": "hi"}]}
    assert stype.params_in(ours) == ours


def test_task_object_shows_scale_shapes_and_hides_answers():
    stype = scale_type("transcription")
    params = stype.params_in({"attachment": "https://x/r.png", "fields": {"total": "Total"}})
    view = {
        "task_id": "t1", "status": "completed", "project": "p", "batch": None,
        "instruction": "", "params": params, "metadata": {}, "callback_url": None,
        "callback_succeeded": None, "priority": 0, "confidence": 0.9, "created_at": None,
        "updated_at": None, "completed_at": None, "tags": [], "unique_id": None,
        "review_status": "accepted", "is_gold": False,
        "audits": [{"audit_source": "customer", "comment": "fine"}],
        "annotations": [{"annotator": "ann", "response": {}}],
        "response": {"annotations": {"total": {"type": "text", "field_id": "total",
                                               "response": ["9"]}}},
    }  # fmt: skip
    out = task_out(view, stype)
    assert out["type"] == "transcription"
    assert out["response"] == {"fields": {"total": "9"}, "repeatable_fields": {}}
    assert out["customer_review_status"] == "accepted"
    assert out["customer_review_comments"] == ["fine"]
    assert not {"annotations", "tags", "unique_id", "review_status", "is_gold"} & set(out)


def test_projects_show_the_type_they_were_created_as():
    assert of_project("textcollection", "transcription").name == "transcription"
    assert of_project("textcollection", None).name == "textcollection"
    assert of_project("imageannotation", "annotation").name == "annotation"


def test_the_compatibility_page_covers_every_client_method():
    page = (Path(__file__).parents[3] / "docs" / "scale-compatibility.md").read_text()
    methods = [
        name
        for name, _ in inspect.getmembers(ScaleClient, inspect.isfunction)
        if not name.startswith("_")
    ]
    assert [m for m in methods if f"`{m}`" not in page] == []
