"""The JSON rules at their bounds, and the orjson behaviour the depth probe relies on."""

from __future__ import annotations

import orjson
import pytest

from quorum.formats import safe_json
from quorum.formats.safe_json import INT64_MAX, INT64_MIN, MAX_DEPTH, UnsafeJSON


def _lists(depth: int) -> bytes:
    return b"[" * depth + b"]" * depth


def _refusal(raw: bytes) -> UnsafeJSON:
    with pytest.raises(UnsafeJSON) as err:
        safe_json.loads(raw)
    return err.value


def test_orjson_writes_254_levels_and_no_more():
    """The depth probe wraps values in lists up to orjson's limit: if orjson changes it, the
    probe must change too."""
    orjson.dumps(orjson.loads(_lists(254)))
    with pytest.raises(orjson.JSONEncodeError):
        orjson.dumps(orjson.loads(_lists(255)))


def test_nesting_up_to_the_bound_and_one_past_it():
    assert safe_json.loads(_lists(MAX_DEPTH)) is not None
    assert "nested deeper" in _refusal(_lists(MAX_DEPTH + 1)).msg
    # A small body (few brackets) and a large one (many siblings) take different paths.
    wide = b"[" + b",".join([b"{}"] * 100) + b"," + _lists(MAX_DEPTH) + b"]"
    assert _refusal(wide).loc == "100.0.0.0.0.0.…"
    assert "nested deeper" in _refusal(_lists(1023)).msg
    assert "nested deeper" in _refusal(_lists(5000)).msg


def test_64_bit_integers_and_their_neighbours():
    assert safe_json.loads(f"[{INT64_MAX}, {INT64_MIN}]".encode()) == [INT64_MAX, INT64_MIN]
    assert _refusal(f'{{"a": [1, {INT64_MAX + 1}]}}'.encode()).loc == "a.1"
    assert _refusal(f"[{INT64_MIN - 1}]".encode()).loc == "0"
    assert _refusal(b"[51033318746707133224024276992]").loc == "0"
    # Long digit runs in strings and floats are fine.
    assert safe_json.loads(b'["12345678901234567890", 1.12345678901234567890]')[0] == (
        "12345678901234567890"
    )


@pytest.mark.parametrize(
    ("raw", "loc", "words"),
    [
        (b'{"a": NaN}', "a", "NaN"),
        (b'{"a": [-Infinity]}', "a.0", "NaN"),
        (b'{"a": 1e400}', "a", "NaN"),
        (b'{"a": {"b": "x\\u0000"}}', "a.b", "U+0000"),
        (b'{"a": {"k\\u0000": 1}}', "a", "a key"),
        (b'["\\ud800"]', "0", "surrogate"),
        (b'["\\udfff x"]', "0", "surrogate"),
        (b'["\xed\xa0\x80"]', "0", "surrogate"),  # a surrogate encoded as UTF-8
    ],
)
def test_refused_values_are_named(raw, loc, words):
    problem = _refusal(raw)
    assert problem.loc == loc and words in problem.msg


def test_ordinary_json_and_plain_errors():
    assert safe_json.loads('{"t": "\U0001f600 \\ud83d\\ude00 \\\\u0000"}') == {
        "t": "\U0001f600 \U0001f600 \\u0000"
    }
    problem = _refusal(b'{"a": ')
    assert problem.loc == "" and problem.msg.startswith("not valid JSON")
    assert "line 2" in _refusal(b'{"a": 1,\n "b" 2}').msg


def test_text_problem():
    assert safe_json.text_problem("ordinary é \U0001f600") is None
    assert "U+0000" in (safe_json.text_problem("a\x00") or "")
    assert "surrogate" in (safe_json.text_problem("a\ud800") or "")
