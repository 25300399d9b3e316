"""COCO, YOLO and VOC: written as their own readers read them, and read back unchanged."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

import orjson
import pytest
import yaml
from defusedxml import ElementTree
from pycocotools.coco import COCO
from pycocotools.cocoeval import COCOeval

from quorum.formats.exporters import EXPORTERS, ExportContext
from quorum.formats.importers import IMPORTERS, FormatError, ImportAs, ImportContext, guess_format

PARAMS = {
    "geometries": {
        "box": {"objects_to_annotate": ["cat", "dog"]},
        "polygon": {"objects_to_annotate": ["cat", "dog"]},
        "point": {"objects_to_annotate": ["nose"]},
    }
}
EXPORT = ExportContext("pets", "imageannotation", PARAMS)
IMPORT = ImportContext("imageannotation", PARAMS)


def _box(label: str, left: float, top: float, width: float, height: float) -> dict:
    return {"type": "box", "label": label, "left": left, "top": top, "width": width,
            "height": height, "attributes": {}}  # fmt: skip


def _polygon(label: str, *points: tuple[float, float]) -> dict:
    vertices = [{"x": x, "y": y} for x, y in points]
    return {"type": "polygon", "label": label, "vertices": vertices, "attributes": {}}


def _task(n: int, annotations: list[dict], *, sized: bool = True) -> dict[str, Any]:
    """An exported task as `iter_export` yields it: JSON columns as fragments."""
    metadata = {"width": 640, "height": 480} if sized else {}
    response = {"annotations": annotations, "links": [], "global_attributes": {}}
    return {
        "task_id": f"task_{n}",
        "unique_id": f"img-{n}",
        "params": orjson.Fragment(orjson.dumps({"attachment": f"https://cdn.test/a/{n}.jpg"})),
        "metadata": orjson.Fragment(orjson.dumps(metadata)),
        "response": orjson.Fragment(orjson.dumps(response)),
        "confidence": 0.9,
        "status": "completed",
    }


TASKS = [
    _task(1, [_box("cat", 10, 20, 100, 50.5), _polygon("dog", (5, 5), (60, 5), (60, 40))]),
    _task(
        2,
        [
            _box("dog", 0, 0, 640, 480),
            {"type": "point", "label": "nose", "x": 3.5, "y": 4, "attributes": {}},
        ],
    ),  # fmt: skip
    _task(3, []),
]


def _export(fmt: str, tasks: list[dict] = TASKS) -> bytes:
    return b"".join(EXPORTERS[fmt].encode(iter(tasks), EXPORT))


def _import(fmt: str, data: bytes, ctx: ImportContext = IMPORT) -> list:
    return list(IMPORTERS[fmt].read(io.BytesIO(data), ctx))


def _labels(tasks: list[dict], kinds: tuple[str, ...]) -> list[list[dict]]:
    return [
        [a for a in orjson.loads(orjson.dumps(t["response"]))["annotations"] if a["type"] in kinds]
        for t in tasks
    ]


def _close(found: list[list[dict]], expected: list[list[dict]]) -> None:
    assert len(found) == len(expected)
    for got, want in zip(found, expected, strict=True):
        assert len(got) == len(want)
        for a, b in zip(got, want, strict=True):
            assert a["type"] == b["type"] and a["label"] == b["label"]
            for key in ("left", "top", "width", "height", "x", "y"):
                if key in b:
                    assert a[key] == pytest.approx(b[key], abs=1e-4)
            for va, vb in zip(a.get("vertices", []), b.get("vertices", []), strict=True):
                assert va["x"] == pytest.approx(vb["x"], abs=1e-4)
                assert va["y"] == pytest.approx(vb["y"], abs=1e-4)


def _coco(tmp_path, data: bytes) -> COCO:
    path = tmp_path / "coco.json"
    path.write_bytes(data)
    return COCO(str(path))


def test_coco_loads_in_pycocotools_and_evaluates_to_one_against_itself(tmp_path):
    data = _export("coco")
    gt = _coco(tmp_path, data)
    assert len(gt.getImgIds()) == 3 and len(gt.getAnnIds()) == 4
    assert [c["name"] for c in gt.loadCats(gt.getCatIds())] == ["cat", "dog", "nose"]
    assert gt.loadCats(3)[0]["keypoints"] == ["point"]
    image = gt.loadImgs(1)[0]
    assert (image["width"], image["height"], image["quorum_task_id"]) == (640, 480, "task_1")
    assert image["coco_url"] == "https://cdn.test/a/1.jpg" and image["file_name"] == "1.jpg"
    boxes = [a for a in gt.dataset["annotations"] if "keypoints" not in a]
    for iou_type, anns in (("bbox", boxes), ("segm", [a for a in boxes if a["segmentation"]])):
        dt = gt.loadRes([{**a, "score": a["score"]} for a in anns])
        evaluation = COCOeval(gt, dt, iou_type)
        evaluation.params.catIds = sorted({a["category_id"] for a in anns})
        evaluation.params.imgIds = sorted({a["image_id"] for a in anns})
        evaluation.params.areaRng = [[0, 1e10]] * 4
        evaluation.evaluate()
        evaluation.accumulate()
        evaluation.summarize()
        assert evaluation.stats[0] == pytest.approx(1.0), iou_type


def test_coco_round_trips_through_the_importer():
    items = _import("coco", _export("coco"))
    assert [i.record["attachment"] for i in items] == [
        f"https://cdn.test/a/{n}.jpg" for n in (1, 2, 3)
    ]
    assert items[0].record["unique_id"] == "img-1"
    assert items[0].record["metadata"] == {"file_name": "1.jpg", "coco_id": 1, "width": 640,
                                           "height": 480}  # fmt: skip
    _close([i.label["annotations"] for i in items], _labels(TASKS, ("box", "polygon", "point")))
    assert items[0].as_record(ImportAs.hypothesis)["hypothesis"] == items[0].label


def test_an_image_without_a_size_gets_the_extent_of_its_annotations():
    data = orjson.loads(_export("coco", [_task(1, [_box("cat", 10, 20, 100.2, 50)], sized=False)]))
    assert (data["images"][0]["width"], data["images"][0]["height"]) == (111, 70)


def test_coco_import_takes_media_url_and_names_bad_categories():
    coco = {
        "images": [{"id": 7, "file_name": "x/cat.jpg", "width": 10, "height": 10}],
        "annotations": [{"id": 1, "image_id": 7, "category_id": 2, "bbox": [1, 1, 2, 2]}],
        "categories": [{"id": 2, "name": "horse"}],
    }
    raw = json.dumps(coco).encode()
    with pytest.raises(FormatError) as err:
        _import("coco", raw, ImportContext("imageannotation", PARAMS, media_url="https://m/"))
    assert err.value.where == "image 7 (x/cat.jpg), annotation 1"
    assert "category 'horse' is not a box label" in err.value.msg
    coco["categories"] = [{"id": 2, "name": "cat"}]
    with pytest.raises(FormatError, match="no coco_url"):
        _import("coco", json.dumps(coco).encode())
    ctx = ImportContext("imageannotation", PARAMS, media_url="https://m/")
    (item,) = _import("coco", json.dumps(coco).encode(), ctx)
    assert item.record["attachment"] == "https://m/x/cat.jpg"
    assert item.label["annotations"][0]["left"] == 1


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"[1]", "no list of images"),
        (
            b'{"images": [{"id": 1, "file_name": "a.jpg", "coco_url": "u"}], "annotations": '
            b'[{"image_id": 1, "category_id": 1, "bbox": [1, "x", 2, 2]}], "categories": '
            b'[{"id": 1, "name": "cat"}]}',
            "bbox must be a list of numbers",
        ),  # fmt: skip
        (b"{", "not valid JSON"),
        (
            b'{"images": [{"id": [1], "file_name": "a.jpg", "coco_url": "u"}]}',
            "id must be an integer or a string",
        ),  # fmt: skip
        (
            b'{"images": [{"id": 1, "file_name": "a.jpg", "coco_url": "u"}, {"id": 1, '
            b'"file_name": "b.jpg", "coco_url": "u"}]}',
            "repeats the id of an image",
        ),  # fmt: skip
        (
            b'{"images": [], "annotations": [{"id": 4, "image_id": 9, "category_id": 1, '
            b'"bbox": [1, 1, 2, 2]}]}',
            "names image_id 9, which is not an image",
        ),  # fmt: skip
    ],
)
def test_coco_import_names_what_is_wrong(body, message):
    with pytest.raises(FormatError, match=message):
        _import("coco", body)


def _yolo_parse(data: bytes) -> tuple[list[str], dict[str, list[list[float]]]]:
    """As Ultralytics reads a dataset: names from data.yaml, rows of labels/*.txt."""
    archive = zipfile.ZipFile(io.BytesIO(data))
    names = yaml.safe_load(archive.read("data.yaml"))["names"]
    rows = {
        n: [[float(v) for v in line.split()] for line in archive.read(n).decode().splitlines()]
        for n in archive.namelist()
        if n.startswith("labels/")
    }
    return [names[i] for i in sorted(names)], rows


def test_yolo_writes_normalised_rows_and_class_ids():
    names, rows = _yolo_parse(_export("yolo"))
    assert names == ["cat", "dog", "nose"]
    assert sorted(rows) == ["labels/train/1.txt", "labels/train/2.txt", "labels/train/3.txt"]
    box, polygon = rows["labels/train/1.txt"]
    assert box == pytest.approx([0, 60 / 640, (20 + 25.25) / 480, 100 / 640, 50.5 / 480])
    assert polygon == pytest.approx([1, 5 / 640, 5 / 480, 60 / 640, 5 / 480, 60 / 640, 40 / 480])
    assert rows["labels/train/2.txt"] == [[1, 0.5, 0.5, 1, 1]]  # the point has no YOLO form
    assert rows["labels/train/3.txt"] == []
    assert all(0 <= v <= 1 for r in rows.values() for row in r for v in row[1:])


def test_yolo_round_trips_through_the_importer():
    items = _import("yolo", _export("yolo"))
    assert [i.record["unique_id"] for i in items] == ["img-1", "img-2", "img-3"]
    assert items[1].record["attachment"] == "https://cdn.test/a/2.jpg"
    _close([i.label["annotations"] for i in items], _labels(TASKS, ("box", "polygon")))


def test_yolo_import_of_a_foreign_zip_reads_image_sizes(tmp_path):
    from PIL import Image

    picture = io.BytesIO()
    Image.new("RGB", (200, 100)).save(picture, "PNG")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("ds/data.yaml", "names: [cat, dog]\n")
        archive.writestr("ds/images/val/a.png", picture.getvalue())
        archive.writestr("ds/labels/val/a.txt", "1 0.5 0.5 0.5 0.5\n")
        archive.writestr("ds/images/val/empty.png", picture.getvalue())
    with pytest.raises(FormatError, match="URL is unknown"):
        _import("yolo", buffer.getvalue())
    ctx = ImportContext("imageannotation", PARAMS, media_url="https://m")
    a, empty = _import("yolo", buffer.getvalue(), ctx)
    assert a.record["attachment"] == "https://m/val/a.png"
    assert a.label["annotations"] == [_box("dog", 50, 25, 100, 50)]
    assert empty.label["annotations"] == [] and empty.record["metadata"]["width"] == 200
    broken = io.BytesIO()
    with zipfile.ZipFile(broken, "w") as archive:
        archive.writestr("data.yaml", "names: [cat]\n")
        archive.writestr("labels/a.txt", "3 0.5 0.5 0.5 0.5\n")
        archive.writestr("images/a.png", picture.getvalue())
    with pytest.raises(FormatError) as err:
        _import("yolo", broken.getvalue(), ctx)
    assert err.value.where == "labels/a.txt, line 1" and "class 3" in err.value.msg


def test_voc_is_xml_per_image_and_round_trips():
    data = _export("voc")
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert archive.namelist() == ["Annotations/1.xml", "Annotations/2.xml", "Annotations/3.xml"]
    root = ElementTree.fromstring(archive.read("Annotations/1.xml"))
    assert root.findtext("size/width") == "640" and root.findtext("filename") == "1.jpg"
    (obj,) = root.findall("object")
    assert obj.findtext("name") == "cat"
    assert [obj.findtext(f"bndbox/{k}") for k in ("xmin", "ymin", "xmax", "ymax")] == [
        "10", "20", "110", "70.5"
    ]  # fmt: skip
    items = _import("voc", data)
    assert [i.record["unique_id"] for i in items] == ["img-1", "img-2", "img-3"]
    _close([i.label["annotations"] for i in items], _labels(TASKS, ("box",)))


def test_voc_import_names_the_file_and_object():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("Annotations/a.xml", "<annotation><filename>a.jpg</filename>"
                         "<object><name>cat</name><bndbox><xmin>1</xmin></bndbox></object>"
                         "</annotation>")  # fmt: skip
    ctx = ImportContext("imageannotation", PARAMS, media_url="https://m")
    with pytest.raises(FormatError) as err:
        _import("voc", buffer.getvalue(), ctx)
    assert err.value.where == "Annotations/a.xml, object 1" and "bndbox/ymin" in err.value.msg
    with pytest.raises(FormatError, match="not a zip"):
        _import("voc", b"<annotation/>", ctx)


def test_file_names_pick_the_longest_extension():
    assert guess_format("instances.coco.json") == "coco"
    assert guess_format("tasks.json") == "json"
    assert guess_format("set.voc.zip") == "voc"


def test_a_damaged_zip_or_manifest_is_named():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("data.yaml", "names: [cat]\n")
        archive.writestr("quorum_images.jsonl", '{"label": "labels/a.txt"}\n')
        archive.writestr("labels/a.txt", "0 0.5 0.5 0.5 0.5\n")
    with pytest.raises(FormatError) as err:
        _import("yolo", buffer.getvalue())
    assert err.value.where == "quorum_images.jsonl, line 1" and "width" in err.value.msg
    with zipfile.ZipFile(buffer := io.BytesIO(), "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("Annotations/a.xml", b"<annotation>" + b"x" * 5000 + b"</annotation>")
    damaged = bytearray(buffer.getvalue())
    damaged[50:54] = b"\xff" * 4  # inside the compressed data
    with pytest.raises(FormatError) as err:
        _import("voc", bytes(damaged))
    assert err.value.where == "Annotations/a.xml" and "cannot be read" in err.value.msg
