import pytest

from quorum.tasktypes import get

TYPE = get("audiotranscription")
PARAMS = TYPE.validate_params(
    {"attachment": "/demo-media/clip.wav", "language": "en-GB", "duration": 3.0}
)
SEGMENTED = {**PARAMS, "segments_required": True}
SEGMENTS = [
    {"start": 0.2, "end": 1.4, "text": "Please hold", "speaker": "agent"},
    {"start": 1.4, "end": 2.9, "text": "the line."},
]


def test_valid_params_get_defaults():
    assert PARAMS["segments_required"] is False
    assert TYPE.validate_params({"attachment": "a.wav"}) == {
        "attachment": "a.wav",
        "segments_required": False,
    }


@pytest.mark.parametrize(
    ("change", "loc"),
    [
        ({"attachment": ""}, "attachment"),
        ({"language": "English please"}, "language"),
        ({"duration": 0}, "duration"),
        ({"segments_required": "maybe"}, "segments_required"),
    ],
)
def test_bad_params_are_rejected_at_the_field(rejected_at, change, loc):
    assert loc in rejected_at(TYPE.validate_params, {**PARAMS, **change})


@pytest.mark.parametrize(
    ("params", "response"),
    [
        (PARAMS, {"transcript": "Please hold the line."}),
        (PARAMS, {"transcript": ""}),
        (SEGMENTED, {"transcript": "Please hold the line.", "segments": SEGMENTS}),
    ],
)
def test_valid_responses(params, response):
    assert TYPE.validate_response(params, response) == response


def segments_with(index, **change):
    return [{**s, **change} if i == index else s for i, s in enumerate(SEGMENTS)]


@pytest.mark.parametrize(
    ("response", "loc"),
    [
        ({"transcript": "x"}, "segments"),
        ({"transcript": "x", "segments": []}, "segments"),
        ({"segments": SEGMENTS}, "transcript"),
        ({"transcript": "x", "segments": segments_with(0, end=0.2)}, "segments.0.end"),
        ({"transcript": "x", "segments": segments_with(1, start=1.0)}, "segments.1.start"),
        ({"transcript": "x", "segments": segments_with(1, end=3.5)}, "segments.1.end"),
        ({"transcript": "x", "segments": segments_with(0, start=-1)}, "segments.0.start"),
        ({"transcript": "x", "segments": segments_with(0, mood="calm")}, "segments.0.mood"),
        ({"transcript": "x", "segments": SEGMENTS, "duration": 3}, "duration"),
    ],
)
def test_bad_responses_are_rejected_at_the_field(rejected_at, response, loc):
    assert rejected_at(TYPE.validate_response, SEGMENTED, response) == [loc]


@pytest.mark.parametrize("duration", [None, 2.5])
@pytest.mark.parametrize("segments_required", [False, True])
def test_machine_response_is_valid(duration, segments_required):
    params = {"attachment": "a.wav", "duration": duration, "segments_required": segments_required}
    params = TYPE.validate_params({k: v for k, v in params.items() if v is not None})
    TYPE.validate_response(params, TYPE.machine_response(params))
