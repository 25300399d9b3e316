import pytest

from quorum.tasktypes import get

TYPE = get("imageannotation")
GEOMETRIES = {
    "box": {
        "objects_to_annotate": [
            "car",
            {"choice": "person", "subchoices": ["pedestrian", {"choice": "cyclist"}]},
        ],
        "min_width": 5,
        "min_height": 5,
    },
    "polygon": {"objects_to_annotate": ["road"], "max_vertices": 6},
    "line": {"objects_to_annotate": ["lane marking"]},
    "point": {"objects_to_annotate": ["traffic light"]},
}
ATTRIBUTES = {
    "occluded": {"description": "Is it partly hidden?", "choices": ["yes", "no"]},
    "colours": {"type": "category", "choices": ["red", "blue", "white"], "allow_multiple": True},
    "count": {"type": "number", "min": 0, "max": 10},
    "note": {"type": "text"},
}
PARAMS = TYPE.validate_params(
    {
        "attachment": "/demo-media/street.svg",
        "geometries": GEOMETRIES,
        "annotation_attributes": ATTRIBUTES,
    }
)
ATTRS = {"occluded": "no", "colours": ["red"], "count": 1, "note": ""}
BOX = {"type": "box", "label": "car", "left": 10, "top": 20, "width": 50, "height": 30}
POLYGON = {
    "type": "polygon",
    "label": "road",
    "vertices": [{"x": 0, "y": 0}, {"x": 9, "y": 0}, {"x": 5, "y": 5}],
}
LINE = {"type": "line", "label": "lane marking", "vertices": [{"x": 0, "y": 9}, {"x": 9, "y": 9}]}
POINT = {"type": "point", "label": "traffic light", "x": 3.5, "y": 4}
GOOD = [{**a, "attributes": ATTRS} for a in (BOX, POLYGON, LINE, POINT)]


def response(*annotations):
    return {"annotations": list(annotations), "links": [], "global_attributes": {}}


def test_valid_params_keep_label_trees_and_defaults():
    geometries = PARAMS["geometries"]
    assert geometries["box"]["objects_to_annotate"][1]["subchoices"][0] == "pedestrian"
    assert geometries["polygon"]["min_vertices"] == 3 and geometries["line"]["min_vertices"] == 2
    assert PARAMS["annotation_attributes"]["occluded"]["type"] == "category"


def with_geometry(name, **change):
    return {"geometries": {**GEOMETRIES, name: {**GEOMETRIES[name], **change}}}


@pytest.mark.parametrize(
    ("change", "loc"),
    [
        ({"attachment": ""}, "attachment"),
        ({"geometries": {}}, "geometries"),
        ({"geometries": {"cuboid": {"objects_to_annotate": ["car"]}}}, "geometries.cuboid"),
        (with_geometry("box", objects_to_annotate=[]), "geometries.box.objects_to_annotate"),
        (with_geometry("box", objects_to_annotate=[""]), "geometries.box.objects_to_annotate.0"),
        (
            with_geometry("box", objects_to_annotate=["car", "car"]),
            "geometries.box.objects_to_annotate.1",
        ),
        (
            with_geometry(
                "box", objects_to_annotate=["cyclist", {"choice": "p", "subchoices": ["cyclist"]}]
            ),
            "geometries.box.objects_to_annotate.1",
        ),
        (
            with_geometry("box", objects_to_annotate=[{"label": "car"}]),
            "geometries.box.objects_to_annotate.0.choice",
        ),
        (with_geometry("box", min_width=-1), "geometries.box.min_width"),
        (with_geometry("box", can_rotate=True), "geometries.box.can_rotate"),
        (with_geometry("polygon", min_vertices=7), "geometries.polygon.max_vertices"),
        (with_geometry("line", max_vertices=0), "geometries.line.max_vertices"),
        ({"annotation_attributes": {"occluded": {}}}, "annotation_attributes.occluded.choices"),
        (
            {"annotation_attributes": {"occluded": {"choices": ["y", "y"]}}},
            "annotation_attributes.occluded.choices.1",
        ),
        (
            {"annotation_attributes": {"n": {"type": "number", "choices": ["1"]}}},
            "annotation_attributes.n.choices",
        ),
        (
            {"annotation_attributes": {"n": {"type": "number", "min": 2, "max": 1}}},
            "annotation_attributes.n.max",
        ),
        ({"annotation_attributes": {"n": {"type": "angle"}}}, "annotation_attributes.n.type"),
        ({"annotation_attributes": {"n": 5}}, "annotation_attributes.n"),
    ],
)
def test_bad_params_are_rejected_at_the_field(rejected_at, change, loc):
    assert loc in rejected_at(TYPE.validate_params, {**PARAMS, **change})


