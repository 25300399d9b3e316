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
