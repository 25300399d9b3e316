"""Image annotation: boxes, polygons, lines and points with labels and attributes.

Scale's shape. Params: `attachment` (image URL) and `geometries` — any of `box`
(`min_width`, `min_height`), `polygon` / `line` (`min_vertices`, `max_vertices`) and `point`, each
with `objects_to_annotate` (strings or nested `LabelDescription`s) — and `annotation_attributes`
`{name: {type: category (the default; choices, allow_multiple) | number (min, max) | text,
description?}}`. Options Quorum does not implement (cuboids, rotated boxes, attribute conditions)
are rejected at their location rather than silently ignored.

Response: `{"annotations": [...], "links": [], "global_attributes": {}}`, each annotation
`{uuid?, type, label, attributes, …}` plus `left, top, width, height` (box), `vertices: [{x, y}]`
(polygon, line) or `x, y` (point), in pixels from the top-left corner. `label` is a leaf label of
that geometry; every attribute is answered, so annotators' answers can be compared. `links` and
`global_attributes` are kept for Scale's shape and must be empty (no link types yet).
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Annotated, Any, Literal, NotRequired, Self

from pydantic import (
    BaseModel,
    Discriminator,
    Field,
    Tag,
    TypeAdapter,
    model_validator,
)
from typing_extensions import TypedDict

from quorum.tasktypes.base import (
    Aggregator,
    FieldError,
    FileKind,
    FileTasks,
    LabelSet,
    TaskType,
    attachment_of,
)
from quorum.tasktypes.checks import (
    CLOSED,
    OPEN,
    Bounded,
    NonEmpty,
    UntaggedItems,
    closed,
    duplicates,
    in_range,
    range_problem,
    reject,
    response_check,
    unique,
    untagged,
)
from quorum.tasktypes.labels import LabelList, Labels, leaves

Coordinate = Annotated[float, Field(ge=0)]


class _Geometry(BaseModel):
    model_config = CLOSED

    objects_to_annotate: LabelList

    def shape_problems(self, annotation: dict[str, Any]) -> Iterator[tuple[str, str]]:
        """(key, message) for an annotation of this geometry that breaks its size rules."""
        return iter(())

    def example(self) -> dict[str, Any]:
        """The coordinates of a plausible annotation of this geometry."""
        raise NotImplementedError


class BoxGeometry(_Geometry):
    min_width: float = Field(0, ge=0)
    min_height: float = Field(0, ge=0)

    def shape_problems(self, annotation: dict[str, Any]) -> Iterator[tuple[str, str]]:
        if annotation["width"] < self.min_width:
            yield "width", f"narrower than min_width {self.min_width:g}"
        if annotation["height"] < self.min_height:
            yield "height", f"lower than min_height {self.min_height:g}"

    def example(self) -> dict[str, Any]:
        width, height = max(40.0, self.min_width), max(40.0, self.min_height)
        return {"left": 10.0, "top": 10.0, "width": width, "height": height}


class _VertexGeometry(_Geometry, Bounded):
    BOUNDS = (("min_vertices", "max_vertices"),)

    min_vertices: int
    max_vertices: int | None = Field(None, ge=1)

    def shape_problems(self, annotation: dict[str, Any]) -> Iterator[tuple[str, str]]:
        n, high = len(annotation["vertices"]), self.max_vertices
        if n < self.min_vertices or (high is not None and n > high):
            yield "vertices", f"{n} vertices; allowed {self.min_vertices} to {high or 'any'}"

    def example(self) -> dict[str, Any]:
        n = max(self.min_vertices, 4)
        n = n if self.max_vertices is None else min(n, self.max_vertices)
        turns = (2 * math.pi * k / n for k in range(n))
        return {
            "vertices": [
                {"x": 60 + round(30 * math.cos(t), 1), "y": 60 + round(30 * math.sin(t), 1)}
                for t in turns
            ]
        }


class PolygonGeometry(_VertexGeometry):
    min_vertices: int = Field(3, ge=1)


class LineGeometry(_VertexGeometry):
    min_vertices: int = Field(2, ge=1)


class PointGeometry(_Geometry):
    def example(self) -> dict[str, Any]:
        return {"x": 20.0, "y": 20.0}


class Geometries(BaseModel):
    model_config = CLOSED

    box: BoxGeometry | None = None
    polygon: PolygonGeometry | None = None
    line: LineGeometry | None = None
    point: PointGeometry | None = None

    @model_validator(mode="after")
    def _some(self) -> Self:
        if self.box is None and self.polygon is None and self.line is None and self.point is None:
            reject([((), "enable at least one of box, polygon, line, point")])
        return self


class _Attribute(BaseModel):
    model_config = CLOSED

    description: str | None = None


class CategoryAttribute(_Attribute):
    type: Literal["category"] = "category"
    choices: Annotated[list[NonEmpty], Field(min_length=1), unique()]
    allow_multiple: bool = False

    def value_problem(self, value: Any) -> str | None:
        if self.allow_multiple != isinstance(value, list):
            return "must be a list of choices" if self.allow_multiple else "must be one choice"
        wrong = [v for v in (value if self.allow_multiple else [value]) if v not in self.choices]
        return f"{wrong[0]!r} is not one of {self.choices}" if wrong else None

    def example(self) -> str | list[str]:
        return self.choices[:1] if self.allow_multiple else self.choices[0]


class NumberAttribute(_Attribute, Bounded):
    BOUNDS = (("min", "max"),)

    type: Literal["number"]
    min: float | None = None
    max: float | None = None

    def value_problem(self, value: Any) -> str | None:
        if isinstance(value, bool) or not isinstance(value, int | float):
            return "must be a number"
        return range_problem(value, self.min, self.max)

    def example(self) -> float:
        return in_range(self.min, self.max)


class TextAttribute(_Attribute):
    type: Literal["text"]

    def value_problem(self, value: Any) -> str | None:
        return None if isinstance(value, str) else "must be a string"

    def example(self) -> str:
        return "n/a"


def _attribute_type(value: Any) -> Any:
    # Scale's attributes are categories unless they say otherwise.
    return (
        value.get("type", "category") if isinstance(value, dict) else getattr(value, "type", None)
    )


Attribute = Annotated[
    Annotated[CategoryAttribute, Tag("category")]
    | Annotated[NumberAttribute, Tag("number")]
    | Annotated[TextAttribute, Tag("text")],
    Discriminator(_attribute_type),
]


class ImageAnnotationParams(BaseModel):
    model_config = OPEN

    attachment_type: Literal["image"] = "image"
    attachment: NonEmpty
    geometries: Geometries
    annotation_attributes: Annotated[
        dict[NonEmpty, Attribute], untagged(_attribute_type, each=True)
    ] = Field(default_factory=dict)  # a factory: pydantic deep-copies a `{}` default per task


@closed
class _Annotation(TypedDict):
    uuid: NotRequired[str | None]
    label: NonEmpty
    attributes: NotRequired[Annotated[dict[str, Any], Field(default_factory=dict)]]


# The response is TypedDicts, not models: an import validates hundreds of thousands of boxes,
# and pydantic-core checks a TypedDict without building an instance to dump again.
@closed
class BoxAnnotation(_Annotation):
    type: Literal["box"]
    left: Coordinate
    top: Coordinate
    width: Annotated[float, Field(gt=0)]
    height: Annotated[float, Field(gt=0)]


@closed
class Vertex(TypedDict):
    x: Coordinate
    y: Coordinate


@closed
class PolygonAnnotation(_Annotation):
    type: Literal["polygon"]
    vertices: Annotated[list[Vertex], Field(min_length=1)]


@closed
class LineAnnotation(_Annotation):
    type: Literal["line"]
    vertices: Annotated[list[Vertex], Field(min_length=1)]


@closed
class PointAnnotation(_Annotation):
    type: Literal["point"]
    x: Coordinate
    y: Coordinate


ImageAnnotation = Annotated[
    BoxAnnotation | PolygonAnnotation | LineAnnotation | PointAnnotation,
    Field(discriminator="type"),
]


@closed
class ImageAnnotationResponse(TypedDict):
    annotations: Annotated[list[ImageAnnotation], UntaggedItems]
    links: NotRequired[Annotated[list[Any], Field(default_factory=list, max_length=0)]]
    global_attributes: NotRequired[
        Annotated[dict[str, Any], Field(default_factory=dict, max_length=0)]
    ]


def _check(params: ImageAnnotationParams, response: dict[str, Any]) -> Iterator[FieldError]:
    attributes = params.annotation_attributes
    # Per geometry kind, once per response: its settings and leaf labels (None: not asked for).
    kinds: dict[str, tuple[_Geometry, set[str]] | None] = {}
    for i, annotation in enumerate(response["annotations"]):
        kind = annotation["type"]
        if kind not in kinds:
            geometry: _Geometry | None = getattr(params.geometries, kind)
            kinds[kind] = (
                None if geometry is None else (geometry, set(leaves(geometry.objects_to_annotate)))
            )
        found = kinds[kind]
        if found is None:
            yield FieldError(
                f"annotations.{i}.type", f"this task does not ask for {kind} annotations"
            )
            continue
        geometry, allowed = found
        loc = f"annotations.{i}"
        if annotation["label"] not in allowed:
            yield FieldError(f"{loc}.label", f"{annotation['label']!r} is not a {kind} label")
        for key, msg in geometry.shape_problems(annotation):
            yield FieldError(f"{loc}.{key}", msg)
        given = annotation["attributes"]
        if not given and not attributes:
            continue
        for name in given.keys() - attributes.keys():
            yield FieldError(f"{loc}.attributes.{name}", "not an attribute of this task")
        for name, spec in attributes.items():
            if name not in given:
                yield FieldError(f"{loc}.attributes.{name}", "attribute not answered")
            elif problem := spec.value_problem(given[name]):
                yield FieldError(f"{loc}.attributes.{name}", problem)
    uuids = [
        (i, a["uuid"]) for i, a in enumerate(response["annotations"]) if a.get("uuid") is not None
    ]
    for k in duplicates(uuid for _, uuid in uuids):
        yield FieldError(f"annotations.{uuids[k][0]}.uuid", "uuid repeated")


def _machine(params: dict[str, Any]) -> dict[str, Any]:
    """One annotation per enabled geometry with its first label and every attribute answered."""
    p = ImageAnnotationParams.model_validate(params)
    attributes = {name: spec.example() for name, spec in p.annotation_attributes.items()}
    annotations = [
        {
            "type": kind,
            "label": leaves(geometry.objects_to_annotate)[0],
            "attributes": attributes,
            **geometry.example(),
        }
        for kind, geometry in p.geometries
        if geometry is not None
    ]
    return {"annotations": annotations, "links": [], "global_attributes": {}}


_LABELS: TypeAdapter[list[Any]] = TypeAdapter(Labels)


def _shape_labels(value: Any) -> dict[str, list[Any]]:
    """Each enabled geometry's `objects_to_annotate`, as given (strings or nested choices)."""
    return {k: g.get("objects_to_annotate") or [] for k, g in value.items() if isinstance(g, dict)}