def test_valid_response_in_scales_shape():
    expected = response(*GOOD)
    assert TYPE.validate_response(PARAMS, expected) == {
        **expected,
        "annotations": [
            {k: float(v) if k in "left top width height" else v for k, v in a.items()} for a in GOOD
        ],
    }


def test_links_and_global_attributes_default_to_empty():
    stored = TYPE.validate_response(
        PARAMS, {"annotations": [{**BOX, "attributes": ATTRS, "uuid": "u1"}]}
    )
    assert stored["links"] == [] and stored["global_attributes"] == {}
    assert stored["annotations"][0]["uuid"] == "u1"


def one(index, **change):
    return response(*[{**a, **change} if i == index else a for i, a in enumerate(GOOD)])


@pytest.mark.parametrize(
    ("bad", "loc"),
    [
        (one(0, label="person"), "annotations.0.label"),
        (one(0, label="cyclist"), None),
        (one(1, label="car"), "annotations.1.label"),
        (one(0, width=4), "annotations.0.width"),
        (one(0, height=0), "annotations.0.height"),
        (one(0, left=-1), "annotations.0.left"),
        (one(0, top=None), "annotations.0.top"),
        (one(0, vertices=[{"x": 1, "y": 1}]), "annotations.0.vertices"),
        (one(1, vertices=POLYGON["vertices"][:2]), "annotations.1.vertices"),
        (one(1, vertices=[{"x": i, "y": i} for i in range(7)]), "annotations.1.vertices"),
        (one(2, vertices=[{"x": 1}]), "annotations.2.vertices.0.y"),
        (one(3, x="left"), "annotations.3.x"),
        (one(3, type="ellipse"), "annotations.3.type"),
        (one(0, attributes={**ATTRS, "occluded": "maybe"}), "annotations.0.attributes.occluded"),
        (one(0, attributes={**ATTRS, "colours": "red"}), "annotations.0.attributes.colours"),
        (
            one(0, attributes={**ATTRS, "colours": ["red", "green"]}),
            "annotations.0.attributes.colours",
        ),
        (one(0, attributes={**ATTRS, "count": 11}), "annotations.0.attributes.count"),
        (one(0, attributes={**ATTRS, "count": True}), "annotations.0.attributes.count"),
        (one(0, attributes={**ATTRS, "note": 3}), "annotations.0.attributes.note"),
        (one(0, attributes={**ATTRS, "parked": "yes"}), "annotations.0.attributes.parked"),
        (
            one(0, attributes={k: v for k, v in ATTRS.items() if k != "count"}),
            "annotations.0.attributes.count",
        ),
        (one(0, uuid="u"), None),
        ({**response(*GOOD), "links": [{"from": "a", "to": "b"}]}, "links"),
        ({**response(*GOOD), "global_attributes": {"weather": "rain"}}, "global_attributes"),
        ({"annotations": GOOD, "extra": 1}, "extra"),
    ],
)
def test_bad_responses_are_rejected_at_the_field(rejected_at, bad, loc):
    if loc is None:
        TYPE.validate_response(PARAMS, bad)
    else:
        assert rejected_at(TYPE.validate_response, PARAMS, bad) == [loc]


def test_repeated_uuids_are_rejected(rejected_at):
    bad = response(*[{**a, "uuid": "same"} for a in GOOD[:2]])
    assert rejected_at(TYPE.validate_response, PARAMS, bad) == ["annotations.1.uuid"]


def test_geometry_not_enabled_is_rejected(rejected_at):
    params = TYPE.validate_params({**PARAMS, "geometries": {"box": GEOMETRIES["box"]}})
    assert rejected_at(TYPE.validate_response, params, response(*GOOD)) == [
        "annotations.1.type",
        "annotations.2.type",
        "annotations.3.type",
    ]


@pytest.mark.parametrize(
    "geometries",
    [
        GEOMETRIES,
        {"box": {"objects_to_annotate": [{"choice": "v", "subchoices": ["bus"]}], "min_width": 80}},
        {"polygon": {"objects_to_annotate": ["x"], "min_vertices": 5, "max_vertices": 5}},
        {"line": {"objects_to_annotate": ["x"], "max_vertices": 2}},
    ],
)
def test_machine_response_is_valid(geometries):
    params = TYPE.validate_params({**PARAMS, "geometries": geometries})
    TYPE.validate_response(params, TYPE.machine_response(params))
