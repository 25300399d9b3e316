"""Label lists in Scale's shape: plain strings or nested `LabelDescription` objects.

Scale accepts `{"choice", "subchoices", "display"}` anywhere a label list is accepted
(`objects_to_annotate`, …) and only leaf choices appear in responses, so a list is checked for
distinct leaves and responses are checked against `leaves(...)`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Annotated

from pydantic import AfterValidator, BaseModel, Discriminator, Field, Tag

from quorum.tasktypes.checks import (
    CLOSED,
    NonEmpty,
    duplicates,
    reject,
    text_or_structured,
    untagged,
)


class LabelDescription(BaseModel):
    model_config = CLOSED

    choice: NonEmpty
    subchoices: Labels = []
    display: str | None = None


Label = Annotated[
    Annotated[NonEmpty, Tag("text")] | Annotated[LabelDescription, Tag("structured")],
    Discriminator(text_or_structured),
]
Labels = Annotated[list[Label], untagged(text_or_structured, each=True)]
LabelDescription.model_rebuild()


def leaves(labels: Iterable[Label]) -> list[str]:
    """The answerable labels: plain strings and choices without subchoices, depth first."""
    found: list[str] = []
    for label in labels:
        if isinstance(label, str):
            found.append(label)
        elif label.subchoices:
            found += leaves(label.subchoices)
        else:
            found.append(label.choice)
    return found


def _distinct_leaves(labels: list[Label]) -> list[Label]:
    names = leaves(labels)
    if len(set(names)) != len(names):
        owned = [(i, leaf) for i, label in enumerate(labels) for leaf in leaves([label])]
        reject(
            ((owned[k][0],), f"label {owned[k][1]!r} appears more than once")
            for k in duplicates(leaf for _, leaf in owned)
        )
    return labels


LabelList = Annotated[Labels, Field(min_length=1), AfterValidator(_distinct_leaves)]
