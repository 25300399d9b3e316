import pytest

from quorum.tasktypes import get

TYPE = get("namedentityrecognition")
TEXT = "Ana Silva joined Banco do Brasil in São Paulo on 3 May 2021."
PARAMS = TYPE.validate_params(
    {
        "text": TEXT,
        "labels": [
            {"name": "PER", "description": "a person"},
            {"name": "ORG"},
            {"name": "LOC"},
            {"name": "DATE"},
        ],
        "relationships": [{"name": "works_for"}],
    }
)


def span(start, end, label, **extra):
    return {"start": start, "end": end, "label": label, **extra}


ANA = span(0, 9, "PER", text="Ana Silva", id="p1")
BANK = span(17, 32, "ORG", text="Banco do Brasil", id="o1")


def test_valid_params_keep_labels_and_relationships():
    assert [label["name"] for label in PARAMS["labels"]] == ["PER", "ORG", "LOC", "DATE"]
    assert PARAMS["relationships"] == [{"name": "works_for"}]


@pytest.mark.parametrize(
    ("change", "loc"),
    [
        ({"text": ""}, "text"),
        ({"labels": []}, "labels"),
        ({"labels": [{"name": "PER"}, {"name": "PER"}]}, "labels.1.name"),
        ({"labels": [{"name": ""}]}, "labels.0.name"),
        ({"labels": [{"name": "PER", "colour": "red"}]}, "labels.0.colour"),
        ({"relationships": [{"name": "r"}, {"name": "r"}]}, "relationships.1.name"),
    ],
)
def test_bad_params_are_rejected_at_the_field(rejected_at, change, loc):
    assert loc in rejected_at(TYPE.validate_params, {**PARAMS, **change})


def test_valid_response_with_overlapping_spans_and_a_relationship():
    city = span(36, 45, "LOC", text="São Paulo")
    nested = span(26, 32, "LOC")  # "Brasil" inside the organisation's name: overlap is allowed
    response = {
        "annotations": [ANA, BANK, city, nested, span(49, 59, "DATE")],
        "relationships": [{"source_ref": "p1", "target_ref": "o1", "name": "works_for"}],
    }
    assert TYPE.validate_response(PARAMS, response) == response
    assert TEXT[36:45] == "São Paulo" and TEXT[49:59] == "3 May 2021"


def test_end_may_reach_the_end_of_the_text():
    end = len(TEXT)
    TYPE.validate_response(PARAMS, {"annotations": [span(end - 1, end, "DATE")]})


@pytest.mark.parametrize(
    ("response", "loc"),
    [
        ({"annotations": [ANA, span(5, 5, "PER")]}, "annotations.1.end"),
        ({"annotations": [span(3, 2, "PER")]}, "annotations.0.end"),
        ({"annotations": [span(0, len(TEXT) + 1, "PER")]}, "annotations.0.end"),
        ({"annotations": [span(-1, 3, "PER")]}, "annotations.0.start"),
        ({"annotations": [span(0, 3, "MISC")]}, "annotations.0.label"),
        ({"annotations": [span(0, 3, "PER", text="Ana S")]}, "annotations.0.text"),
        ({"annotations": [ANA, {**BANK, "id": "p1"}]}, "annotations.1.id"),
        ({"annotations": [{**ANA, "score": 1}]}, "annotations.0.score"),
        ({"annotations": [span("a", 3, "PER")]}, "annotations.0.start"),
        ({}, "annotations"),
        (
            {
                "annotations": [ANA, BANK],
                "relationships": [{"source_ref": "p1", "target_ref": "o1", "name": "owns"}],
            },
            "relationships.0.name",
        ),
        (
            {
                "annotations": [ANA],
                "relationships": [{"source_ref": "p1", "target_ref": "o9", "name": "works_for"}],
            },
            "relationships.0.target_ref",
        ),
    ],
)
def test_bad_responses_are_rejected_at_the_field(rejected_at, response, loc):
    assert rejected_at(TYPE.validate_response, PARAMS, response) == [loc]


@pytest.mark.parametrize("text", [TEXT, "plain lower case words", "   ...   "])
def test_machine_response_is_valid(text):
    params = TYPE.validate_params({**PARAMS, "text": text})
    response = TYPE.machine_response(params)
    assert TYPE.validate_response(params, response) == response
