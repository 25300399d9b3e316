import pytest

from quorum.tasktypes import get

TYPE = get("categorization")
PARAMS = {
    "attachment_type": "text",
    "attachment": "The blender arrived with a cracked jar.",
    "categories": ["positive", "negative", "neutral"],
}


def test_valid_params_are_normalised():
    stored = TYPE.validate_params({k: v for k, v in PARAMS.items() if k != "attachment_type"})
    assert stored["attachment_type"] == "text"
    assert stored["allow_multiple"] is False


@pytest.mark.parametrize(
    ("change", "loc"),
    [
        ({"attachment": ""}, "attachment"),
        ({"attachment_type": "hologram"}, "attachment_type"),
        ({"categories": ["only"]}, "categories"),
        ({"categories": ["a", "b", "a"]}, "categories.2"),
        ({"categories": ["a", ""]}, "categories.1"),
        ({"allow_multiple": "sometimes"}, "allow_multiple"),
    ],
)
def test_bad_params_are_rejected_at_the_field(rejected_at, change, loc):
    assert loc in rejected_at(TYPE.validate_params, {**PARAMS, **change})


@pytest.mark.parametrize("response", [{"category": "negative"}])
def test_valid_response(response):
    assert TYPE.validate_response(PARAMS, response) == response


def test_several_categories_when_allowed():
    params = {**PARAMS, "allow_multiple": True}
    response = {"category": ["negative", "neutral"]}
    assert TYPE.validate_response(params, response) == response


@pytest.mark.parametrize(
    ("params", "response", "loc"),
    [
        (PARAMS, {"category": "furious"}, "category"),
        (PARAMS, {"category": ["negative"]}, "category"),
        ({**PARAMS, "allow_multiple": True}, {"category": []}, "category"),
        ({**PARAMS, "allow_multiple": True}, {"category": ["neutral", "neutral"]}, "category"),
        (PARAMS, {"category": "negative", "mood": "bad"}, "mood"),
        (PARAMS, {}, "category"),
    ],
)
def test_bad_responses_are_rejected_at_the_field(rejected_at, params, response, loc):
    assert rejected_at(TYPE.validate_response, params, response) == [loc]


@pytest.mark.parametrize("allow_multiple", [False, True])
def test_machine_response_is_valid(allow_multiple):
    params = TYPE.validate_params({**PARAMS, "allow_multiple": allow_multiple})
    TYPE.validate_response(params, TYPE.machine_response(params))
