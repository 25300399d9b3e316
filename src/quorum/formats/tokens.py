"""Tokens of a text that keep entity spans exact, for CoNLL, spaCy and Hugging Face NER.

A token is a run of word characters or one other non-space character, and tokens are also cut
at every span edge, so an entity starting inside a word ("pre" of "preheat") still covers whole
tokens and its characters are exactly the tokens'. Spans are first trimmed of whitespace at
their ends. IOB2 cannot nest, so where spans overlap the earliest (then the longest) is kept and
the others are counted as dropped; spaCy keeps all of them in a span group as well.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

_PIECE = re.compile(r"\w+|[^\w\s]")
_TAG = re.compile(r"(?:([BI])-(.+)|O)\Z")


@dataclass(frozen=True, slots=True)
class Entity:
    start: int  # character offsets, end exclusive
    end: int
    label: str


@dataclass(frozen=True, slots=True)
class Tokenised:
    text: str
    bounds: list[tuple[int, int]]  # each token's character offsets
    entities: list[tuple[int, int, str]]  # non-overlapping: first token, last token + 1, label
    spans: list[Entity]  # every span, trimmed, overlaps included
    dropped: int  # spans left out of `entities` because they overlap a kept one

    @property
    def words(self) -> list[str]:
        return [self.text[s:e] for s, e in self.bounds]

    def tags(self) -> list[str]:
        """IOB2 tags, one a token."""
        tags = ["O"] * len(self.bounds)
        for first, last, name in self.entities:
            tags[first] = f"B-{name}"
            for i in range(first + 1, last):
                tags[i] = f"I-{name}"
        return tags


def _trimmed(text: str, annotations: Iterable[dict[str, Any]]) -> list[Entity]:
    spans = []
    for a in annotations:
        start, end = a["start"], a["end"]
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if start < end:
            spans.append(Entity(start, end, a["label"]))
    return sorted(spans, key=lambda s: (s.start, -s.end))


def tokenise(text: str, annotations: Iterable[dict[str, Any]] = ()) -> Tokenised:
    """`text` as tokens with NER `annotations` (`{start, end, label}`) on them."""
    spans = _trimmed(text, annotations)
    edges = sorted({s.start for s in spans} | {s.end for s in spans})
    bounds: list[tuple[int, int]] = []
    cut = 0  # index into edges
    for match in _PIECE.finditer(text):
        start, end = match.span()
        while cut < len(edges) and edges[cut] <= start:
            cut += 1
        while cut < len(edges) and edges[cut] < end:
            bounds.append((start, edges[cut]))
            start = edges[cut]
            cut += 1
        bounds.append((start, end))
    first_at = {s: i for i, (s, _) in enumerate(bounds)}
    after_at = {e: i + 1 for i, (_, e) in enumerate(bounds)}
    entities: list[tuple[int, int, str]] = []
    reach = 0
    for span in spans:
        if span.start >= reach:
            entities.append((first_at[span.start], after_at[span.end], span.label))
            reach = span.end
    return Tokenised(text, bounds, entities, spans, len(spans) - len(entities))


def from_tags(words: Sequence[str], tags: Sequence[str]) -> tuple[str, list[dict[str, Any]]]:
    """The text (tokens joined by one space) and NER annotations of IOB-tagged tokens.

    A tag `I-X` not following a `B-X`/`I-X` opens an entity, as IOB1 and seqeval read it.
    Raises ValueError naming the token index of a tag that is not O, B-X or I-X.
    """
    offsets, at = [], 0
    for word in words:
        offsets.append(at)
        at += len(word) + 1
    text = " ".join(words)
    annotations: list[dict[str, Any]] = []
    open_: dict[str, Any] | None = None
    for i, tag in enumerate(tags):
        match = _TAG.match(tag)
        if match is None:
            raise ValueError(f"token {i + 1}: tag {tag!r} is not O, B-<label> or I-<label>")
        kind, name = match.groups()
        if kind == "I" and open_ is not None and open_["label"] == name:
            open_["end"] = offsets[i] + len(words[i])
            continue
        open_ = None
        if kind is not None:
            open_ = {"start": offsets[i], "end": offsets[i] + len(words[i]), "label": name}
            annotations.append(open_)
    for a in annotations:
        a["text"] = text[a["start"] : a["end"]]
    return text, annotations
