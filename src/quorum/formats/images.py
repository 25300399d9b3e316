"""What the image formats (COCO, YOLO, VOC) share: an exported image annotation task read as an
`Image`, the project's labels per geometry, and image names and sizes.

Image sizes come from the task's metadata (`width`, `height`), which every image importer
stores; a task without them is given the smallest size that holds its annotations, so the
coordinates stay valid (docs/formats.md says so).
"""

from __future__ import annotations

import math
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

import orjson
from pydantic import TypeAdapter, ValidationError

from quorum.formats.importers import FormatError
from quorum.tasktypes.labels import Labels, leaves

KINDS = ("box", "polygon", "line", "point")


@dataclass(slots=True)
class Image:
    """One exported task as the image formats see it."""

    task_id: str
    unique_id: str | None
    attachment: str
    file_name: str
    width: int
    height: int
    annotations: list[dict[str, Any]]
    confidence: float | None


def file_name(attachment: str, metadata: dict[str, Any]) -> str:
    """The image's file name: as imported (`metadata.file_name`), else the URL's last part."""
    name = metadata.get("file_name")
    if isinstance(name, str) and name:
        return name
    path = attachment.split("?", 1)[0].split("#", 1)[0]
    return unquote(path.rsplit("/", 1)[-1]) or "image"


def extent(annotations: list[dict[str, Any]]) -> tuple[int, int]:
    """The smallest width and height (at least 1) that hold every annotation."""
    right = bottom = 1.0
    for a in annotations:
        if a["type"] == "box":
            right = max(right, a["left"] + a["width"])
            bottom = max(bottom, a["top"] + a["height"])
        elif a["type"] == "point":
            right, bottom = max(right, a["x"]), max(bottom, a["y"])
        else:
            for v in a["vertices"]:
                right, bottom = max(right, v["x"]), max(bottom, v["y"])
    return math.ceil(right), math.ceil(bottom)


def images(tasks: Iterable[dict[str, Any]]) -> Iterator[Image]:
    """Each exported task as an `Image`; one without a label has no annotations."""
    loads, dumps = orjson.loads, orjson.dumps
    for task in tasks:
        # The export passes stored JSON through as `orjson.Fragment`: one round trip reads all.
        params, metadata, response = loads(
            dumps((task["params"], task["metadata"], task["response"]))
        )
        params, metadata, response = params or {}, metadata or {}, response or {}
        annotations = response.get("annotations") or []
        attachment = params.get("attachment", "")
        width, height = metadata.get("width"), metadata.get("height")
        if not (isinstance(width, int) and isinstance(height, int) and width > 0 and height > 0):
            width, height = extent(annotations)
        yield Image(
            task["task_id"],
            task.get("unique_id"),
            attachment,
            file_name(attachment, metadata),
            width,
            height,
            annotations,
            task.get("confidence"),
        )


_LABELS: TypeAdapter[list[Any]] = TypeAdapter(Labels)


def geometry_labels(params: dict[str, Any]) -> dict[str, list[str]]:
    """The leaf labels of each geometry the project's params enable, in order."""
    found: dict[str, list[str]] = {}
    for kind, geometry in (params.get("geometries") or {}).items():
        if kind in KINDS and isinstance(geometry, dict):
            try:
                found[kind] = leaves(_LABELS.validate_python(geometry["objects_to_annotate"]))
            except (KeyError, ValidationError):
                found[kind] = []
    return found


def all_labels(params: dict[str, Any]) -> list[str]:
    """Every label of the project, each once, in order: the class list of an export."""
    return list(dict.fromkeys(x for labels in geometry_labels(params).values() for x in labels))


class LabelCheck:
    """Whether a category read from a file is a label of the project for that geometry, with
    an error naming the category and where it was found otherwise."""

    def __init__(self, params: dict[str, Any]) -> None:
        self.labels = {kind: frozenset(labels) for kind, labels in geometry_labels(params).items()}

    def enabled(self, kind: str) -> bool:
        return kind in self.labels

    def __call__(self, kind: str, label: str, where: str) -> str:
        allowed = self.labels.get(kind)
        if allowed is None:
            raise FormatError(where, f"this project does not ask for {kind} annotations")
        if label not in allowed:
            raise FormatError(
                where,
                f"category {label!r} is not a {kind} label of the project "
                f"(its {kind} labels: {', '.join(sorted(allowed)) or 'none'})",
            )
        return label


def response(annotations: list[dict[str, Any]]) -> dict[str, Any]:
    return {"annotations": annotations, "links": [], "global_attributes": {}}


def media_url(base: str | None, name: str) -> str | None:
    """The attachment of an image named `name` in a file, given a base URL (`--media-url`)."""
    if base is None:
        return None
    return f"{base.rstrip('/')}/{name.lstrip('/')}"


def number(value: Any) -> str:
    """A coordinate as text: integers without a decimal point, others as short as exact."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return repr(value)


def unique_stem(stem: str, task_id: str, taken: set[str]) -> str:
    """A file stem no other image of the export has (a second `cat` becomes `cat-<task id>`)."""
    if stem in taken:
        stem = f"{stem}-{task_id}"
    taken.add(stem)
    return stem


def read_member(archive: zipfile.ZipFile, path: str) -> bytes:
    """One file of an uploaded zip, or an error naming it when it is damaged."""
    try:
        return archive.read(path)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
        raise FormatError(path, f"cannot be read from the zip ({exc})") from None


def zip_members(stream: Any, where: str) -> zipfile.ZipFile:
    """The uploaded file as a zip archive, or an error saying it is not one."""
    try:
        return zipfile.ZipFile(stream)
    except (zipfile.BadZipFile, OSError):
        raise FormatError(where, "not a zip archive") from None
