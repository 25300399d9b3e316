"""Pascal VOC XML, one file per image, zipped, out of and into image annotation projects.

Out: `Annotations/<image>.xml` per task: `filename`, `path` (the image's URL), `size`, and an
`object` per box with `bndbox` in pixels (`xmin` = left, `xmax` = left + width; no 1-based
shift), the task id and confidence under `source`. VOC has only boxes: polygons, lines and
points are left out.

In: a zip of such files (any `*.xml`). An image's URL is `--media-url` + `filename` when
given, else its `path` when that is a URL.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable, Iterator
from typing import IO, Any
from xml.sax.saxutils import escape

from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException

from quorum.formats.exporters import ExportContext
from quorum.formats.images import (
    LabelCheck,
    images,
    media_url,
    number,
    read_member,
    response,
    unique_stem,
    zip_members,
)
from quorum.formats.importers import FormatError, ImportContext, Item
from quorum.formats.zipstream import zip_stream


def _object(a: dict[str, Any]) -> str:
    box = (a["left"], a["top"], a["left"] + a["width"], a["top"] + a["height"])
    xmin, ymin, xmax, ymax = map(number, box)
    return (
        f"<object><name>{escape(a['label'])}</name><pose>Unspecified</pose>"
        "<truncated>0</truncated><difficult>0</difficult>"
        f"<bndbox><xmin>{xmin}</xmin><ymin>{ymin}</ymin><xmax>{xmax}</xmax><ymax>{ymax}</ymax>"
        "</bndbox></object>"
    )


def encode(tasks: Iterable[dict[str, Any]], ctx: ExportContext) -> Iterator[bytes]:
    """The zipped VOC XML files of an export."""

    def members() -> Iterator[tuple[str, bytes]]:
        taken: set[str] = set()
        for image in images(tasks):
            stem = unique_stem(posixpath.splitext(image.file_name)[0], image.task_id, taken)
            source = f"<database>Quorum</database><quorum_task_id>{image.task_id}</quorum_task_id>"
            if image.unique_id is not None:
                source += f"<unique_id>{escape(image.unique_id)}</unique_id>"
            if image.confidence is not None:
                source += f"<score>{image.confidence!r}</score>"
            objects = "".join(_object(a) for a in image.annotations if a["type"] == "box")
            xml = (
                f"<annotation><folder>JPEGImages</folder>"
                f"<filename>{escape(image.file_name)}</filename>"
                f"<path>{escape(image.attachment)}</path><source>{source}</source>"
                f"<size><width>{image.width}</width><height>{image.height}</height>"
                f"<depth>3</depth></size><segmented>0</segmented>{objects}</annotation>\n"
            )
            yield f"Annotations/{stem}.xml", xml.encode()

    yield from zip_stream(members())


def _text(node: Any, path: str, where: str) -> str:
    found = node.find(path)
    if found is None or not (found.text or "").strip():
        raise FormatError(where, f"has no <{path}>")
    return found.text.strip()


def _float(node: Any, path: str, where: str) -> float:
    text = _text(node, path, where)
    try:
        return float(text)
    except ValueError:
        raise FormatError(where, f"<{path}> {text!r} is not a number") from None


def _item(xml: bytes, where: str, ctx: ImportContext, check: LabelCheck) -> Item:
    try:
        root = ElementTree.fromstring(xml)
    except (ElementTree.ParseError, DefusedXmlException) as exc:
        raise FormatError(where, f"not valid XML ({exc})") from None
    name = _text(root, "filename", where)
    path = (root.findtext("path") or "").strip()
    url = path if path.startswith(("http://", "https://", "/")) else None
    attachment = media_url(ctx.media_url, name) or url
    if not attachment:
        raise FormatError(where, "the image's path is not a URL: give the images' base URL")
    annotations = []
    for position, obj in enumerate(root.iter("object"), start=1):
        at = f"{where}, object {position}"
        label = check("box", _text(obj, "name", at), at)
        xmin, ymin = _float(obj, "bndbox/xmin", at), _float(obj, "bndbox/ymin", at)
        xmax, ymax = _float(obj, "bndbox/xmax", at), _float(obj, "bndbox/ymax", at)
        annotations.append(
            {
                "type": "box",
                "label": label,
                "left": xmin,
                "top": ymin,
                "width": xmax - xmin,
                "height": ymax - ymin,
                "attributes": {},
            }
        )
    metadata: dict[str, Any] = {"file_name": name}
    for key in ("width", "height"):
        text = (root.findtext(f"size/{key}") or "").strip()
        if text.isdigit() and int(text) > 0:
            metadata[key] = int(text)
    record: dict[str, Any] = {"attachment": attachment, "metadata": metadata}
    unique_id = (root.findtext("source/unique_id") or "").strip()
    if unique_id:
        record["unique_id"] = unique_id
    return Item(where, record, response(annotations))


def read(stream: IO[bytes], ctx: ImportContext) -> Iterator[Item]:
    """One task per XML file, its boxes the label."""
    archive = zip_members(stream, "the file")
    check = LabelCheck(ctx.params)
    for path in archive.namelist():
        if path.lower().endswith(".xml") and not posixpath.basename(path).startswith("."):
            yield _item(read_member(archive, path), path, ctx, check)
