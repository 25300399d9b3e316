import pytest

from quorum.tasktypes import get

TYPE = get("textcollection")
FIELDS = [
    {"type": "text", "field_id": "answer", "title": "Write the answer", "min_characters": 10},
    {"type": "number", "field_id": "score", "title": "Score", "min": 1, "max": 5, "integer": True},
    {"type": "boolean", "field_id": "safe", "title": "Safe?", "required": False},
    {
        "type": "category",
        "field_id": "issues",
        "title": "Issues",
        "choices": [
            {"label": "Factual error", "value": "factual"},
            {"label": "Tone", "value": "tone"},
            {"label": "None", "value": "none"},
        ],
        "min_choice": 1,
        "max_choice": 2,
    },
    {
        "type": "text",
        "field_id": "prompts",
        "title": "Write prompts",
        "min_responses_required": 2,
        "max_responses_required": 3,
    },
]
PARAMS = TYPE.validate_params(
    {
        "attachments": [
            {"type": "text", "content": "Explain photosynthesis.", "forms": ["answer"]}
        ],
        "fields": FIELDS,
    }
)


def answer(field_id, kind, *entries):
    return {field_id: {"type": kind, "field_id": field_id, "response": list(entries)}}


GOOD = {
    **answer("answer", "text", "Plants turn light into sugar."),
    **answer("score", "number", 4),
    **answer("issues", "category", ["factual", "tone"]),
    **answer("prompts", "text", "Why is the sky blue?", "What is a prime?"),
}


def test_valid_params_get_defaults():
    answer_field = PARAMS["fields"][0]
    assert answer_field["required"] is True
    assert answer_field["min_responses_required"] == answer_field["max_responses_required"] == 1


def fields_with(index, **change):
    return [{**f, **change} if i == index else f for i, f in enumerate(FIELDS)]


@pytest.mark.parametrize(
    ("params", "loc"),
    [
        ({"fields": []}, "fields"),
        ({"fields": fields_with(1, field_id="answer")}, "fields.1.field_id"),
        ({"fields": fields_with(0, type="essay")}, "fields.0.type"),
        ({"fields": [{"field_id": "x", "title": "X"}]}, "fields.0.type"),
        ({"fields": [FIELDS[0], "answer"]}, "fields.1"),
        ({"fields": fields_with(0, title="")}, "fields.0.title"),
        ({"fields": fields_with(0, max_characters=5)}, "fields.0.max_characters"),
        ({"fields": fields_with(1, max=0)}, "fields.1.max"),
        ({"fields": fields_with(1, choices=[])}, "fields.1.choices"),
        ({"fields": fields_with(3, max_choice=0)}, "fields.3.max_choice"),
        ({"fields": fields_with(3, min_choice=3, max_choice=2)}, "fields.3.max_choice"),
        ({"fields": fields_with(3, min_choice=4, max_choice=4)}, "fields.3.min_choice"),
        (
            {"fields": fields_with(3, choices=[{"label": "A", "value": "a"}] * 2)},
            "fields.3.choices.1.value",
        ),
        ({"fields": fields_with(3, choices=["a", "b"])}, "fields.3.choices.0"),
        ({"fields": fields_with(4, max_responses_required=1)}, "fields.4.max_responses_required"),
        (
            {"fields": FIELDS, "attachments": [{"type": "text", "content": "x", "forms": ["y"]}]},
            "attachments.0.forms.0",
        ),
        (
            {"fields": FIELDS, "attachments": [{"type": "hologram", "content": "x"}]},
            "attachments.0.type",
        ),
    ],
)
def test_bad_params_are_rejected_at_the_field(rejected_at, params, loc):
    assert loc in rejected_at(TYPE.validate_params, params)


def test_valid_response_in_scales_shape():
    response = {"annotations": {**GOOD, **answer("safe", "boolean", True)}}
    assert TYPE.validate_response(PARAMS, response) == response


def test_optional_field_may_be_left_out():
    TYPE.validate_response(PARAMS, {"annotations": GOOD})


@pytest.mark.parametrize(
    ("change", "loc"),
    [
        ({"answer": None}, "annotations.answer"),
        (answer("answer", "text", "too short"), "annotations.answer.response.0"),
        (answer("answer", "text", "          x"), "annotations.answer.response.0"),
        (answer("answer", "text", 42), "annotations.answer.response.0"),
        (answer("answer", "text"), "annotations.answer.response"),
        (answer("answer", "number", 3), "annotations.answer.type"),
        ({"answer": {**GOOD["answer"], "field_id": "score"}}, "annotations.answer.field_id"),
        (answer("score", "number", 6), "annotations.score.response.0"),
        (answer("score", "number", 2.5), "annotations.score.response.0"),
        (answer("score", "number", "4"), "annotations.score.response.0"),
        (answer("score", "number", True), "annotations.score.response.0"),
        (answer("safe", "boolean", "yes"), "annotations.safe.response.0"),
        (answer("issues", "category", ["spam"]), "annotations.issues.response.0"),
        (answer("issues", "category", []), "annotations.issues.response.0"),
        (
            answer("issues", "category", ["factual", "tone", "none"]),
            "annotations.issues.response.0",
        ),
        (answer("issues", "category", ["tone", "tone"]), "annotations.issues.response.0"),
        (answer("issues", "category", "tone"), "annotations.issues.response.0"),
        (answer("prompts", "text", "only one?"), "annotations.prompts.response"),
        (answer("extra", "text", "hello"), "annotations.extra"),
        ({"score": {"field_id": "score", "response": [1]}}, "annotations.score.type"),
    ],
)
def test_bad_responses_are_rejected_at_the_field(rejected_at, change, loc):
    annotations = {k: v for k, v in {**GOOD, **change}.items() if v is not None}
    assert rejected_at(TYPE.validate_response, PARAMS, {"annotations": annotations}) == [loc]


@pytest.mark.parametrize(
    "field",
    [
        {"type": "text", "field_id": "f", "title": "F", "min_characters": 40},
        {"type": "text", "field_id": "f", "title": "F", "min_characters": 3, "max_characters": 5},
        {"type": "number", "field_id": "f", "title": "F", "max": -2.5},
        {"type": "number", "field_id": "f", "title": "F", "min": 0.5, "max": 3, "integer": True},
        {
            "type": "boolean",
            "field_id": "f",
            "title": "F",
            "min_responses_required": 2,
            "max_responses_required": 2,
        },
        {
            "type": "category",
            "field_id": "f",
            "title": "F",
            "choices": [{"label": "A", "value": "a"}],
        },
    ],
)
def test_machine_response_is_valid(field):
    params = TYPE.validate_params({"fields": [field]})
    TYPE.validate_response(params, TYPE.machine_response(params))
    TYPE.validate_response(PARAMS, TYPE.machine_response(PARAMS))
