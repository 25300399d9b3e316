"""Record parsing: envelope keys are checked, the rest are params merged over defaults."""

from __future__ import annotations

import pytest

from quorum import tasktypes
from quorum.services.tasks.records import parse_record, parse_records
from quorum.tasktypes.base import TaskValidationError

CAT = tasktypes.get("categorization")
DEFAULTS = {"categories": ["a", "b"]}


def test_envelope_and_params_are_split():
    r = parse_record(
        CAT,
        DEFAULTS,
        {
            "attachment": "x",
            "unique_id": "u",
            "metadata": {"k": 1},
            "tags": ["t", "t", "s"],
            "priority": 2,
            "callback_url": "https://example.test/cb",
            "instruction": "Be careful",
            "batch": "b1",
            "gold": {"category": "a"},
        },
    )
    assert r.params == {
        "attachment_type": "text",
        "attachment": "x",
        "categories": ["a", "b"],
        "allow_multiple": False,
    }
    assert (r.unique_id, r.metadata, r.tags, r.priority) == ("u", {"k": 1}, ["t", "s"], 2)
    assert (r.callback_url, r.instruction, r.batch) == (
        "https://example.test/cb",
        "Be careful",
        "b1",
    )
    assert r.expected_response == {"category": "a"}


def test_every_bad_field_is_reported():
    with pytest.raises(TaskValidationError) as err:
        parse_record(
            CAT,
            DEFAULTS,
            {"tags": "t", "priority": True, "callback_url": "ftp://x", "metadata": []},
        )
    fields = sorted(e.loc for e in err.value.errors)
    assert fields == ["attachment", "callback_url", "metadata", "priority", "tags"]
    with pytest.raises(TaskValidationError, match="JSON object"):
        parse_record(CAT, DEFAULTS, ["not", "a", "dict"])


def test_parse_records_stops_at_max_errors():
    parsed, errors = parse_records(CAT, DEFAULTS, [{}] * 500, max_errors=10)
    assert len(errors) == 10 and parsed == []


@pytest.mark.parametrize(
    ("record", "typo", "meant"),
    [
        ({"atachment": "x"}, "atachment", "attachment"),  # a required field: reported once
        ({"attachment": "x", "alow_multiple": True}, "alow_multiple", "allow_multiple"),
        ({"attachment": "x", "uniqe_id": "u"}, "uniqe_id", "unique_id"),  # an envelope key
    ],
)
def test_a_misspelt_key_is_named_with_the_field_meant(record, typo, meant):
    with pytest.raises(TaskValidationError) as info:
        parse_record(CAT, DEFAULTS, record)
    assert [str(e) for e in info.value.errors] == [f"{typo}: unknown field; did you mean {meant}?"]


def test_unknown_keys_unlike_any_field_stay_params():
    """Scale's extra params pass through; only a near miss of an absent field is a typo."""
    record = {"attachment": "x", "category": "z", "source": "app", "attachments": ["a"]}
    params = parse_record(CAT, DEFAULTS, record).params
    assert (params["category"], params["source"], params["attachments"]) == ("z", "app", ["a"])
