"""Tokens that keep entity spans exact: every kept entity is exactly its tokens' characters."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from quorum.formats.tokens import from_tags, tokenise


def test_tokens_are_cut_at_span_edges():
    text = "preheat the U.S.-based oven"
    spans = [{"start": 0, "end": 3, "label": "A"}, {"start": 12, "end": 22, "label": "LOC"}]
    tokens = tokenise(text, spans)
    assert tokens.words == ["pre", "heat", "the", "U", ".", "S", ".", "-", "based", "oven"]
    assert tokens.tags() == ["B-A", "O", "O", "B-LOC", *["I-LOC"] * 5, "O"]


def test_overlapping_spans_keep_the_earliest_longest_and_count_the_rest():
    text = "New York City"
    spans = [{"start": 4, "end": 8, "label": "B"}, {"start": 0, "end": 13, "label": "A"}]
    tokens = tokenise(text, spans)
    assert tokens.tags() == ["B-A", "I-A", "I-A"] and tokens.dropped == 1
    assert [(s.start, s.end) for s in tokens.spans] == [(0, 13), (4, 8)]


def test_whitespace_at_span_ends_is_trimmed():
    tokens = tokenise("go to  Paris now", [{"start": 5, "end": 13, "label": "LOC"}])
    assert tokens.tags() == ["O", "O", "B-LOC", "O"]
    assert tokenise("a   b", [{"start": 1, "end": 4, "label": "X"}]).entities == []


def test_tags_read_back_as_text_and_spans_iob1_too():
    text, spans = from_tags(["Ann", "met", "Bo", "Li"], ["I-PER", "O", "B-PER", "I-PER"])
    assert text == "Ann met Bo Li"
    assert [(s["start"], s["end"], s["text"]) for s in spans] == [(0, 3, "Ann"), (8, 13, "Bo Li")]


@given(
    st.text(alphabet="ab .-\n\u00e9", max_size=40),
    st.lists(st.tuples(st.integers(0, 40), st.integers(0, 40)), max_size=5),
)
def test_every_kept_entity_is_exactly_its_tokens(text, pairs):
    spans = [
        {"start": min(a, b), "end": max(a, b), "label": "X"}
        for a, b in pairs
        if min(a, b) < max(a, b) <= len(text)
    ]
    tokens = tokenise(text, spans)
    assert all(text[s:e] == text[s:e].strip() and s < e for s, e in tokens.bounds)
    kept = {(s.start, s.end) for s in tokens.spans}
    for first, last, _ in tokens.entities:
        start, end = tokens.bounds[first][0], tokens.bounds[last - 1][1]
        assert (start, end) in kept
    words, tags = tokens.words, tokens.tags()
    assert len(from_tags(words, tags)[1]) == len(tokens.entities)
