"""YOLO (Ultralytics) detect and segment datasets, zipped, out of and into image projects.

Out: `data.yaml` (class names by id; `task: segment` when the project draws polygons), one
`labels/train/<image>.txt` per image — a box as `class cx cy w h`, a polygon as `class x1 y1 x2
y2 …`, normalised to the image's size — and `quorum_images.jsonl`, one line per label file
with the image's URL, size and task id, which YOLO readers ignore and the importer reads back.
Lines and points have no YOLO form and are left out; images are not included.

In: such a zip. An image's URL, size and unique id come from `quorum_images.jsonl`; without
it, from `images/…` in the zip (size read by Pillow), the URL being `--media-url` + the
image's path under `images/`.
"""

from __future__ import annotations

import posixpath
import tempfile
from collections.abc import Iterable, Iterator
from typing import IO, Any

import orjson
import yaml

from quorum.formats import safe_json
from quorum.formats.exporters import ExportContext
from quorum.formats.images import (
    LabelCheck,
    all_labels,
    geometry_labels,
    images,
    media_url,
    read_member,
    response,
    unique_stem,
    zip_members,
)
from quorum.formats.importers import FormatError, ImportContext, Item
from quorum.formats.zipstream import zip_stream

MANIFEST = "quorum_images.jsonl"
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".bmp", ".webp", ".tif", ".tiff", ".gif")


class _Classes(dict[str, int]):
    """Class ids by label: the project's labels in order, then any other label found."""

    def __missing__(self, label: str) -> int:
        found = self[label] = len(self)
        return found


def _lines(annotations: list[dict[str, Any]], width: int, height: int, classes: _Classes) -> bytes:
    """An image's label file. Rows go through one `orjson.dumps` (numbers as short as exact,
    twice the speed of `%`-formatting them), its brackets and commas then made YOLO's spaces."""
    rows: list[list[float]] = []
    for a in annotations:
        kind = a["type"]
        if kind == "box":
            w, h = a["width"], a["height"]
            rows.append(
                [
                    classes[a["label"]],
                    (a["left"] + w / 2) / width,
                    (a["top"] + h / 2) / height,
                    w / width,
                    h / height,
                ]
            )
        elif kind == "polygon":
            row: list[float] = [classes[a["label"]]]
            for v in a["vertices"]:
                row += (v["x"] / width, v["y"] / height)
            rows.append(row)
    if not rows:
        return b""
    return orjson.dumps(rows)[2:-2].replace(b"],[", b"\n").replace(b",", b" ") + b"\n"


def encode(tasks: Iterable[dict[str, Any]], ctx: ExportContext) -> Iterator[bytes]:
    """The zipped YOLO dataset of an export."""
    classes = _Classes((name, i) for i, name in enumerate(all_labels(ctx.params)))

    with tempfile.TemporaryFile() as manifest:

        def members() -> Iterator[tuple[str, bytes | IO[bytes]]]:
            taken: set[str] = set()
            for image in images(tasks):
                stem = posixpath.splitext(image.file_name)[0] or image.task_id
                label = f"labels/train/{unique_stem(stem, image.task_id, taken)}.txt"
                yield label, _lines(image.annotations, image.width, image.height, classes)
                entry = {
                    "label": label,
                    "file_name": image.file_name,
                    "attachment": image.attachment,
                    "width": image.width,
                    "height": image.height,
                    "task_id": image.task_id,
                    "unique_id": image.unique_id,
                    "confidence": image.confidence,
                }
                manifest.write(orjson.dumps(entry) + b"\n")
            manifest.seek(0)
            yield MANIFEST, manifest
            task = "segment" if "polygon" in geometry_labels(ctx.params) else "detect"
            data = {
                "path": ".",
                "train": "images/train",
                "val": "images/train",
                "task": task,
                "names": {i: name for name, i in classes.items()},
            }
            yield "data.yaml", yaml.safe_dump(data, allow_unicode=True, sort_keys=False).encode()

        yield from zip_stream(members())


def _names(archive: Any) -> list[str]:
    paths = [p for p in archive.namelist() if posixpath.basename(p) == "data.yaml"]
    if not paths:
        raise FormatError("the zip", "has no data.yaml naming the classes")
    try:
        data = yaml.safe_load(read_member(archive, min(paths, key=len)))
    except yaml.YAMLError as exc:
        raise FormatError("data.yaml", f"not valid YAML ({exc})") from None
    names = data.get("names") if isinstance(data, dict) else None
    if isinstance(names, dict) and all(isinstance(k, int) for k in names):
        return [str(names[k]) for k in sorted(names)]
    if isinstance(names, list):
        return [str(n) for n in names]
    raise FormatError("data.yaml", "names must be a list or a map of class id to name")


