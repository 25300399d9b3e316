"""spaCy's `DocBin` (`.spacy`, what `spacy train` reads): one `Doc` a labelled task.

Written with spaCy itself (the optional `spacy` extra): the binary format is spaCy's own
(string hashes, attribute ids), so writing it by hand would chase its versions. Tokens are those
of `formats.tokens`, which cut at span edges, so every entity is a `Span` of whole tokens with
its exact character offsets; `doc.ents` holds the non-overlapping entities and, in a doc whose
spans overlap, the span group `"sc"` all of them, nested ones included. `user_data` carries the
task id and confidence. A `DocBin` is serialised whole, so unlike the other exports its memory
grows with the corpus: about 2.6 kB a short text (bench/bench_text_formats.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from quorum.formats import exported
from quorum.formats.exporters import ExportContext
from quorum.formats.tokens import tokenise

SPAN_GROUP = "sc"


def encode(tasks: Iterable[dict[str, Any]], ctx: ExportContext) -> Iterator[bytes]:
    try:
        import spacy
        from spacy.tokens import Doc, DocBin
    except ImportError:
        raise ValueError(
            "the spacy export needs spaCy: pip install 'quorum-labeling[spacy]'"
        ) from None
    vocab = spacy.blank("xx").vocab

    def chunks() -> Iterator[bytes]:
        # Only what a blank pipeline's doc has: text, spaces and entities (a third of the
        # default attributes' memory).
        docs = DocBin(attrs=["ENT_IOB", "ENT_TYPE"], store_user_data=True)
        for task, params, label in exported.labelled(tasks):
            text = params["text"]
            tokens = tokenise(text, label.get("annotations", ()))
            words, spaces = _words(text, tokens.bounds)
            doc = Doc(vocab, words=words, spaces=spaces)
            doc.ents = [_span(doc, *_chars(tokens.bounds, e), e[2]) for e in tokens.entities]
            if tokens.dropped:  # a span group costs spaCy a msgpack call per doc: only if nested
                doc.spans[SPAN_GROUP] = [_span(doc, s.start, s.end, s.label) for s in tokens.spans]
            doc.user_data["task_id"] = task["task_id"]
            if task.get("confidence") is not None:
                doc.user_data["confidence"] = task["confidence"]
            docs.add(doc)
        yield docs.to_bytes()

    return chunks()


def _span(doc: Any, start: int, end: int, label: str) -> Any:
    span = doc.char_span(start, end, label=label)
    assert span is not None, f"{start}:{end} is not on token edges"  # tokens cut at span edges
    return span


def _chars(bounds: list[tuple[int, int]], entity: tuple[int, int, str]) -> tuple[int, int]:
    return bounds[entity[0]][0], bounds[entity[1] - 1][1]


def _words(text: str, bounds: list[tuple[int, int]]) -> tuple[list[str], list[bool]]:
    """spaCy's words and trailing-space flags for `text`: one space after a token is its flag,
    other whitespace becomes a token of its own (as spaCy's tokenizer does), so `doc.text` is
    `text` exactly."""
    words: list[str] = []
    spaces: list[bool] = []
    at = 0
    for start, end in [*bounds, (len(text), len(text))]:
        gap = text[at:start]
        if gap:
            if words and gap[0] == " ":
                spaces[-1] = True
                gap = gap[1:]
            if gap:
                words.append(gap)
                spaces.append(False)
        if start < end:
            words.append(text[start:end])
            spaces.append(False)
        at = end
    return words, spaces
