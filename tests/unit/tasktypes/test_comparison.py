import pytest

from quorum.tasktypes import get

TYPE = get("comparison")
CANDIDATES = [
    {"id": "a", "content": "A hash map stores key-value pairs in buckets.", "model": "model-1"},
    {"id": "b", "content": "It is a list.", "model": "model-2"},
]
PARAMS = TYPE.validate_params(
    {
        "prompt": [
            {"role": "system", "content": "You are a concise tutor."},
            {"role": "user", "content": "What is a hash map?"},
        ],
        "candidates": CANDIDATES,
        "rating_dimensions": [
            {"name": "helpfulness", "description": "Does it answer the question?"},
            {"name": "honesty", "min": 1, "max": 5},
        ],
        "allow_tie": True,
        "require_justification": True,
    }
)
RANKING = TYPE.validate_params(
    {
        "prompt": "Sort these answers.",
        "candidates": [*CANDIDATES, {"id": "c", "content": "A dictionary."}],
        "mode": "ranking",
    }
)
RATINGS = {"a": {"helpfulness": 6, "honesty": 5}, "b": {"helpfulness": 2, "honesty": 4}}
GOOD = {"choice": "a", "ratings": RATINGS, "justification": "A explains buckets; B is wrong."}


def test_valid_params_get_defaults():
    assert PARAMS["mode"] == "choice"
    assert PARAMS["rating_dimensions"][0] == {
        "name": "helpfulness",
        "description": "Does it answer the question?",
        "min": 1,
        "max": 7,
    }


@pytest.mark.parametrize(
    ("change", "loc"),
    [
        ({"prompt": ""}, "prompt"),
        ({"prompt": []}, "prompt"),
        ({"prompt": 7}, "prompt"),
        ({"prompt": [{"role": "robot", "content": "hi"}]}, "prompt.0.role"),
        ({"prompt": [{"role": "user"}]}, "prompt.0.content"),
        ({"candidates": CANDIDATES[:1]}, "candidates"),
        ({"candidates": [CANDIDATES[0], {**CANDIDATES[1], "id": "a"}]}, "candidates.1.id"),
        ({"candidates": [CANDIDATES[0], {**CANDIDATES[1], "id": "tie"}]}, "candidates.1.id"),
        ({"candidates": [CANDIDATES[0], {"id": "b", "content": ""}]}, "candidates.1.content"),
        ({"candidates": [CANDIDATES[0], {**CANDIDATES[1], "score": 1}]}, "candidates.1.score"),
        ({"mode": "vote"}, "mode"),
        ({"mode": "ranking", "allow_tie": True}, "allow_tie"),
        ({"rating_dimensions": [{"name": "h"}, {"name": "h"}]}, "rating_dimensions.1.name"),
        ({"rating_dimensions": [{"name": "h", "min": 5, "max": 5}]}, "rating_dimensions.0.max"),
    ],
)
def test_bad_params_are_rejected_at_the_field(rejected_at, change, loc):
    assert loc in rejected_at(TYPE.validate_params, {**PARAMS, **change})


@pytest.mark.parametrize("response", [GOOD, {**GOOD, "choice": "tie"}])
def test_valid_choice_responses(response):
    assert TYPE.validate_response(PARAMS, response) == response


def test_valid_ranking_response():
    response = {"ranking": ["c", "a", "b"]}
    assert TYPE.validate_response(RANKING, response) == response


@pytest.mark.parametrize(
    ("change", "loc"),
    [
        ({"choice": "z"}, "choice"),
        ({"choice": None}, "choice"),
        ({"ranking": ["a", "b"]}, "ranking"),
        ({"justification": "  "}, "justification"),
        ({"ratings": {"a": RATINGS["a"]}}, "ratings.b"),
        ({"ratings": {**RATINGS, "z": {}}}, "ratings.z"),
        ({"ratings": {**RATINGS, "a": {"helpfulness": 8, "honesty": 5}}}, "ratings.a.helpfulness"),
        (
            {"ratings": {**RATINGS, "a": {"helpfulness": 2.5, "honesty": 5}}},
            "ratings.a.helpfulness",
        ),
        ({"ratings": {**RATINGS, "a": {"helpfulness": 2}}}, "ratings.a.honesty"),
        ({"ratings": {**RATINGS, "a": {**RATINGS["a"], "style": 3}}}, "ratings.a.style"),
        ({"verdict": "a"}, "verdict"),
    ],
)
def test_bad_choice_responses_are_rejected_at_the_field(rejected_at, change, loc):
    response = {k: v for k, v in {**GOOD, **change}.items() if v is not None}
    assert rejected_at(TYPE.validate_response, PARAMS, response) == [loc]


@pytest.mark.parametrize(
    ("response", "loc"),
    [
        ({"ranking": ["a", "b"]}, "ranking"),
        ({"ranking": ["a", "b", "z"]}, "ranking.2"),
        ({"ranking": ["a", "b", "b", "c"]}, "ranking.2"),
        ({"choice": "a"}, "choice"),
        ({"ranking": ["a", "b", "c"], "ratings": {"a": {"helpfulness": 3}}}, "ratings"),
    ],
)
def test_bad_rankings_are_rejected_at_the_field(rejected_at, response, loc):
    assert loc in rejected_at(TYPE.validate_response, RANKING, response)


@pytest.mark.parametrize("params", [PARAMS, RANKING])
def test_machine_response_is_valid(params):
    response = TYPE.machine_response(params)
    assert TYPE.validate_response(params, response) == response
