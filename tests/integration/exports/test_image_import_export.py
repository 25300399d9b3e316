"""Image formats through the faces: a COCO file imported as pre-labels or gold over the API
and the CLI, and COCO, YOLO and VOC exports read by their own readers and imported back."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import orjson
from pycocotools.coco import COCO
from tests import factories as make

from quorum.db.models import GoldAnswer, Task

PARAMS = {
    "geometries": {
        "box": {"objects_to_annotate": ["cat", "dog"]},
        "polygon": {"objects_to_annotate": ["cat", "dog"]},
    }
}
COCO_FILE = {
    "images": [
        {"id": 1, "file_name": "a.jpg", "width": 320, "height": 240},
        {
            "id": 2,
            "file_name": "b.jpg",
            "width": 100,
            "height": 100,
            "coco_url": "https://elsewhere.test/b.jpg",
        },  # fmt: skip
        {"id": 3, "file_name": "c.jpg", "width": 50, "height": 50},
    ],
    "annotations": [
        {"id": 10, "image_id": 1, "category_id": 1, "bbox": [1, 2, 30, 40], "iscrowd": 0},
        {
            "id": 11,
            "image_id": 1,
            "category_id": 2,
            "bbox": [5, 5, 10, 10],
            "iscrowd": 0,
            "segmentation": [[5, 5, 15, 5, 15, 15]],
        },  # fmt: skip
        {
            "id": 12,
            "image_id": 2,
            "category_id": 2,
            "bbox": [0, 0, 99, 99],
            "iscrowd": 1,
            "segmentation": {"counts": "abc", "size": [100, 100]},
        },  # fmt: skip
    ],
    "categories": [{"id": 1, "name": "cat"}, {"id": 2, "name": "dog"}],
}


def _import(client, auth, body: bytes, fmt: str, **params: str):
    query = {"format": fmt, "filename": f"set.{fmt}", **params}
    return client.post("/api/projects/p/tasks/import", params=query, content=body, auth=auth)


def test_a_coco_file_comes_in_as_prelabels_and_goes_out_as_coco_yolo_and_voc(
    db, client, accounts, tmp_path
):
    auth = (accounts["manager"].key, "")
    with db.session(write=True) as s:
        make.project(s, "p", "imageannotation", params=PARAMS)
    body = orjson.dumps(COCO_FILE)
    query = {"as": "hypothesis", "media_url": "https://cdn.test/img"}
    ids = make.ok(_import(client, auth, body, "coco", **query))["task_ids"]
    assert len(ids) == 3
    with db.session(write=True) as s:
        tasks = [s.get(Task, i) for i in ids]
        assert [t.params["attachment"] for t in tasks] == [
            "https://cdn.test/img/a.jpg", "https://cdn.test/img/b.jpg", "https://cdn.test/img/c.jpg"
        ]  # fmt: skip
        assert tasks[0].metadata_ == {"file_name": "a.jpg", "coco_id": 1, "width": 320,
                                      "height": 240}  # fmt: skip
        kinds = [[a["type"] for a in t.params["hypothesis"]["annotations"]] for t in tasks]
        assert kinds == [["box", "polygon"], ["box"], []]  # the crowd region as its box
        for task in tasks:
            make.complete(s, task.id, task.params["hypothesis"], confidence=0.8)

    coco = client.get("/api/projects/p/export", params={"format": "coco"}, auth=auth)
    assert coco.status_code == 200, coco.text
    assert coco.headers["content-disposition"] == 'attachment; filename="p.json"'
    path = tmp_path / "p.json"
    path.write_bytes(coco.content)
    loaded = COCO(str(path))
    assert [i["quorum_task_id"] for i in loaded.loadImgs(loaded.getImgIds())] == ids
    assert len(loaded.getAnnIds()) == 3 and loaded.loadAnns(2)[0]["segmentation"] == [
        [5, 5, 15, 5, 15, 15]
    ]

    for fmt in ("yolo", "voc"):
        exported = client.get("/api/projects/p/export", params={"format": fmt}, auth=auth)
        assert exported.status_code == 200
        assert exported.headers["content-type"] == "application/zip"
        assert zipfile.ZipFile(io.BytesIO(exported.content)).testzip() is None
    # Back in as gold tasks of a second project: same boxes.
    with db.session(write=True) as s:
        make.project(s, "q", "imageannotation", params=PARAMS)
    again = client.post(
        "/api/projects/q/tasks/import",
        params={"format": "yolo", "as": "gold"},
        content=client.get("/api/projects/p/export?format=yolo", auth=auth).content,
        auth=auth,
    )
    gold_ids = make.ok(again)["task_ids"]
    with db.session() as s:
        gold = [s.get(Task, i) for i in gold_ids]
        assert all(t.is_gold for t in gold)
        assert [t.params["attachment"] for t in gold] == [t.params["attachment"] for t in tasks]
        expected = s.get(GoldAnswer, gold_ids[0]).expected_response
        assert [a["type"] for a in expected["annotations"]] == ["box", "polygon"]


def test_a_bad_category_imports_nothing_and_is_named(db, client, accounts):
    auth = (accounts["manager"].key, "")
    with db.session(write=True) as s:
        make.project(s, "p", "imageannotation", params=PARAMS)
    bad = {**COCO_FILE, "categories": [{"id": 1, "name": "cat"}, {"id": 2, "name": "horse"}]}
    refused = _import(client, auth, orjson.dumps(bad), "coco", media_url="https://cdn.test")
    assert refused.status_code == 400
    assert refused.json()["error"] == (
        "set.coco, image 1 (a.jpg), annotation 11: category 'horse' is not a polygon label of "
        "the project (its polygon labels: cat, dog); nothing was imported"
    )
    no_url = _import(client, auth, orjson.dumps(COCO_FILE), "coco")
    assert no_url.status_code == 400 and "image 1 (a.jpg): has no coco_url" in no_url.text
    too_small = {**COCO_FILE, "images": COCO_FILE["images"][:1]}
    too_small["annotations"] = [{**COCO_FILE["annotations"][0], "bbox": [1, 2, 0, 4]}]
    invalid = _import(client, auth, orjson.dumps(too_small), "coco", media_url="https://m",
                      **{"as": "hypothesis"})  # fmt: skip
    assert invalid.status_code == 400
    assert "set.coco, image 1 (a.jpg)" in invalid.text and "width" in invalid.text
    with db.session() as s:
        assert s.query(Task).count() == 0


def _cli(db_url: str, tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "QUORUM_DATABASE_URL": db_url, "QUORUM_DATA_DIR": str(tmp_path)}
    return subprocess.run(
        [str(Path(sys.executable).parent / "quorum"), *args],
        env=env,
        capture_output=True,
        timeout=120,
    )


def test_the_cli_imports_coco_as_prelabels_and_exports_coco(db, db_url, tmp_path):
    with db.session(write=True) as s:
        make.project(s, "p", "imageannotation", params=PARAMS)
    source = tmp_path / "instances.coco.json"
    source.write_bytes(orjson.dumps(COCO_FILE))
    imported = _cli(db_url, tmp_path, "import", str(source), "--project", "p",
                    "--as", "hypothesis", "--media-url", "https://cdn.test")  # fmt: skip
    assert imported.returncode == 0, imported.stderr
    assert b"imported 3 tasks into p" in imported.stdout
    with db.session(write=True) as s:
        for task in s.query(Task).all():
            make.complete(s, task.id, task.params["hypothesis"], confidence=0.7)
    out = tmp_path / "out.json"
    exported = _cli(db_url, tmp_path, "export", "--project", "p", "--format", "coco",
                    "--out", str(out))  # fmt: skip
    assert exported.returncode == 0, exported.stderr
    loaded = COCO(str(out))
    assert sorted(a["score"] for a in loaded.dataset["annotations"]) == [0.7, 0.7, 0.7]
    assert loaded.loadImgs(1)[0]["coco_url"] == "https://cdn.test/a.jpg"