def _read_labels(value: Any) -> list[str]:
    """The leaf labels of every enabled geometry, each once, in order."""
    found = (leaves(_LABELS.validate_python(labels)) for labels in _shape_labels(value).values())
    return list(dict.fromkeys(label for labels in found for label in labels))


def _write_labels(labels: list[str], value: Any) -> dict[str, Any]:
    """`labels` for every enabled geometry (a box when none is), other settings kept."""
    geometries = {k: g for k, g in (value or {}).items() if isinstance(g, dict)} or {"box": {}}
    return {kind: {**g, "objects_to_annotate": labels} for kind, g in geometries.items()}


def _structure(value: Any) -> str | None:
    """Why one flat list cannot stand for these labels: `_write_labels` would flatten nested
    choices and give every geometry the same list."""
    shapes = _shape_labels(value or {})
    if any(not isinstance(label, str) for labels in shapes.values() for label in labels):
        return (
            "these objects to annotate nest choices (subchoices), which one list per line "
            "would flatten; change params.geometries instead"
        )
    if len({tuple(labels) for labels in shapes.values()}) > 1:
        return (
            f"{', '.join(shapes)} each have their own objects to annotate, which one list "
            "would make the same; change params.geometries instead"
        )
    return None


TYPE = TaskType(
    name="imageannotation",
    content=attachment_of("image"),
    params_model=ImageAnnotationParams,
    response_model=ImageAnnotationResponse,
    aggregator=Aggregator.geometry,
    exporters=("jsonl", "hf", "coco", "yolo", "voc"),
    check_response=response_check(ImageAnnotationParams, _check),
    machine_response=_machine,
    labels=LabelSet(
        "geometries",
        "Objects to annotate",
        "object label",
        read=_read_labels,
        write=_write_labels,
        structure=_structure,
    ),
    files=FileTasks(frozenset({FileKind.image}), lambda _, path: {"attachment": path}),
)