def _key(path: str, folder: str) -> str | None:
    """`train/cat` for `…/labels/train/cat.txt` (folder `labels`)."""
    parts = path.split("/")
    if folder not in parts[:-1]:
        return None
    return posixpath.splitext("/".join(parts[parts.index(folder) + 1 :]))[0]


def _size(archive: Any, path: str) -> tuple[int, int]:
    from PIL import Image, UnidentifiedImageError

    try:
        with archive.open(path) as raw, Image.open(raw) as image:
            return image.size
    except (UnidentifiedImageError, OSError) as exc:
        raise FormatError(path, f"cannot read the image's size ({exc})") from None


def _annotations(text: bytes, where: str, width: int, height: int, classes: list, check) -> list:
    found = []
    for number, line in enumerate(text.decode("utf-8", "replace").splitlines(), start=1):
        fields = line.split()
        if not fields:
            continue
        at = f"{where}, line {number}"
        try:
            cls, values = int(fields[0]), [float(v) for v in fields[1:]]
        except ValueError:
            raise FormatError(at, "expected a class id and numbers") from None
        if not 0 <= cls < len(classes):
            raise FormatError(at, f"class {cls} is not in data.yaml's names")
        if len(values) == 4:
            cx, cy, w, h = values
            found.append(
                {
                    "type": "box",
                    "label": check("box", classes[cls], at),
                    "left": (cx - w / 2) * width,
                    "top": (cy - h / 2) * height,
                    "width": w * width,
                    "height": h * height,
                    "attributes": {},
                }
            )
        elif len(values) >= 6 and len(values) % 2 == 0:
            vertices = [
                {"x": values[i] * width, "y": values[i + 1] * height}
                for i in range(0, len(values), 2)
            ]
            label = check("polygon", classes[cls], at)
            found.append(
                {"type": "polygon", "label": label, "vertices": vertices, "attributes": {}}
            )
        else:
            raise FormatError(at, "expected 4 numbers (a box) or 3 or more x y pairs (a polygon)")
    return found


def read(stream: IO[bytes], ctx: ImportContext) -> Iterator[Item]:
    """One task per label file (and per image without one), its boxes and polygons the label."""
    archive = zip_members(stream, "the file")
    classes = _names(archive)
    check = LabelCheck(ctx.params)
    labels: dict[str, str] = {}
    pictures: dict[str, str] = {}
    for path in archive.namelist():
        lower = path.lower()
        if lower.endswith(".txt") and (key := _key(path, "labels")) is not None:
            labels[key] = path
        elif lower.endswith(IMAGE_SUFFIXES) and (key := _key(path, "images")) is not None:
            pictures[key] = path
    known: dict[str, dict[str, Any]] = {}
    manifests = [p for p in archive.namelist() if posixpath.basename(p) == MANIFEST]
    if manifests:
        lines = read_member(archive, manifests[0]).splitlines()
        for number, line in enumerate(lines, start=1):
            where = f"{MANIFEST}, line {number}"
            try:
                entry = safe_json.loads(line)
            except safe_json.UnsafeJSON as exc:
                raise FormatError(where, str(exc)) from None
            sized = isinstance(entry, dict) and all(
                type(entry.get(k)) is int and entry[k] > 0 for k in ("width", "height")
            )
            if not sized or not isinstance(entry.get("label"), str):
                raise FormatError(where, "expected an object with label, width and height")
            known[entry["label"]] = entry
    for key in dict.fromkeys([*labels, *pictures]):
        label_path = labels.get(key)
        where = label_path or pictures[key]
        entry = known.get(label_path or "", {})
        image_path = pictures.get(key)
        name = entry.get("file_name") or posixpath.basename(image_path or key)
        if entry:
            width, height = entry["width"], entry["height"]
        elif image_path is not None:
            width, height = _size(archive, image_path)
        else:
            raise FormatError(where, f"no image for it in images/ nor in {MANIFEST}: size unknown")
        relative = image_path.split("images/", 1)[-1] if image_path else name
        attachment = media_url(ctx.media_url, relative) or entry.get("attachment")
        if not attachment:
            raise FormatError(where, "the image's URL is unknown: give the images' base URL")
        text = read_member(archive, label_path) if label_path else b""
        annotations = _annotations(text, where, width, height, classes, check)
        record: dict[str, Any] = {
            "attachment": attachment,
            "metadata": {"file_name": name, "width": width, "height": height},
        }
        if entry.get("unique_id"):
            record["unique_id"] = entry["unique_id"]
        yield Item(where, record, response(annotations))
