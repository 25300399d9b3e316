"""Text cleaning of incoming records: what is repaired, what is kept, what is reported."""

from __future__ import annotations

import pytest

from quorum import tasktypes
from quorum.formats.cleaning import clean_record, normalize_text


@pytest.mark.parametrize(
    ("text", "clean", "changes"),
    [
        ("plain text", "plain text", []),
        ("caf\u00c3\u00a9 au lait", "café au lait", ["broken encoding repaired"]),
        ("e\u0301te\u0301", "été", ["Unicode NFC"]),
        ("bell\u0007 and\u200b zero width", "bell and zero width", ["control characters removed"]),
        ("  two  spaces \r\nand\n\n\n\nlines  ", "two spaces\nand\n\nlines", ["whitespace"]),
        ("tab\tkept\nnewline kept", "tab\tkept\nnewline kept", []),
        ("“curly” quotes &amp; entities stay", "“curly” quotes &amp; entities stay", []),
    ],
)
def test_normalize_text(text, clean, changes):
    assert normalize_text(text) == (clean, changes)


def test_clean_record_names_each_change_and_leaves_the_input_alone():
    categorization = tasktypes.get("categorization")
    record = {"attachment": " caf\u00c3\u00a9 ", "unique_id": "  kept as is  "}
    cleaned, changes = clean_record(categorization, {}, record)
    assert cleaned == {"attachment": "café", "unique_id": "  kept as is  "}
    assert record["attachment"] == " caf\u00c3\u00a9 "
    assert changes == [
        {"field": "params.attachment", "change": "broken encoding repaired"},
        {"field": "params.attachment", "change": "whitespace"},
    ]
    url = {"attachment_type": "image", "attachment": " https://x.test/a.png "}
    assert clean_record(categorization, {}, url) == (url, [])  # a link is not a text


def test_nested_texts_are_cleaned_where_the_type_says():
    comparison = tasktypes.get("comparison")
    record = {
        "prompt": [{"role": "user", "content": "hi  there"}],
        "candidates": [{"id": "a", "content": "one "}, {"id": "b", "content": "two"}],
    }
    cleaned, changes = clean_record(comparison, {}, record)
    assert cleaned["prompt"][0]["content"] == "hi there"
    assert cleaned["candidates"][0]["content"] == "one"
    assert record["candidates"][0]["content"] == "one "
    assert [c["field"] for c in changes] == [
        "params.prompt.0.content",
        "params.candidates.0.content",
    ]


def test_a_text_labels_point_into_is_left_alone_when_the_record_has_labels():
    ner = tasktypes.get("namedentityrecognition")
    text = "  Ada  Lovelace"
    labelled = {"text": text, "hypothesis": {"annotations": [{"start": 2, "end": 5, "label": "P"}]}}
    assert clean_record(ner, {}, labelled) == (labelled, [])
    cleaned, changes = clean_record(ner, {}, {"text": text})
    assert cleaned == {"text": "Ada Lovelace"} and changes[0]["change"] == "whitespace"


def test_a_record_that_is_not_an_object_is_left_to_validation():
    assert clean_record(tasktypes.get("categorization"), {}, [1]) == ([1], [])
