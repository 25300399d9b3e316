"""COCO detection and segmentation JSON, out of and into image annotation projects.

Out: one COCO image per task (`quorum_task_id`, `unique_id` and the `coco_url` it was shown
from carried as extra fields), a box as `bbox`, a polygon as `segmentation` (with its `bbox`
and area), a point as a one-keypoint annotation, a line as keypoints marked `quorum_type:
"line"`; `score` is the label's confidence; categories are the project's labels (then any
other label found). Written as a stream: images first, annotations spooled to a temporary file
meanwhile, so memory stays flat however big the project.

In: one task per COCO image, its annotations the label. The image's URL is `--media-url` +
`file_name` when given, else its `coco_url` or `flickr_url`; its size and name go into the
task's metadata. A crowd (RLE) region comes in as its box.
"""

from __future__ import annotations

import tempfile
from collections import defaultdict
from collections.abc import Iterable, Iterator
from typing import IO, Any

import orjson

from quorum.formats import safe_json
from quorum.formats.exporters import ExportContext
from quorum.formats.images import (
    LabelCheck,
    all_labels,
    images,
    media_url,
    response,
)
from quorum.formats.importers import FormatError, ImportContext, Item

_SPOOL_CHUNK = 1 << 20  # a chunk is a thread hop in the server: few and large


def _area(flat: list[float]) -> float:
    xs, ys = flat[0::2], flat[1::2]
    n = len(xs)
    return abs(sum(xs[i] * ys[(i + 1) % n] - xs[(i + 1) % n] * ys[i] for i in range(n))) / 2


def _bbox(flat: list[float]) -> list[float]:
    xs, ys = flat[0::2], flat[1::2]
    return [min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys)]


def _annotation(a: dict[str, Any]) -> dict[str, Any]:
    """The COCO fields of one Quorum annotation other than a box (no ids)."""
    kind = a["type"]
    if kind == "point":
        return {
            "bbox": [a["x"], a["y"], 0, 0],
            "area": 0,
            "segmentation": [],
            "keypoints": [a["x"], a["y"], 2],
            "num_keypoints": 1,
        }
    flat = [c for v in a["vertices"] for c in (v["x"], v["y"])]
    if kind == "polygon":
        return {"bbox": _bbox(flat), "area": _area(flat), "segmentation": [flat]}
    keypoints = [c for v in a["vertices"] for c in (v["x"], v["y"], 2)]
    return {
        "bbox": _bbox(flat),
        "area": 0,
        "segmentation": [],
        "keypoints": keypoints,
        "num_keypoints": len(a["vertices"]),
        "quorum_type": "line",
    }


def encode(tasks: Iterable[dict[str, Any]], ctx: ExportContext) -> Iterator[bytes]:
    """The COCO JSON of an export: images, then annotations, then categories."""
    categories = {name: i for i, name in enumerate(all_labels(ctx.params), start=1)}
    points: set[str] = set()
    dumps = orjson.dumps
    yield orjson.dumps({"info": {"description": ctx.project}, "licenses": []})[:-1]
    yield b',"images":['
    out: list[bytes] = []
    ann_id = 0
    written = 0  # images already sent
    with tempfile.TemporaryFile() as spool:
        pending: list[bytes] = []
        for number, image in enumerate(images(tasks), start=1):
            entry: dict[str, Any] = {
                "id": number,
                "file_name": image.file_name,
                "width": image.width,
                "height": image.height,
                "coco_url": image.attachment,
                "quorum_task_id": image.task_id,
            }
            if image.unique_id is not None:
                entry["unique_id"] = image.unique_id
            out.append(dumps(entry))
            coco_annotations = []
            for a in image.annotations:
                ann_id += 1
                label = a["label"]
                category = categories.get(label)
                if category is None:
                    category = categories[label] = len(categories) + 1
                if a["type"] == "box":
                    width, height = a["width"], a["height"]
                    coco = {
                        "bbox": [a["left"], a["top"], width, height],
                        "area": width * height,
                        "segmentation": [],
                    }
                else:
                    if a["type"] == "point":
                        points.add(label)
                    coco = _annotation(a)
                coco["id"], coco["image_id"], coco["category_id"] = ann_id, number, category
                coco["iscrowd"] = 0
                if image.confidence is not None:
                    coco["score"] = image.confidence
                if a.get("attributes"):
                    coco["attributes"] = a["attributes"]
                coco_annotations.append(coco)
            if coco_annotations:  # one `dumps` per image
                pending.append(dumps(coco_annotations)[1:-1])
            if len(out) >= 1000:
                yield (b"," if written else b"") + b",".join(out)
                written, out = written + len(out), []
            if len(pending) >= 500:
                spool.write(b"," + b",".join(pending))
                pending = []
        if out:
            yield (b"," if written else b"") + b",".join(out)
        if pending:
            spool.write(b"," + b",".join(pending))
        yield b'],"annotations":['
        spool.seek(0)
        first = spool.read(_SPOOL_CHUNK)
        if first:
            yield first[1:]  # the leading comma
        while chunk := spool.read(_SPOOL_CHUNK):
            yield chunk
    cats = [
        {"id": i, "name": name, "supercategory": ""}
        | ({"keypoints": ["point"], "skeleton": []} if name in points else {})
        for name, i in categories.items()
    ]
    yield b'],"categories":' + dumps(cats) + b"}"


