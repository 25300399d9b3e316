"""CoNLL-2003 with IOB2 tags: one token a line (`token -X- -X- TAG`), a blank line after each
task's text, the file opened by CoNLL's `-DOCSTART-` line.

Export: each labelled task's text cut into tokens that keep its spans exact (`formats.tokens`);
tasks without a label are left out (their tags would claim "no entity"). Import: blocks between
blank lines become tasks whose text is the tokens joined by single spaces (CoNLL keeps no
whitespace), the first column the token and the last its tag, IOB1 read as well as IOB2.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator
from typing import IO, Any

from quorum.formats import exported
from quorum.formats.exporters import ExportContext
from quorum.formats.importers import FormatError, ImportContext, Item
from quorum.formats.tokens import from_tags, tokenise

DOCSTART = "-DOCSTART-"


def encode(tasks: Iterable[dict[str, Any]], ctx: ExportContext) -> Iterator[bytes]:
    yield f"{DOCSTART} -X- -X- O\n\n".encode()
    lines: list[str] = []
    for _, params, label in exported.labelled(tasks):
        tokens = tokenise(params["text"], label.get("annotations", ()))
        lines.extend(f"{w} -X- -X- {t}" for w, t in zip(tokens.words, tokens.tags(), strict=True))
        lines.append("")
        if len(lines) >= 5000:
            yield ("\n".join(lines) + "\n").encode()
            lines = []
    if lines:
        yield ("\n".join(lines) + "\n").encode()


def _blocks(stream: IO[bytes]) -> Iterator[tuple[int, list[str], list[str]]]:
    """(line of the first token, tokens, tags) of each block between blank lines."""
    words: list[str] = []
    tags: list[str] = []
    first = number = 0
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline=None)
    try:
        for number, line in enumerate(text, start=1):
            columns = line.split()
            if columns and columns[0] != DOCSTART:
                if len(columns) < 2:
                    raise FormatError(number, "expected a token and its tag")
                words.append(columns[0])
                tags.append(columns[-1])
                first = first or number
            elif words:
                yield first, words, tags
                words, tags, first = [], [], 0
    except UnicodeDecodeError as exc:
        raise FormatError(f"after line {number}", f"not UTF-8 ({exc.reason})") from None
    if words:
        yield first, words, tags


def read(stream: IO[bytes], ctx: ImportContext) -> Iterator[Item]:
    for line, words, tags in _blocks(stream):
        try:
            text, annotations = from_tags(words, tags)
        except ValueError as exc:
            raise FormatError(line, f"sentence starting here, {exc}") from None
        yield Item(f"line {line}", {"text": text}, {"annotations": annotations})