def _list(data: dict[str, Any], key: str) -> list[Any]:
    value = data.get(key, [])
    if not isinstance(value, list):
        raise FormatError("the file", f"{key!r} must be a list")
    return value


_NUMERIC = frozenset({int, float})


def _numbers(value: Any, where: str, field: str, multiple: int = 1) -> list[float]:
    if (
        type(value) is not list
        or not value
        or len(value) % multiple
        or not _NUMERIC.issuperset(map(type, value))
    ):
        raise FormatError(where, f"{field} must be a list of numbers")
    return value


def _id(value: Any, where: str, field: str = "id") -> int | str:
    """A COCO id: an integer or a string, so images, annotations and categories can meet."""
    if type(value) not in (int, str):
        raise FormatError(where, f"{field} must be an integer or a string, not {value!r}")
    return value


def _where(image: str, ann: dict[str, Any]) -> str:
    """Where an annotation is, for a message: built only on error (an import reads millions)."""
    return f"{image}, annotation {ann.get('id')}"


class _Reader:
    """Turns COCO annotations into Quorum annotations for one project. A category is checked
    against the project's labels once per geometry, then remembered."""

    def __init__(self, ctx: ImportContext, categories: dict[Any, dict[str, Any]]) -> None:
        self.check = LabelCheck(ctx.params)
        self.polygons = self.check.enabled("polygon")
        self.categories = categories
        self.labels: dict[tuple[str, Any], str] = {}

    def label(self, kind: str, ann: dict[str, Any], image: str) -> str:
        key = (kind, ann.get("category_id"))
        found = self.labels.get(key)
        if found is None:
            where = _where(image, ann)
            category = self.categories.get(key[1])
            if category is None:
                raise FormatError(where, f"category_id {key[1]!r} is not a category")
            found = self.labels[key] = self.check(kind, category["name"], where)
        return found

    def annotations(self, ann: dict[str, Any], image: str) -> list[dict[str, Any]]:
        attributes = ann.get("attributes") or {}
        if type(attributes) is not dict:
            raise FormatError(_where(image, ann), "attributes must be an object")
        segmentation = ann.get("segmentation")
        kind = ann.get("quorum_type")
        if kind is None and not (ann.get("keypoints") and not ann.get("area")):
            if not (self.polygons and segmentation and type(segmentation) is list):
                # A box (the common case), or a crowd region (RLE) as its box.
                box = ann.get("bbox")
                if (
                    type(box) is not list
                    or len(box) != 4
                    or not _NUMERIC.issuperset(map(type, box))
                ):
                    where = _where(image, ann)
                    _numbers(box, where, "bbox")
                    raise FormatError(where, "bbox must be [x, y, width, height]")
                left, top, width, height = box
                return [
                    {
                        "type": "box",
                        "label": self.label("box", ann, image),
                        "left": left,
                        "top": top,
                        "width": width,
                        "height": height,
                        "attributes": attributes,
                    }
                ]
            where = _where(image, ann)
            label = self.label("polygon", ann, image)
            found = []
            for part in segmentation:
                flat = _numbers(part, where, "segmentation", 2)
                vertices = [{"x": flat[i], "y": flat[i + 1]} for i in range(0, len(flat), 2)]
                found.append(
                    {
                        "type": "polygon",
                        "label": label,
                        "vertices": vertices,
                        "attributes": attributes,
                    }
                )
            return found
        # A line, or points (keypoints and no area), of which the visible ones are kept.
        flat = _numbers(ann.get("keypoints"), _where(image, ann), "keypoints", 3)
        vertices = [{"x": flat[i], "y": flat[i + 1]} for i in range(0, len(flat), 3) if flat[i + 2]]
        if kind == "line":
            label = self.label("line", ann, image)
            return [
                {"type": "line", "label": label, "vertices": vertices, "attributes": attributes}
            ]
        label = self.label("point", ann, image)
        return [
            {"type": "point", "label": label, "x": v["x"], "y": v["y"], "attributes": attributes}
            for v in vertices
        ]


def read(stream: IO[bytes], ctx: ImportContext) -> Iterator[Item]:
    """One task per COCO image, its annotations the label."""
    try:
        data = safe_json.loads(stream.read())
    except safe_json.UnsafeJSON as exc:
        raise FormatError("the file", str(exc)) from None
    if not isinstance(data, dict) or not isinstance(data.get("images"), list):
        raise FormatError("the file", "not a COCO file: no list of images")
    categories: dict[Any, dict[str, Any]] = {}
    for position, category in enumerate(_list(data, "categories")):
        where = f"category {position + 1}"
        if not isinstance(category, dict) or not isinstance(category.get("name"), str):
            raise FormatError(where, "must be an object with a name")
        categories[_id(category.get("id"), where)] = category
    by_image: defaultdict[Any, list[dict[str, Any]]] = defaultdict(list)
    for position, ann in enumerate(_list(data, "annotations")):
        where = f"annotation {position + 1}"
        if not isinstance(ann, dict):
            raise FormatError(where, "must be an object")
        by_image[_id(ann.get("image_id"), where, "image_id")].append(ann)
    reader = _Reader(ctx, categories)
    seen: set[int | str] = set()
    for position, image in enumerate(data["images"]):
        if not isinstance(image, dict):
            raise FormatError(f"image {position + 1}", "must be an object")
        name = image.get("file_name")
        where = f"image {image.get('id', position + 1)} ({name})"
        if _id(image.get("id"), where) in seen:
            raise FormatError(where, "repeats the id of an image before it")
        seen.add(image["id"])
        if not isinstance(name, str) or not name:
            raise FormatError(where, "file_name must be a non-empty string")
        attachment = (
            media_url(ctx.media_url, name) or image.get("coco_url") or image.get("flickr_url")
        )
        if not attachment:
            raise FormatError(
                where, "has no coco_url or flickr_url: give the images' base URL (media_url)"
            )
        metadata: dict[str, Any] = {"file_name": name, "coco_id": image.get("id")}
        for key in ("width", "height"):
            if isinstance(image.get(key), int) and image[key] > 0:
                metadata[key] = image[key]
        annotations = []
        for ann in by_image.pop(image.get("id"), ()):
            annotations.extend(reader.annotations(ann, where))
        record: dict[str, Any] = {"attachment": attachment, "metadata": metadata}
        if isinstance(image.get("unique_id"), str):
            record["unique_id"] = image["unique_id"]
        yield Item(where, record, response(annotations))
    for image_id, anns in by_image.items():
        raise FormatError(
            f"annotation {anns[0].get('id')}", f"names image_id {image_id!r}, which is not an image"
        )
